"""STIX patterns (STIX 2.1 section 9): a regular expression for the commonest forms, a recogniser of the whole
grammar (``intel.pattern_grammar``) for the rest, stix2-patterns where neither is certain.

Neither fast path guesses: on any doubt the reference validator decides, so the verdict is always the reference's.
``tests/intel/test_validation_differential.py`` and ``tests/intel/test_pattern_grammar.py`` check this on large
generated corpora.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stix2patterns.validator import run_validator

from liaison_hub.intel.pattern_grammar import Uncertain, verdict

# Object paths whose comparisons need no check beyond the grammar (stix2-patterns checks only hash values).
_PLAIN_PATHS = (
    "ipv4-addr:value",
    "ipv6-addr:value",
    "domain-name:value",
    "url:value",
    "email-addr:value",
    "file:name",
    "mac-addr:value",
)
# Hash selectors and the value each needs, mirroring stix2patterns.v21.object_validator.
_HASH_PATHS = {
    "file:hashes.MD5": r"[a-fA-F0-9]{32}",
    "file:hashes.'MD5'": r"[a-fA-F0-9]{32}",
    "file:hashes.'SHA-1'": r"[a-fA-F0-9]{40}",
    "file:hashes.'SHA-256'": r"[a-fA-F0-9]{64}",
    "file:hashes.'SHA-512'": r"[a-fA-F0-9]{128}",
}
_STRING = r"'(?:[^'\\\r\n]|\\['\\])*'"
_PLAIN = "|".join(re.escape(path) for path in _PLAIN_PATHS)
_HASHED = "|".join(f"{re.escape(path)} ?!?= ?'{value}'" for path, value in _HASH_PATHS.items())
_COMPARISON = f"(?:(?:{_PLAIN}) ?!?= ?{_STRING}|{_HASHED})"
_OBSERVATION = rf"\[ ?{_COMPARISON}(?: (?:AND|OR) {_COMPARISON})* ?\]"
_FAST = re.compile(rf"{_OBSERVATION}(?: (?:AND|OR|FOLLOWEDBY) {_OBSERVATION})*")

# Feed forms beyond those: LIKE/MATCHES, ports, and one qualifier per observation or per parenthesised group
# (a second of the same kind on one observation is an error, hence at most one).
_PORT = r"network-traffic:(?:src|dst)_port ?(?:!?=|<=?|>=?) ?(?:0|[1-9][0-9]{0,4})"
_TEXT = rf"(?:{_PLAIN}) (?:LIKE|MATCHES) {_STRING}"
_ANY_COMPARISON = f"(?:{_COMPARISON}|{_PORT}|{_TEXT})"
_QUALIFIER = r"(?: WITHIN (?:0|[1-9][0-9]*) SECONDS| REPEATS (?:0|[1-9][0-9]*) TIMES)?"
_UNIT = rf"\[ ?{_ANY_COMPARISON}(?: (?:AND|OR) {_ANY_COMPARISON})* ?\]{_QUALIFIER}"
_JOIN = " (?:AND|OR|FOLLOWEDBY) "
_TERM = rf"(?:{_UNIT}|\( ?{_UNIT}(?:{_JOIN}{_UNIT})* ?\){_QUALIFIER})"
_FEED = re.compile(rf"{_TERM}(?:{_JOIN}{_TERM})*")


def fast_accepts(pattern: str) -> bool:
    """True when the pattern is of a common form the grammar certainly accepts."""
    return _FAST.fullmatch(pattern) is not None


@lru_cache(maxsize=4096)
def reference_errors(pattern: str, version: str = "2.1") -> tuple[str, ...]:
    """The reference validator's complaints (empty when the pattern is valid)."""
    try:
        return tuple(str(error) for error in run_validator(pattern, version))
    except Exception as exc:  # the reference crashes on some inputs (e.g. an empty pattern): that is a refusal
        return (f"the pattern cannot be parsed ({type(exc).__name__})",)


def pattern_error(pattern: str, version: str = "2.1") -> str | None:
    """Why a STIX pattern is invalid, or None when it is valid."""
    return checked_pattern(pattern, version)[0]


def checked_pattern(pattern: str, version: str = "2.1") -> tuple[str | None, bool]:
    """(why the pattern is invalid or None, whether stix2-patterns had to be asked)."""
    if version == "2.1":
        if fast_accepts(pattern) or _FEED.fullmatch(pattern):
            return None, False
        try:
            return verdict(pattern), False
        except Uncertain:
            pass
    errors = reference_errors(pattern, version)
    return (errors[0] if errors else None), True
