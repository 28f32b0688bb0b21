"""A recogniser for STIX 2.1 patterns (STIX 2.1 section 9) that says "valid" only when it is certain.

It reads the grammar of ``stix2-patterns`` (STIXPattern.g4 for 2.1: observation expressions joined by AND, OR and
FOLLOWEDBY, qualifiers, comparisons with NOT, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET, EXISTS), then applies the
checks the reference adds after parsing: hash values on ``hashes`` paths (``stix2patterns.v21.object_validator``)
and one qualifier of each kind on an observation. Anything it is not certain of — a character outside its tokens,
a comment, an identifier that is also a keyword, a negative index, a timestamp near the grammar's limits — makes it
answer None ("ask the reference"), never "invalid", so the verdict stays the reference's.
"""

from __future__ import annotations

import re
from typing import Any

from stix2patterns.inspector import INDEX_STAR
from stix2patterns.v21.object_validator import HASHES_REGEX

# ANTLR's WS rule of the grammar (skipped between tokens).
_SPACE = "[ \t\r\n\x0b\x0c\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_TOKEN = re.compile(
    r"(?:"
    r"(?P<str>'(?:[^'\\]|\\['\\])*')"
    r"|(?P<float>[+-]?[0-9]*\.[0-9]+)"
    r"|(?P<int>[+-]?(?:0|[1-9][0-9]*))"
    r"|(?P<lit>t'[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]+)?Z'"
    r"|h'(?:[0-9A-Fa-f]{2})*'"
    r"|b'(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)')"
    r"|(?P<name>[a-zA-Z_][a-zA-Z0-9_-]*)"
    r"|(?P<op><=|>=|<>|!=|==|[=<>])"
    r"|(?P<punct>[\[\]():,.*])"
    r")"
)
_END = re.compile(rf"{_SPACE}*")
KEYWORDS = frozenset(
    {"AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS", "LAST", "IN"}
    | {"START", "STOP", "SECONDS", "TRUE", "FALSE", "WITHIN", "REPEATS", "TIMES"}
)
_ORDER_OPS = frozenset({"<", ">", "<=", ">="})
_STRING_OPS = frozenset({"LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"})
_QUALIFIERS = {"WITHIN": "WITHIN", "REPEATS": "REPEATS", "START": "STARTSTOP"}
_LITERALS = frozenset({"str", "float", "int", "lit", "bool"})
_HASH_CHECKS = {name: re.compile(regex) for name, (regex, _label) in HASHES_REGEX.items()}


class Uncertain(Exception):
    """The recogniser cannot vouch for this pattern; the reference must decide."""


Token = tuple[str, str]  # (kind, text): kind is a group name above, "kw" for keywords, "bool" for true/false


def tokens(pattern: str) -> list[Token]:
    """The pattern's tokens as the grammar's lexer would cut them, or Uncertain."""
    out: list[Token] = []
    pos, end = 0, len(pattern)
    while True:
        pos = _END.match(pattern, pos).end()  # type: ignore[union-attr]
        if pos == end:
            return out
        found = _TOKEN.match(pattern, pos)
        if found is None or found.lastgroup is None:
            raise Uncertain("a character outside the recogniser's tokens")
        kind, text = found.lastgroup, found.group(found.lastgroup)
        if kind == "name":
            kind = _word_kind(text)
        out.append((kind, text))
        pos = found.end()


def _word_kind(text: str) -> str:
    if text in KEYWORDS:
        return "kw"
    if text in ("true", "false"):
        return "bool"
    if text.upper() in KEYWORDS or (text[0] in "thb" and len(text) == 1):
        raise Uncertain("an identifier that reads like a keyword or a literal prefix")
    return "name"


