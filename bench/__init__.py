"""Benchmarks of the hub (not part of the test suite); see docs/benchmarks.md."""
