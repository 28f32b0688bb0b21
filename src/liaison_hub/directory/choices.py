"""Directory choices the command line offers as options, in a module that imports nothing heavy."""

from __future__ import annotations

from enum import StrEnum


class NationStatus(StrEnum):
    member = "member"
    partner = "partner"
    none = "none"
