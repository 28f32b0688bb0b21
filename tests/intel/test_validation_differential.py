"""Differential tests: on a large generated corpus of valid and deliberately broken STIX objects and patterns, the
hub's validators (fast path + fallback) accept and refuse exactly what the reference validators (stix2.parse and
stix2-patterns) do, and the fast path really carries the common forms."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from stix2patterns.validator import run_validator

from liaison_hub.intel import patterns, validation

SEED = 20260101
OBJECTS = 2500
PATTERNS = 2500


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _timestamp(rng: random.Random) -> str:
    year, month, day = rng.randint(2015, 2030), rng.randint(1, 12), rng.randint(1, 28)
    fraction = rng.choice(["", ".1", ".12", ".123", ".123456"])
    hour, minute, second = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}Z"


HASHES = {"MD5": 32, "'MD5'": 32, "'SHA-1'": 40, "'SHA-256'": 64, "'SHA-512'": 128}


def _string(rng: random.Random) -> str:
    pieces = ["a", "b", "1", ".", "-", "/", " ", "é", "\\\\", "\\'", "東京", "%", "_", ":"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))


def _comparison(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        name, size = rng.choice(list(HASHES.items()))
        value = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(size + rng.choice([0, 0, 0, -1, 1])))
        return f"file:hashes.{name} {rng.choice(['=', '!='])} '{value}'"
    path = rng.choice(
        [
            "ipv4-addr:value",
            "ipv6-addr:value",
            "domain-name:value",
            "url:value",
            "email-addr:value",
            "file:name",
            "mac-addr:value",
            "process:pid",
            "file:size",
            "network-traffic:dst_port",
        ]
    )
    operator = rng.choice(["=", "!=", "=", "=", "LIKE", "MATCHES", ">", "<=", "IN"])
    if operator == "IN":
        return f"{path} IN ('{_string(rng)}', '{_string(rng)}')"
    literal = rng.choice([f"'{_string(rng)}'", str(rng.randint(0, 65535)), "true", "h'00ff'", "b'AAAA'"])
    spaces = rng.choice([" ", " ", "", "  "])
    return f"{path}{spaces}{operator}{spaces}{literal}"


def _observation(rng: random.Random) -> str:
    terms = [_comparison(rng) for _ in range(rng.randint(1, 3))]
    body = terms[0] + "".join(f" {rng.choice(['AND', 'OR', 'and', 'OR'])} {t}" for t in terms[1:])
    text = f"[{body}]"
    qualifier = rng.randrange(8)
    if qualifier == 0:
        text += f" WITHIN {rng.randint(1, 900)} SECONDS"
    elif qualifier == 1:
        text += f" REPEATS {rng.randint(1, 9)} TIMES"
    elif qualifier == 2:
        text += " START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'"
    return text


def _break_pattern(rng: random.Random, text: str) -> str:
    edits: list[Callable[[str], str]] = [
        lambda t: t[:-1],
        lambda t: t[1:],
        lambda t: t.replace("'", "", 1),
        lambda t: t.replace("=", "==", 1),
        lambda t: t + " garbage",
        lambda t: t.replace("[", "(", 1),
        lambda t: t.replace("\\\\", "\\x", 1) if "\\\\" in t else t + "\\",
        lambda t: t.replace(":", "", 1),
        lambda t: "",
        lambda t: t.replace(" ", "\n", 1),
    ]
    return rng.choice(edits)(text)


COMMON_PATHS = ["ipv4-addr:value", "domain-name:value", "url:value", "email-addr:value", "file:name"]


def _common_pattern(rng: random.Random) -> str:
    """The forms partners' feeds mostly carry: equality on an address, a domain, a URL or a file hash."""
    terms = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        if rng.random() < 0.3:
            name, size = rng.choice(list(HASHES.items()))
            terms.append(f"file:hashes.{name} = '{''.join(rng.choice('0123456789abcdef') for _ in range(size))}'")
        else:
            terms.append(f"{rng.choice(COMMON_PATHS)} = '{_string(rng)}'")
    return "[" + " OR ".join(terms) + "]"


