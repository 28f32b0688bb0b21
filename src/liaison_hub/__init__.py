"""Liaison Hub: marked, releasability-filtered sharing for an alliance liaison office and its partners."""

__version__ = "0.1.0"
