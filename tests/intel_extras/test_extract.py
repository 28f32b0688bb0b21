"""Extraction and normalisation of observable values (no database): table-driven cases, and a differential check
that the fast reading of common patterns agrees with stix2-patterns' inspector."""

from __future__ import annotations

import random

import pytest
from stix2patterns.exceptions import ParseException
from stix2patterns.inspector import INDEX_STAR
from stix2patterns.v21.pattern import Pattern

from liaison_hub.intel import pattern_grammar
from liaison_hub.intel.correlation.extract import (
    Comparison,
    fast_comparisons,
    observables_of,
    observables_of_comparisons,
    pattern_observables,
    reference_comparisons,
)
from liaison_hub.intel.correlation.normalise import Observable, candidates, hash_algorithm, normalise
from tests.intel.fuzz_patterns import generated_patterns

SHA256 = "A" * 64
MD5 = "d41d8cd98f00b204e9800998ecf8427e"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("ipv4-addr", "198.51.100.7", "198.51.100.7"),
        ("ipv4-addr", " 198.51.100.7/32 ", "198.51.100.7"),
        ("ipv4-addr", "198.51.100.0/24", "198.51.100.0/24"),
        ("ipv4-addr", "198.51.100.7/24", "198.51.100.0/24"),
        ("ipv4-addr", "2001:db8::1", None),
        ("ipv4-addr", "999.1.1.1", None),
        ("ipv6-addr", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("ipv6-addr", "2001:db8::1/128", "2001:db8::1"),
        ("ipv6-addr", "198.51.100.7", None),
        ("domain-name", "Evil.Example.COM.", "evil.example.com"),
        ("domain-name", "bücher.example", "xn--bcher-kva.example"),
        ("domain-name", "not a domain", None),
        ("domain-name", "-bad-.example", None),
        ("url", "HTTP://Evil.Example:8080/Path?Q=1", "http://evil.example:8080/Path?Q=1"),
        ("url", "https://EXAMPLE.org", "https://example.org"),
        ("url", "no scheme here", None),
        ("email-addr", "Bob@Example.COM", "bob@example.com"),
        ("email-addr", "@example.com", None),
        ("email-addr", "bob@", None),
        ("SHA-256", SHA256, SHA256.lower()),
        ("SHA-256", "abc", None),
        ("MD5", MD5.upper(), MD5),
        ("MD5", "z" * 32, None),
        ("SSDEEP", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"),
        ("SSDEEP", "not a fuzzy hash", None),
        ("TLSH", "t1" + "a" * 70, "T1" + "A" * 70),
        ("TLSH", "a" * 69, None),
        ("unknown-kind", "x", None),
        ("ipv4-addr", 42, None),
        ("domain-name", "", None),
    ],
)
def test_normalise(kind: str, value: object, expected: str | None) -> None:
    result = normalise(kind, value)
    assert (result.value if result else None) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("sha256", "SHA-256"), ("SHA-256", "SHA-256"), ("Sha_256", "SHA-256"), ("sha1", "SHA-1"), ("md5", "MD5"),
     ("SHA3-256", "SHA3-256"), ("ssdeep", "SSDEEP"), ("crc32", None)],
)  # fmt: skip
def test_hash_algorithm_names(name: str, expected: str | None) -> None:
    assert hash_algorithm(name) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[ipv4-addr:value = '198.51.100.7']", {("ipv4-addr", "198.51.100.7")}),
        ("[ipv4-addr:value != '198.51.100.7']", set()),
        ("[ipv4-addr:value NOT = '198.51.100.7']", set()),
        ("[domain-name:value LIKE '%.example']", set()),
        ("[domain-name:value IN ('A.example', 'b.example')]",
         {("domain-name", "a.example"), ("domain-name", "b.example")}),
        (f"[file:hashes.'SHA-256' = '{SHA256}' AND file:hashes.MD5 = '{MD5}']",
         {("SHA-256", SHA256.lower()), ("MD5", MD5)}),
        (f"[file:hashes.sha256 = '{SHA256}']", {("SHA-256", SHA256.lower())}),
        ("[url:value = 'HTTP://X.example/a'] FOLLOWEDBY [email-addr:value = 'A@B.example']",
         {("url", "http://x.example/a"), ("email-addr", "a@b.example")}),
        ("[email-message:from_ref.value = 'Bob@Example.com']", {("email-addr", "bob@example.com")}),
        ("[email-message:to_refs[*].value = 'eve@example.com']", {("email-addr", "eve@example.com")}),
        ("[network-traffic:dst_ref.value = '2001:db8::1'] WITHIN 60 SECONDS", {("ipv6-addr", "2001:db8::1")}),
        ("[network-traffic:dst_ref.value = 'c2.example']", {("domain-name", "c2.example")}),
        ("[file:name = 'evil.exe']", set()),
        ("[domain-name:value = 'it\\'s bad']", set()),
        ("[ipv4-addr:value = 'not an address']", set()),
        ("this is not a pattern", set()),
    ],
)  # fmt: skip
def test_pattern_observables(pattern: str, expected: set[tuple[str, str]]) -> None:
    assert {(o.kind, o.value) for o in pattern_observables(pattern)} == expected


