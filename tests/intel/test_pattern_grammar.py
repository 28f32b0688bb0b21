"""The pattern recogniser (``intel.pattern_grammar``) against stix2-patterns: on a large generated corpus of valid
and broken patterns, every verdict it is certain of is the reference's, with the reference's first message, and it
is certain of the forms feeds carry."""

from __future__ import annotations

import random

import pytest
from bench.feeds import Feeds, Recent
from stix2patterns.validator import run_validator

from liaison_hub.intel import patterns
from liaison_hub.intel.pattern_grammar import Uncertain, verdict
from tests.intel.fuzz_patterns import EDITS, feed_pattern, generated_patterns

PATTERNS = 6000
SEED = 20260101


def reference(pattern: str) -> str | None:
    """stix2-patterns' first message, or None; a crash (it has a few) is a refusal."""
    try:
        errors = run_validator(pattern, "2.1")
    except Exception as exc:
        return f"crash: {type(exc).__name__}"
    return errors[0] if errors else None


def test_certain_verdicts_are_the_reference_verdicts() -> None:
    certain, disagreements = 0, []
    for pattern in generated_patterns(PATTERNS, SEED):
        try:
            ours = verdict(pattern)
        except Uncertain:
            continue
        certain += 1
        if ours != reference(pattern):
            disagreements.append((pattern, ours, reference(pattern)))
    assert disagreements == []
    assert certain > PATTERNS // 3


def test_feed_patterns_never_need_the_reference() -> None:
    rng = random.Random(SEED)
    feeds = Feeds(rng, Recent(rng))
    for _ in range(500):
        for pattern in (feed_pattern(rng), feeds.pattern()):
            assert patterns.checked_pattern(pattern) == (None, False)
            assert reference(pattern) is None


def test_every_fast_layer_gives_the_reference_verdict() -> None:
    """The regular expressions (``patterns``) and the recogniser, on generated, feed-shaped and mutated patterns."""
    rng = random.Random(SEED + 1)
    feeds = Feeds(rng, Recent(rng))
    feed_forms = [feeds.pattern() for _ in range(PATTERNS // 3)]
    mutated = [rng.choice(EDITS)(rng, text) for text in feed_forms]
    fast = 0
    for pattern in [*generated_patterns(PATTERNS // 2, SEED + 2), *feed_forms, *mutated]:
        problem, asked = patterns.checked_pattern(pattern)
        if not asked:
            fast += 1
            assert problem == reference(pattern), pattern
    assert fast > PATTERNS // 2


@pytest.mark.parametrize(
    "pattern",
    [
        "[ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'example.com'] WITHIN 600 SECONDS",
        "([file:hashes.'SHA-256' = '" + "a" * 64 + "'] OR [url:value LIKE '%/gate.php']) FOLLOWEDBY "
        "[email-addr:value = 'a@example.org'] REPEATS 2 TIMES",
        "[network-traffic:dst_port > 1024 AND network-traffic:protocols[*] = 'tcp']",
        "[EXISTS windows-registry-key:values[*].data] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
        "[file:name NOT IN ('a.exe', 'b.exe') AND file:size <= 4096]",
        "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
    ],
)
def test_compound_and_qualified_patterns_are_certain_and_valid(pattern: str) -> None:
    assert verdict(pattern) is None
    assert reference(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("[file:hashes.MD5 = 'abc']", "FAIL: 'abc' is not a valid MD5 hash"),
        ("[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS", "FAIL: Duplicate qualifier type encountered: WITHIN"),
    ],
)
def test_certain_refusals_carry_the_reference_message(pattern: str, message: str) -> None:
    assert verdict(pattern) == message == reference(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "",
        "[file:name = 'a'] /* a comment */",
        "[file:name = 'a'] and [file:name = 'b']",
        "[network-traffic:start = t'2016-06-01T00:00:00Z']",
        "[file:x[-1] = 1]",
        "[file:hashes[0] = 'a']",
        "[file:created = t'2016-02-30T00:00:60Z']",
    ],
)
def test_doubtful_patterns_are_left_to_the_reference(pattern: str) -> None:
    with pytest.raises(Uncertain):
        verdict(pattern)
    assert patterns.checked_pattern(pattern)[1] is True
