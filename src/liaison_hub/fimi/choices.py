"""The FIMI choices the command line offers as options (file formats, chart groupings), in a module that imports
nothing heavy: ``liaison --help`` lists them without loading the parsers or the tables."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    jsonl = "jsonl"
    text = "text"
    html = "html"
    feed = "feed"


class ChartBy(StrEnum):
    total = "total"
    outlet = "outlet"
    country = "country"
