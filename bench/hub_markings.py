"""The hub's own classification/releasability marking on the wire (docs/markings.md), for the ``hub`` profile.

Until the hub publishes its marking extension, the benchmark marks with TLP 2.0 only.
"""

from __future__ import annotations

from bench.markings import WireMarkings


def wire_markings() -> WireMarkings:
    """The richest marking profile this checkout of the hub understands."""
    return WireMarkings()
