"""Random STIX 2.1 patterns for differential tests: every production of the grammar (section 9), the forms feeds
carry, literals near the lexer's limits, and character-level mutations of all of these."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

HASHES = {"MD5": 32, "'MD5'": 32, "'SHA-1'": 40, "'SHA-256'": 64, "'SHA-512'": 128, "SHA256": 64, "'SSDEEP'": 20}
PATHS = [
    "ipv4-addr:value",
    "ipv6-addr:value",
    "domain-name:value",
    "url:value",
    "email-addr:value",
    "file:name",
    "file:size",
    "mac-addr:value",
    "process:pid",
    "process:name",
    "network-traffic:dst_port",
    "network-traffic:src_ref.value",
    "network-traffic:protocols[*]",
    "network-traffic:protocols[0]",
    "email-message:from_ref.value",
    "email-message:body_multipart[*].body_raw_ref.name",
    "windows-registry-key:key",
    "windows-registry-key:values[*].data",
    "file:extensions.'windows-pebinary-ext'.sections[*].entropy",
    "file:parent_directory_ref.path",
    "x-custom-thing:a_b",
    "user-account:account_login",
    "artifact:payload_bin",
    "x509-certificate:hashes.'SHA-1'",
    "software:start",
    "file:'name'",
    "file:x[-1]",
    "file:hashes[0]",
]
STRING_PIECES = ["a", "b", "1", ".", "-", "/", " ", "é", "\\\\", "\\'", "東京", "%", "_", ":", "*", "\n", "[", "]"]
TIMESTAMPS = [
    "t'2016-06-01T00:00:00Z'",
    "t'2020-02-28T23:59:59.123456Z'",
    "t'2020-02-30T00:00:00Z'",
    "t'2020-12-31T12:00:60Z'",
    "t'2020-13-01T00:00:00Z'",
    "t'2020-1-01T00:00:00Z'",
    "t'2020-01-01T24:00:00Z'",
    "t'2020-01-01T00:00:00.Z'",
]
NUMBERS = ["0", "1", "42", "+7", "-3", "007", "1.5", ".5", "-0.25", "+.5", "1.", "65535", "-0"]
OTHER_LITERALS = [
    "true",
    "false",
    "TRUE",
    "h'00ff'",
    "h'0'",
    "h''",
    "b'AAAA'",
    "b'AA=='",
    "b'A==='",
    "b''",
    *TIMESTAMPS,
]


def _string(rng: random.Random) -> str:
    return "'" + "".join(rng.choice(STRING_PIECES) for _ in range(rng.randint(0, 10))) + "'"


def _hash_value(rng: random.Random, size: int) -> str:
    digits = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(size + rng.choice([0, 0, 0, 0, -1, 1])))
    return f"'{digits}'"


def _literal(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return _string(rng)
    if roll < 0.8:
        return rng.choice(NUMBERS)
    return rng.choice(OTHER_LITERALS)


def comparison(rng: random.Random) -> str:
    """One comparison of any kind the grammar has, on a path of any shape."""
    if rng.random() < 0.25:
        name, size = rng.choice(list(HASHES.items()))
        op = rng.choice(["=", "!=", "=", "IN"])
        if op == "IN":
            return f"file:hashes.{name} IN ({_hash_value(rng, size)}, {_hash_value(rng, size)})"
        return f"file:hashes.{name} {op} {_hash_value(rng, size)}"
    path = rng.choice(PATHS)
    kind = rng.randrange(10)
    neg = "NOT " if rng.random() < 0.15 else ""
    if kind < 4:
        return f"{path} {neg}{rng.choice(['=', '!=', '==', '<>'])} {_literal(rng)}"
    if kind < 6:
        return f"{path} {neg}{rng.choice(['<', '>', '<=', '>='])} {_literal(rng)}"
    if kind == 6:
        members = ", ".join(_literal(rng) for _ in range(rng.randint(0, 3)))
        return f"{path} {neg}IN ({members})"
    if kind == 7:
        return f"{path} {neg}{rng.choice(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'])} {_string(rng)}"
    if kind == 8:
        return f"{neg}EXISTS {path}"
    return f"({comparison(rng)} {rng.choice(['AND', 'OR'])} {comparison(rng)})"


def _qualifier(rng: random.Random) -> str:
    return rng.choice(
        [
            f" WITHIN {rng.choice(['1', '300', '0', '2.5', '-1', '+5'])} SECONDS",
            f" REPEATS {rng.choice(['1', '5', '0', '-2'])} TIMES",
            f" START {rng.choice(TIMESTAMPS)} STOP {rng.choice(TIMESTAMPS)}",
        ]
    )


def observation(rng: random.Random, depth: int = 0) -> str:
    if depth < 2 and rng.random() < 0.15:
        text = f"({expression(rng, depth + 1)})"
    else:
        terms = [comparison(rng) for _ in range(rng.randint(1, 3))]
        text = "[" + terms[0] + "".join(f" {rng.choice(['AND', 'OR'])} {t}" for t in terms[1:]) + "]"
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        text += _qualifier(rng)
    return text


def expression(rng: random.Random, depth: int = 0) -> str:
    text = observation(rng, depth)
    for _ in range(rng.choice([0, 0, 1, 2])):
        text += f" {rng.choice(['AND', 'OR', 'FOLLOWEDBY'])} {observation(rng, depth)}"
    return text


def feed_pattern(rng: random.Random) -> str:
    """The forms partners' feeds mostly carry: equality on an address, a domain, a URL, an e-mail or a hash."""
    terms = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        if rng.random() < 0.3:
            name, size = rng.choice(list(HASHES.items())[:5])
            terms.append(f"file:hashes.{name} = '{''.join(rng.choice('0123456789abcdef') for _ in range(size))}'")
        else:
            path = rng.choice(PATHS[:6])
            terms.append(f"{path} = '{''.join(rng.choice('abc.-/1') for _ in range(rng.randint(1, 12)))}'")
    return "[" + f" {rng.choice(['OR', 'AND'])} ".join(terms) + "]"


