"""Observable values an object mentions: from indicator patterns (STIX 2.1 section 9), cyber observables
(section 6) and observed-data's embedded ``objects`` (section 4.13).

Patterns are read with stix2-patterns' parser and inspector; only positive comparisons (``=`` and ``IN``) say
"this value", so ``!=``, ``NOT``, ``LIKE`` and ``MATCHES`` contribute nothing. Parsing with the reference grammar
is slow, so patterns of the common forms (those ``intel.patterns.fast_accepts`` recognises) are read with a
regular expression instead; ``tests/intel_extras/test_extract.py`` checks on a generated corpus
that both readings agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import antlr4
from stix2patterns.exceptions import ParseException
from stix2patterns.inspector import INDEX_STAR
from stix2patterns.v21.grammars.STIXPatternLexer import STIXPatternLexer
from stix2patterns.v21.pattern import Pattern

from liaison_hub.intel import pattern_grammar
from liaison_hub.intel.correlation.normalise import (
    DOMAIN,
    EMAIL,
    IPV4,
    IPV6,
    URL,
    Observable,
    hash_algorithm,
    normalise,
)
from liaison_hub.intel.patterns import fast_accepts

SCO_VALUE_KINDS = {"ipv4-addr": IPV4, "ipv6-addr": IPV6, "domain-name": DOMAIN, "url": URL, "email-addr": EMAIL}
HASHED_TYPES = ("file", "artifact", "x509-certificate")
EMAIL_REFS = ("from_ref", "sender_ref", "to_refs", "cc_refs", "bcc_refs")
TRAFFIC_REFS = ("src_ref", "dst_ref")
POSITIVE = ("=", "IN")
MAX_PER_OBJECT = 1000

_STRING = r"'(?:[^'\\\r\n]|\\['\\])*'"
_PATH = r"(?P<type>[a-z0-9-]+):(?P<path>value|name|hashes\.(?:'[A-Za-z0-9-]+'|[A-Za-z0-9]+))"
_FAST_COMPARISON = re.compile(rf"{_PATH} ?(?P<op>!?=) ?(?P<literal>{_STRING})")

Comparison = tuple[str, list[Any], str, str]
"""(object type, object path, operator, literal text) as stix2-patterns' inspector reports them."""


def unquote(literal: str) -> str:
    """The text of a STIX string literal (section 9.4: quotes and backslashes are escaped with a backslash)."""
    return literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")


def _set_strings(literal: str) -> list[str]:
    """The string members of a set literal such as ``('a','b')``, read with the grammar's own lexer."""
    lexer = STIXPatternLexer(antlr4.InputStream(literal))
    lexer.removeErrorListeners()
    return [unquote(t.text) for t in lexer.getAllTokens() if t.type == STIXPatternLexer.StringLiteral]


def _strings(op: str, literal: str) -> list[str]:
    if op == "=" and literal.startswith("'"):
        return [unquote(literal)]
    if op == "IN":
        return _set_strings(literal)
    return []


def _kind_of(obj_type: str, path: Sequence[Any], value: str) -> str | None:
    """Which kind of observable a comparison on ``obj_type:path`` is about (None: not one we correlate)."""
    steps = [step for step in path if step is not INDEX_STAR and not isinstance(step, int)]
    if steps == ["value"] and obj_type in SCO_VALUE_KINDS:
        return SCO_VALUE_KINDS[obj_type]
    if len(steps) == 2 and steps[0] == "hashes" and obj_type in HASHED_TYPES:
        return hash_algorithm(str(steps[1]))
    if obj_type == "email-message" and len(steps) == 2 and steps[0] in EMAIL_REFS and steps[1] == "value":
        return EMAIL
    if obj_type == "network-traffic" and steps in ([ref, "value"] for ref in TRAFFIC_REFS):
        return _address_kind(value)
    return None


def _address_kind(value: str) -> str:
    if normalise(IPV4, value) is not None:
        return IPV4
    return IPV6 if normalise(IPV6, value) is not None else DOMAIN


def observables_of_comparisons(comparisons: Iterable[Comparison]) -> set[Observable]:
    found: set[Observable] = set()
    for obj_type, path, op, literal in comparisons:
        if op not in POSITIVE:
            continue
        for text in _strings(op, literal):
            kind = _kind_of(obj_type, path, text)
            observable = normalise(kind, text) if kind else None
            if observable is not None:
                found.add(observable)
    return found


def reference_comparisons(pattern: str) -> list[Comparison]:
    """Every comparison in a pattern, as stix2-patterns' inspector reads it (empty if it does not parse)."""
    try:
        data = Pattern(pattern).inspect()
    except (ParseException, ValueError, TypeError):
        return []
    return [(obj_type, path, op, value) for obj_type, items in data.comparisons.items() for path, op, value in items]


def fast_comparisons(pattern: str) -> list[Comparison] | None:
    """The comparisons of a pattern of a common form, without the parser; None for any other pattern."""
    if not fast_accepts(pattern):
        return None
    result: list[Comparison] = []
    for match in _FAST_COMPARISON.finditer(pattern):
        path = match["path"]
        steps = ["hashes", path[7:].strip("'")] if path.startswith("hashes.") else [path]
        result.append((match["type"], steps, match["op"], match["literal"]))
    return result


@lru_cache(maxsize=8192)
def pattern_observables(pattern: str) -> frozenset[Observable]:
    """The observable values a STIX pattern says an observation has."""
    comparisons = fast_comparisons(pattern)
    if comparisons is None:
        comparisons = pattern_grammar.comparisons(pattern)
    if comparisons is None:
        comparisons = reference_comparisons(pattern)
    return frozenset(observables_of_comparisons(comparisons))


def _hashes(hashes: object) -> Iterator[Observable]:
    if isinstance(hashes, Mapping):
        for algorithm, value in hashes.items():
            kind = hash_algorithm(str(algorithm))
            observable = normalise(kind, value) if kind else None
            if observable is not None:
                yield observable


def _cyber_observable(obj: Mapping[str, Any]) -> Iterator[Observable]:
    """The value of an address, domain, URL or e-mail address object; the hashes of a file or artifact."""
    obj_type = obj.get("type")
    if obj_type in SCO_VALUE_KINDS:
        observable = normalise(SCO_VALUE_KINDS[str(obj_type)], obj.get("value"))
        if observable is not None:
            yield observable
    elif obj_type in HASHED_TYPES:
        yield from _hashes(obj.get("hashes"))


def observables_of(obj: Mapping[str, Any]) -> list[Observable]:
    """Every observable value an object mentions, normalised, each once (at most ``MAX_PER_OBJECT``)."""
    found: set[Observable] = set(_cyber_observable(obj))
    if obj.get("type") == "indicator" and obj.get("pattern_type") == "stix" and isinstance(obj.get("pattern"), str):
        found |= pattern_observables(obj["pattern"])
    if obj.get("type") == "observed-data" and isinstance(obj.get("objects"), Mapping):
        for embedded in obj["objects"].values():
            if isinstance(embedded, Mapping):
                found |= set(_cyber_observable(embedded))
    return sorted(found)[:MAX_PER_OBJECT]