def generated_patterns(count: int) -> Iterator[str]:
    rng = random.Random(SEED)
    for _ in range(count):
        text = _common_pattern(rng) if rng.random() < 0.5 else _observation(rng)
        for _ in range(rng.choice([0, 0, 1, 2])):
            text += f" {rng.choice(['AND', 'OR', 'FOLLOWEDBY'])} {_observation(rng)}"
        yield _break_pattern(rng, text) if rng.random() < 0.3 else text


def _common(rng: random.Random, kind: str) -> dict[str, Any]:
    created = _timestamp(rng)
    obj: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": f"{kind}--{_uuid(rng)}",
        "created": created,
        "modified": created,
    }
    if rng.random() < 0.3:
        obj["object_marking_refs"] = [f"marking-definition--{_uuid(rng)}"]
    if rng.random() < 0.2:
        obj["labels"] = ["one", "two"]
    if rng.random() < 0.2:
        obj["confidence"] = rng.randint(0, 100)
    if rng.random() < 0.2:
        obj["created_by_ref"] = f"identity--{_uuid(rng)}"
    return obj


def _valid_object(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(
        [
            "indicator",
            "indicator",
            "identity",
            "malware",
            "relationship",
            "attack-pattern",
            "intrusion-set",
            "ipv4-addr",
            "domain-name",
            "url",
            "tool",
            "report",
        ]
    )
    if kind in ("ipv4-addr", "domain-name", "url"):
        return {"type": kind, "spec_version": "2.1", "id": f"{kind}--{_uuid(rng)}", "value": _string(rng) or "x"}
    obj = _common(rng, kind)
    if kind == "indicator":
        common = f"[ipv4-addr:value = '10.0.0.{rng.randint(0, 255)}']"
        pattern = common if rng.random() < 0.7 else _observation(rng)
        obj.update(pattern=pattern, pattern_type="stix", valid_from=obj["created"], name="address")
    elif kind == "malware":
        obj.update(name=_string(rng) or "m", is_family=rng.random() < 0.5)
    elif kind == "relationship":
        obj.update(
            relationship_type="indicates", source_ref=f"indicator--{_uuid(rng)}", target_ref=f"malware--{_uuid(rng)}"
        )
    elif kind == "report":
        obj.update(name="r", published=obj["created"], object_refs=[f"indicator--{_uuid(rng)}"])
    else:
        obj.update(name=_string(rng) or "n")
    return obj


BREAKAGES: list[Callable[[random.Random, dict[str, Any]], None]] = [
    lambda rng, o: o.pop(rng.choice(sorted(o)), None),
    lambda rng, o: o.update(id=o["id"].upper()),
    lambda rng, o: o.update(id=o["id"].replace("--", "-")),
    lambda rng, o: o.update(id=o["id"][:-12] + "zzzzzzzzzzzz"),
    lambda rng, o: o.update(id=o["id"][: o["id"].index("--") + 16] + "7" + o["id"][o["id"].index("--") + 17 :]),
    lambda rng, o: o.update({rng.choice(sorted(o)): 12345}),
    lambda rng, o: o.update({rng.choice(sorted(o)): None}),
    lambda rng, o: o.update({rng.choice(sorted(o)): []}),
    lambda rng, o: o.update({rng.choice(sorted(o)): ["x", 1]}),
    lambda rng, o: o.update(
        modified=rng.choice(
            ["2020-01-01", "2020-01-01T00:00:00", "2020-02-30T00:00:00Z", "2020-01-01T00:00:00.1234567Z"]
        )
    ),
    lambda rng, o: o.update(created="2020-1-1T0:0:0Z"),
    lambda rng, o: o.update(spec_version=rng.choice(["2.0", "2.2", 2.1])),
    lambda rng, o: o.update(confidence=rng.choice([-1, 101, "50", True, 3.5])),
    lambda rng, o: o.update(revoked=rng.choice(["true", 1, "yes", None])),
    lambda rng, o: o.update(x_custom_field="custom"),
    lambda rng, o: o.update(unknown_property="?"),
    lambda rng, o: o.update(created_by_ref=f"malware--{uuid.uuid4()}"),
    lambda rng, o: o.update(object_marking_refs=[f"identity--{uuid.uuid4()}"]),
    lambda rng, o: o.update(labels="single"),
    lambda rng, o: o.update(
        extensions={f"extension-definition--{uuid.uuid4()}": {"extension_type": "property-extension"}}
    ),
    lambda rng, o: o.update(valid_until="2000-01-01T00:00:00Z") if o["type"] == "indicator" else o.update(name=""),
    lambda rng, o: o.update(pattern=next(generated_patterns(rng.randint(1, 40)))) if o["type"] == "indicator" else None,
    lambda rng, o: o.update(pattern_version="2.0") if o["type"] == "indicator" else None,
    lambda rng, o: o.update(is_family=True, name=None) if o["type"] == "malware" else None,
    lambda rng, o: o.update(first_seen="2021-01-01T00:00:00Z", last_seen="2020-01-01T00:00:00Z"),
    lambda rng, o: o.update(target_ref=f"marking-definition--{uuid.uuid4()}") if o["type"] == "relationship" else None,
    lambda rng, o: o.update(start_time="2021-01-01T00:00:00Z", stop_time="2021-01-01T00:00:00Z"),
    lambda rng, o: o.update(type="x-custom-thing", id=f"x-custom-thing--{uuid.uuid4()}"),
]


def generated_objects(count: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED + 1)
    for _ in range(count):
        obj = _valid_object(rng)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            try:
                rng.choice(BREAKAGES)(rng, obj)
            except (TypeError, KeyError, ValueError, AttributeError):
                continue  # an earlier breakage already removed or replaced what this one edits
        yield obj


def reference_accepts(obj: dict[str, Any]) -> bool:
    return validation.hub_rule_error(obj) is None and validation.reference_error(obj) is None


def reference_pattern_ok(pattern: str) -> bool:
    """stix2-patterns' verdict; it crashes on a few inputs (an empty pattern), which counts as a refusal."""
    try:
        return not run_validator(pattern, "2.1")
    except Exception:
        return False


def test_patterns_agree_with_stix2_patterns() -> None:
    corpus = list(generated_patterns(PATTERNS))
    disagreements = [p for p in corpus if (patterns.pattern_error(p) is None) != reference_pattern_ok(p)]
    assert disagreements == []
    valid = [p for p in corpus if reference_pattern_ok(p)]
    invalid = len(corpus) - len(valid)
    assert len(valid) > PATTERNS // 5, "the corpus has many valid patterns"
    assert invalid > PATTERNS // 10, "and many invalid ones"
    assert sum(map(patterns.fast_accepts, valid)) > len(valid) // 4, "the fast path carries common patterns"


def test_the_fast_path_never_accepts_what_stix2_refuses() -> None:
    corpus = list(generated_objects(OBJECTS))
    accepted_fast = [o for o in corpus if validation.hub_rule_error(o) is None and validation.fast_accepts(o)]
    refused_by_reference = [o for o in accepted_fast if validation.reference_error(o) is not None]
    assert refused_by_reference == []
    assert len(accepted_fast) > OBJECTS // 3, "the fast path carries the common forms"


def test_hub_verdicts_equal_the_reference_verdicts() -> None:
    corpus = list(generated_objects(OBJECTS))
    disagreements = [o for o in corpus if (validation.check(o) is None) != reference_accepts(o)]
    assert disagreements == []
    refused = sum(1 for o in corpus if validation.check(o) is not None)
    assert OBJECTS // 10 < refused < OBJECTS * 9 // 10, "the corpus covers both verdicts"