class _Parser:
    """Recursive descent over the token list, one method per rule of the grammar."""

    def __init__(self, toks: list[Token]) -> None:
        self.toks = toks
        self.pos = 0
        self.comparisons: dict[str, list[tuple[list[Any], str]]] = {}
        self.tests: list[tuple[str, list[Any], str, str]] = []
        self.repeated: str | None = None

    def peek(self) -> Token:
        return self.toks[self.pos] if self.pos < len(self.toks) else ("eof", "")

    def take(self, kind: str, text: str | None = None) -> str:
        tok_kind, tok_text = self.peek()
        if tok_kind != kind or (text is not None and tok_text != text):
            raise Uncertain(f"expected {text or kind}")
        self.pos += 1
        return tok_text

    def accept(self, kind: str, text: str) -> bool:
        if self.peek() == (kind, text):
            self.pos += 1
            return True
        return False

    def pattern(self) -> None:
        self.observations()
        if self.pos != len(self.toks):
            raise Uncertain("tokens after the pattern")

    def observations(self) -> None:
        self.observation_or()
        while self.accept("kw", "FOLLOWEDBY"):
            self.observation_or()

    def observation_or(self) -> None:
        self.observation_and()
        while self.accept("kw", "OR"):
            self.observation_and()

    def observation_and(self) -> None:
        self.observation()
        while self.accept("kw", "AND"):
            self.observation()

    def observation(self) -> None:
        """An observation with its qualifiers; a simple one may carry each kind only once (stix2-patterns)."""
        simple = self.peek() == ("punct", "[")
        if simple:
            self.pos += 1
            self.comparison_or()
            self.take("punct", "]")
        else:
            self.take("punct", "(")
            self.observations()
            self.take("punct", ")")
        seen: set[str] = set()
        while (kind := _QUALIFIERS.get(self.peek()[1])) is not None and self.peek()[0] == "kw":
            self.qualifier(kind)
            if simple and kind in seen and self.repeated is None:
                self.repeated = kind
            seen.add(kind)

    def qualifier(self, kind: str) -> None:
        self.pos += 1
        if kind == "WITHIN":
            if self.peek()[0] not in ("int", "float") or self.peek()[1].startswith("-"):
                raise Uncertain("WITHIN needs a positive number")
            self.pos += 1
            self.take("kw", "SECONDS")
        elif kind == "REPEATS":
            if self.peek()[0] != "int" or self.peek()[1].startswith("-"):
                raise Uncertain("REPEATS needs a positive integer")
            self.pos += 1
            self.take("kw", "TIMES")
        else:
            self._timestamp()
            self.take("kw", "STOP")
            self._timestamp()

    def _timestamp(self) -> None:
        if not self.take("lit", None).startswith("t"):
            raise Uncertain("START and STOP take timestamps")

    def comparison_or(self) -> None:
        self.comparison_and()
        while self.accept("kw", "OR"):
            self.comparison_and()

    def comparison_and(self) -> None:
        self.prop_test()
        while self.accept("kw", "AND"):
            self.prop_test()

    def prop_test(self) -> None:
        if self.accept("punct", "("):
            self.comparison_or()
            self.take("punct", ")")
            return
        negated = self.accept("kw", "NOT")
        if self.accept("kw", "EXISTS"):
            self.object_path()
            return
        if negated:
            raise Uncertain("NOT before a path")
        obj_type, path = self.object_path()
        negated = self.accept("kw", "NOT")
        kind, text = self.peek()
        self.pos += 1
        if kind == "op":
            value = self._literal(ordered=text in _ORDER_OPS)
        elif (kind, text) == ("kw", "IN"):
            value = self._set()
        elif kind == "kw" and text in _STRING_OPS:
            value = self.take("str")
        else:
            raise Uncertain("an unknown comparison")
        self.comparisons.setdefault(obj_type, []).append((path, value))
        self.tests.append((obj_type, path, f"NOT {text}" if negated else text, value))

    def _literal(self, *, ordered: bool) -> str:
        kind, text = self.peek()
        if kind not in _LITERALS or (ordered and kind == "bool"):
            raise Uncertain("a literal was expected")
        self.pos += 1
        return text

    def _set(self) -> str:
        self.take("punct", "(")
        parts = ["("]
        if not self.accept("punct", ")"):
            parts.append(self._literal(ordered=False))
            while self.accept("punct", ","):
                parts += [",", self._literal(ordered=False)]
            self.take("punct", ")")
        return "".join([*parts, ")"])

    def object_path(self) -> tuple[str, list[Any]]:
        obj_type = self.take("name")
        self.take("punct", ":")
        path: list[Any] = [self._step_name()]
        while True:
            if self.accept("punct", "."):
                path.append(self._step_name())
            elif self.peek() == ("punct", "["):
                path.append(self._index())
            else:
                return obj_type, path

    def _step_name(self) -> str:
        kind, text = self.peek()
        self.pos += 1
        if kind == "str":
            return text[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        if kind != "name" or "-" in text:
            raise Uncertain("a property name was expected")
        return text

    def _index(self) -> Any:
        self.pos += 1
        kind, text = self.peek()
        self.pos += 1
        self.take("punct", "]")
        if (kind, text) == ("punct", "*"):
            return _STAR
        if kind != "int":
            raise Uncertain("an index was expected")
        if text.startswith("-"):
            raise Uncertain("a negative index (the reference crashes on it)")
        return int(text)


_STAR = INDEX_STAR  # what stix2-patterns' inspector puts in a path for [*]


def _hash_problem(path: list[Any], value: str) -> str | None:
    """stix2-patterns' hash check for a comparison on a ``hashes`` path (its object_validator, same rules)."""
    if "hashes" not in path or path[-1] is _STAR:
        return None
    selector = path[-1]
    hash_type = selector.upper().replace("-", "").replace("'", "")
    check = _HASH_CHECKS.get(hash_type)
    text = value.replace("'", "")
    if check is not None and not check.match(text):
        return f"FAIL: '{text}' is not a valid {selector} hash"
    return None


def comparisons(pattern: str) -> list[tuple[str, list[Any], str, str]] | None:
    """Every comparison of a pattern the grammar reads, as stix2-patterns' inspector lists them (object type, path,
    operator with its NOT, literal text); None when only the reference can read the pattern. Like the inspector,
    this reads the syntax only: the checks ``verdict`` adds after parsing are not applied."""
    try:
        parser = _Parser(tokens(pattern))
        parser.pattern()
    except Uncertain:
        return None
    return parser.tests


def verdict(pattern: str) -> str | None:
    """None when the pattern is certainly valid, the reference's first message when it certainly is not; raises
    Uncertain when only the reference can tell."""
    parser = _Parser(tokens(pattern))
    parser.pattern()
    checked = [c for comparisons in parser.comparisons.values() for c in comparisons]
    if any("hashes" in path and isinstance(path[-1], int) for path, _value in checked):
        raise Uncertain("an index after hashes (the reference crashes on it)")
    if parser.repeated is not None:
        return f"FAIL: Duplicate qualifier type encountered: {parser.repeated}"
    for path, value in checked:
        problem = _hash_problem(path, value)
        if problem is not None:
            return problem
    return None