def test_observables_of_cyber_observables_and_observed_data() -> None:
    file_object = {"type": "file", "id": "file--1", "hashes": {"SHA-256": SHA256, "md5": MD5, "CRC32": "1234"}}
    assert {(o.kind, o.value) for o in observables_of(file_object)} == {("SHA-256", SHA256.lower()), ("MD5", MD5)}
    assert observables_of({"type": "ipv4-addr", "value": "10.0.0.1"}) == [Observable("ipv4-addr", "10.0.0.1")]
    observed = {
        "type": "observed-data",
        "objects": {"0": {"type": "domain-name", "value": "X.example"}, "1": {"type": "url", "value": "http://a.b/"}},
    }
    assert {o.value for o in observables_of(observed)} == {"x.example", "http://a.b/"}
    assert (
        observables_of({"type": "indicator", "pattern_type": "sigma", "pattern": "[ipv4-addr:value = '1.2.3.4']"}) == []
    )
    assert observables_of({"type": "malware", "name": "198.51.100.7"}) == []


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("198.51.100.7", {"ipv4-addr"}),
        ("2001:db8::1", {"ipv6-addr"}),
        ("Evil.Example", {"domain-name"}),
        ("http://evil.example/x", {"url"}),
        ("bob@example.com", {"email-addr"}),
        (MD5, {"MD5"}),
        (SHA256, {"SHA-256", "SHA3-256"}),
        ("3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", {"SSDEEP"}),
        ("T1" + "0" * 70, {"TLSH"}),
        ("not a value!", set()),
        ("   ", set()),
    ],
)
def test_search_candidates(text: str, kinds: set[str]) -> None:
    assert {o.kind for o in candidates(text)} == kinds


def _corpus(count: int, seed: int = 7) -> list[str]:
    """Patterns of the common forms (and a few others), with awkward but legal string contents."""
    rng = random.Random(seed)
    values = [
        "198.51.100.7",
        "2001:db8::1",
        "Evil.Example",
        "http://x.example/a b",
        "a@b.example",
        "it\\'s",
        "]",
        " AND ",
    ]
    paths = ["ipv4-addr:value", "ipv6-addr:value", "domain-name:value", "url:value", "email-addr:value", "file:name"]
    hashes = [("file:hashes.MD5", 32), ("file:hashes.'SHA-256'", 64), ("file:hashes.'SHA-1'", 40)]
    patterns = []
    for _ in range(count):
        comparisons = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.3:
                path, size = rng.choice(hashes)
                comparisons.append(f"{path} = '{''.join(rng.choice('0123456789abcdef') for _ in range(size))}'")
            else:
                comparisons.append(f"{rng.choice(paths)} {rng.choice(['=', '!='])} '{rng.choice(values)}'")
        observation = "[" + rng.choice([" AND ", " OR "]).join(comparisons) + "]"
        pattern = observation if rng.random() < 0.6 else f"{observation} FOLLOWEDBY {observation}"
        patterns.append(pattern if rng.random() < 0.9 else pattern + " WITHIN 5 SECONDS")
    return patterns


def test_fast_reading_agrees_with_the_reference_inspector() -> None:
    fast_used = 0
    for pattern in _corpus(600):
        fast = fast_comparisons(pattern)
        reference = reference_comparisons(pattern)
        assert reference, pattern
        if fast is not None:
            fast_used += 1
            assert observables_of_comparisons(fast) == observables_of_comparisons(reference), pattern
            assert sorted((t, p, o) for t, p, o, _ in fast) == sorted((t, p, o) for t, p, o, _ in reference), pattern
        assert pattern_observables(pattern) == frozenset(observables_of_comparisons(reference))
    assert fast_used > 400


def _by_type(comparisons: list[Comparison]) -> list[tuple[str, str, str, str]]:
    """Comparisons in a form both readings can be sorted by ([*] shown as '*')."""
    return sorted((t, repr(["*" if s is INDEX_STAR else s for s in p]), o, v) for t, p, o, v in comparisons)


def test_the_grammar_reads_every_pattern_as_the_reference_inspector_does() -> None:
    """Patterns the fast reading does not take (compound, LIKE, MATCHES, ports, qualifiers, sets, indexes, NOT, and
    mutated ones) are read by the hub's grammar: the same comparisons, operators and literals as stix2-patterns'
    inspector, hence the same observables; where the grammar is unsure the inspector reads it."""
    read = 0
    for pattern in [*generated_patterns(3000, 20261208), *_corpus(300)]:
        ours = pattern_grammar.comparisons(pattern)
        if ours is None:
            continue
        try:
            theirs = Pattern(pattern).inspect().comparisons
        except (ParseException, ValueError, TypeError):
            pytest.fail(f"the grammar read a pattern the reference cannot parse: {pattern}")
        reference = [(t, p, o, v) for t, items in theirs.items() for p, o, v in items]
        read += 1
        assert _by_type(ours) == _by_type(reference), pattern
        assert observables_of_comparisons(ours) == observables_of_comparisons(reference), pattern
    assert read > 1500
