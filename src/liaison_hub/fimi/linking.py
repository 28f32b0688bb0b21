"""Deterministic linking of a report to what it names: nations (names, adjectives, demonyms, capitals used as
metonyms, CJK names), the directory's organisations and groupings, quoted speakers with their quotes, and the URLs
and domains it mentions (for correlation with intelligence). What it misses is listed in docs/fimi.md."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pycountry

from liaison_hub.fimi import gazetteer as g
from liaison_hub.fimi.text import QUOTES
from liaison_hub.intel.correlation.normalise import DOMAIN, URL, normalise

NATION, ORGANISATION, GROUPING, SPEAKER = "nation", "organisation", "grouping", "speaker"
KINDS = (NATION, ORGANISATION, GROUPING, SPEAKER, URL, DOMAIN)
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_NAME = r"(?:[A-Z][a-z'\-]+(?:\s+(?:bin|al|van|von|de|der)?\s*[A-Z][a-z'\-]+){1,3})"
_ROLE = (
    r"(?:[a-z]+\s+){0,3}(?:spokesman|spokeswoman|spokesperson|minister|official|ambassador|envoy|"
    r"secretary|president|premier|commander|analyst|editorial|commentator)"
)
_WHO = rf"(?:(?:the|a|an)\s+)?(?:{_ROLE}\s+)?{_NAME}|(?:the|a|an)\s+{_ROLE}"
_SAY = r"(?:said|says|told\s+(?:reporters|journalists|[A-Z]\w+)|added|warned|stated|insisted|claimed|noted)"
_ENGLISH_SPEAKERS = (
    re.compile(rf'"(?P<q>[^"]{{8,}}?)[,.]?"\s*(?P<who>{_WHO})(?:,[^,"]{{1,80}},)?\s+{_SAY}'),
    re.compile(rf'"(?P<q>[^"]{{8,}}?)[,.]?"\s*{_SAY}\s+(?P<who>{_WHO})'),
    re.compile(rf'(?P<who>{_WHO})(?:,[^,"]{{1,80}},)?\s+{_SAY}(?:\s+that)?[:,]?\s*"(?P<q>[^"]{{8,}}?)"'),
    re.compile(rf'(?:[Aa]ccording to)\s+(?P<who>{_NAME}),?\s*"(?P<q>[^"]{{8,}}?)"'),
)
_CJK_SPEAKERS = (
    re.compile(r'(?P<who>[\u4e00-\u9fff·]{2,16}?)(?:表示|说|說|称|稱|指出|强调|強調)[:：，,]?\s*"(?P<q>[^"]{4,}?)"'),
    re.compile(r'(?P<who>[\u4e00-\u9fff\u30a0-\u30ff]{2,16}?)(?:は|が)\s*"(?P<q>[^"]{4,}?)"\s*と'),
    re.compile(r'(?P<who>[\uac00-\ud7af]{2,10}(?:\s[\uac00-\ud7af]{2,10}){0,2}?)(?:은|는|이|가)\s*"(?P<q>[^"]{4,}?)"'),
)
_QUOTE = re.compile(r'"[^"\n]{4,2000}?"')
WINDOW = 160
"""Characters either side of a quote where its attribution is looked for."""
_URL = re.compile(r"https?://[^\s\"'<>)\]）」]+", re.IGNORECASE)
_DOMAIN = re.compile(
    r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|info|ru|cn|io|news|co|jp|kr|au|nz|tv|xyz|online|site)\b"
)


@dataclass(frozen=True, order=True)
class Mention:
    offset: int
    kind: str
    ref: str
    surface: str
    quote: str | None = None


@dataclass(frozen=True)
class Directory:
    """What the linker knows of the directory: organisations (name, short name) and groupings (code, name)."""

    organisations: tuple[tuple[str, str], ...]
    groupings: tuple[tuple[str, str], ...]


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


def _word_pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    latin = {n: r for n, r in names.items() if not _CJK.search(n)}
    return re.compile(rf"(?<![\w.])({_alternation(latin)})(?![\w])") if latin else None


def _cjk_pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    cjk = {n: r for n, r in names.items() if _CJK.search(n)}
    return re.compile(f"({_alternation(cjk)})") if cjk else None


@cache
def _nation_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names[value] = country.alpha_3
    for table in (g.ENGLISH_FORMS, g.CJK_FORMS):
        for code, forms in table.items():
            names.update(dict.fromkeys(forms, code))
    return names


@cache
def _nation_patterns() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str], re.Pattern[str]]:
    names = _nation_names()
    capitals = {c: code for code, forms in g.CAPITALS.items() for c in forms}
    cjk_capitals = {c: code for code, forms in g.CJK_CAPITALS.items() for c in forms}
    metonym = re.compile(rf"(?<![\w])({_alternation(capitals)})(?=\s+(?:{g.METONYM_VERBS})\b|'s\b)")
    cjk_metonym = re.compile(f"({_alternation(cjk_capitals)})(?=(?:{g.CJK_METONYM_AFTER}))")
    return _word_pattern(names), _cjk_pattern(names), metonym, cjk_metonym


def _capital_code(surface: str) -> str:
    for code, forms in [*g.CAPITALS.items(), *g.CJK_CAPITALS.items()]:
        if surface in forms:
            return code
    raise KeyError(surface)


def nations(text: str) -> Iterator[Mention]:
    names = _nation_names()
    words, cjk, metonym, cjk_metonym = _nation_patterns()
    for pattern in (words, cjk):
        for match in pattern.finditer(text) if pattern else ():
            yield Mention(match.start(), NATION, names[match.group(1)], match.group(1))
    for pattern in (metonym, cjk_metonym):
        for match in pattern.finditer(text):
            yield Mention(match.start(), NATION, _capital_code(match.group(1)), match.group(1))


@cache
def _patterns(pairs: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], tuple[re.Pattern[str] | None, ...]]:
    names = dict(pairs)
    return names, (_word_pattern(names), _cjk_pattern(names))


def _named(text: str, kind: str, pairs: tuple[tuple[str, str], ...]) -> Iterator[Mention]:
    names, patterns = _patterns(pairs)
    for pattern in patterns:
        for match in pattern.finditer(text) if pattern else ():
            yield Mention(match.start(), kind, names[match.group(1)], match.group(1))


def organisations(text: str, directory: Directory) -> Iterator[Mention]:
    pairs = [(name, short) for name, short in directory.organisations] + [(s, s) for _, s in directory.organisations]
    return _named(text, ORGANISATION, tuple(pairs))


def groupings(text: str, directory: Directory) -> Iterator[Mention]:
    pairs = [(code, code) for code, _ in directory.groupings] + [(name, code) for code, name in directory.groupings]
    pairs += [(form, code) for code, _ in directory.groupings for form in g.GROUPING_FORMS.get(code, ())]
    return _named(text, GROUPING, tuple(pairs))


def speakers(text: str) -> Iterator[Mention]:
    """Quoted speakers: English attributions around a quote ("...," X said / X said: "..."), and the common
    Chinese, Japanese and Korean forms (X表示："..." / Xは「...」と / X는 "..."라고)."""
    quoted = text.translate(QUOTES)
    seen: set[tuple[int, int]] = set()
    for quote in _QUOTE.finditer(quoted):
        start = max(0, quote.start() - WINDOW)
        window = quoted[start : quote.end() + WINDOW]
        latin, cjk = " " in window, _CJK.search(window) is not None
        patterns = [*(_ENGLISH_SPEAKERS if latin else ()), *(_CJK_SPEAKERS if cjk else ())]
        yield from _speakers_in(window, start, patterns, seen)


def _speakers_in(
    window: str, start: int, patterns: list[re.Pattern[str]], seen: set[tuple[int, int]]
) -> Iterator[Mention]:
    """The attributions of quotes found in one window of the text (offsets in the whole text)."""
    for pattern in patterns:
        for match in pattern.finditer(window):
            span = (start + match.start("q"), start + match.end("q"))
            if span in seen:
                continue
            seen.add(span)
            who = re.sub(r"^(?:the|a|an)\s+", "", match.group("who").strip())
            name = re.search(rf"{_NAME}$", who)
            ref = name.group() if name else who
            yield Mention(start + match.start("who"), SPEAKER, ref[:300], who[:300], match.group("q").strip())


def addresses(text: str, urls: Iterable[str] = ()) -> Iterator[Mention]:
    """URLs and domains the text names (and the report's own URLs), in the normal forms correlation uses."""
    found: list[tuple[int, str, str]] = [(-1, URL, u) for u in urls]
    found += [(m.start(), URL, m.group().rstrip(".,;:")) for m in _URL.finditer(text)]
    found += [(m.start(), DOMAIN, m.group()) for m in _DOMAIN.finditer(text.lower())]
    for offset, kind, value in found:
        observable = normalise(kind, value)
        if observable is None:
            continue
        yield Mention(max(offset, 0), kind, observable.value[:300], value[:300])
        host = observable.value.split("/")[2] if kind == URL else None
        domain = normalise(DOMAIN, host.split("@")[-1].split(":")[0]) if host else None
        if domain is not None:
            yield Mention(max(offset, 0), DOMAIN, domain.value[:300], host[:300] if host else "")


def link(text: str, directory: Directory, *, urls: Iterable[str] = ()) -> list[Mention]:
    """Everything a report names, once per (kind, ref, offset), in text order."""
    found = {
        (m.kind, m.ref, m.offset): m
        for m in (
            *nations(text),
            *organisations(text, directory),
            *groupings(text, directory),
            *speakers(text),
            *addresses(text, urls),
        )
    }
    return sorted(found.values())