EDITS: list[Callable[[random.Random, str], str]] = [
    lambda rng, t: t[:-1],
    lambda rng, t: t[1:],
    lambda rng, t: t.replace("'", "", 1),
    lambda rng, t: t.replace("=", "==", 1),
    lambda rng, t: t + " garbage",
    lambda rng, t: t.replace("[", "(", 1),
    lambda rng, t: t.replace("\\\\", "\\x", 1) if "\\\\" in t else t + "\\",
    lambda rng, t: t.replace(":", "", 1),
    lambda rng, t: "",
    lambda rng, t: t.replace(" ", "\n", 1),
    lambda rng, t: t.replace(" ", "", 2),
    lambda rng, t: t.replace("AND", "and", 1),
    lambda rng, t: t + " /* comment */",
    lambda rng, t: t.replace("]", "] WITHIN 5 SECONDS", 1),
    lambda rng, t: t + " §",
    lambda rng, t: t.replace(" ", "\u00a0", 1),
    lambda rng, t: t.replace(" ", "\x1c", 1),
    lambda rng, t: "  (" + t + ")",
    lambda rng, t: _splice(rng, t),
]


def _splice(rng: random.Random, text: str) -> str:
    if not text:
        return text
    cut = rng.randrange(len(text))
    return text[:cut] + rng.choice(["'", "[", "]", "(", ")", " OR ", "-", ".", "*", ",", "\\"]) + text[cut:]


def generated_patterns(count: int, seed: int) -> Iterator[str]:
    """``count`` patterns: half feed-like, half from the whole grammar; about a third mutated."""
    rng = random.Random(seed)
    for _ in range(count):
        text = feed_pattern(rng) if rng.random() < 0.4 else expression(rng)
        if rng.random() < 0.35:
            text = rng.choice(EDITS)(rng, text)
        yield text
