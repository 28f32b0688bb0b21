"""Media report files: JSON lines, plain text with a small header, saved HTML pages (main text by trafilatura) and
RSS/Atom feeds (feedparser). Each file gives a stream of raw items (or per-item problems); a file that is not what
it claims to be is refused whole."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html
import orjson
import trafilatura

from liaison_hub.errors import InvalidInput
from liaison_hub.fimi.choices import Format as Format

RawItem = tuple[str, dict[str, Any] | str]
"""Where the item is in the file, and its fields, or why it cannot be read."""
HEADER_KEYS = {
    "outlet": "outlet",
    "country": "outlet_country",
    "outlet_country": "outlet_country",
    "language": "language",
    "url": "url",
    "published": "published_at",
    "published_at": "published_at",
    "date": "published_at",
    "title": "title",
}
MIN_TEXT = 20
"""Fewer characters than this extracted from a page is site furniture, not an article."""
_HEADER = re.compile(r"^([A-Za-z_]+):\s*(.*)$")


@dataclass(frozen=True)
class Defaults:
    """What an import adds to items that do not say it themselves."""

    outlet: str | None = None
    outlet_country: str | None = None
    language: str | None = None
    published_at: datetime | None = None

    def fill(self, item: dict[str, Any]) -> dict[str, Any]:
        given = {k: v for k, v in item.items() if v not in (None, "")}
        defaults = {
            "outlet": self.outlet,
            "outlet_country": self.outlet_country,
            "language": self.language,
            "published_at": self.published_at,
        }
        return {k: v for k, v in defaults.items() if v is not None} | given


def guess_format(filename: str) -> Format:
    """The format a file name suggests (.jsonl/.ndjson, .txt, .html/.htm, .xml/.rss/.atom)."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    for fmt, suffixes in (
        (Format.jsonl, ("jsonl", "ndjson", "json")),
        (Format.text, ("txt", "text")),
        (Format.html, ("html", "htm")),
        (Format.feed, ("xml", "rss", "atom")),
    ):
        if suffix in suffixes:
            return fmt
    raise InvalidInput(f"cannot tell the format of {filename[:100]!r}: name it .jsonl, .txt, .html or .xml/.rss/.atom")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None


def _jsonl(data: bytes) -> Iterator[RawItem]:
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield f"line {number}", f"not valid JSON ({exc})"
            continue
        yield f"line {number}", value if isinstance(value, dict) else "expected a JSON object"


def _text(data: bytes) -> Iterator[RawItem]:
    """Documents separated by a line ``---``; each starts with ``Key: value`` lines, a blank line, then the text."""
    for number, document in enumerate(re.split(r"(?m)^---\s*$", _decode(data)), start=1):
        if not document.strip():
            continue
        fields: dict[str, Any] = {}
        lines = document.strip("\n").splitlines()
        while lines and (match := _HEADER.match(lines[0])) and match.group(1).lower() in HEADER_KEYS:
            fields[HEADER_KEYS[match.group(1).lower()]] = match.group(2).strip()
            lines.pop(0)
        fields["text"] = "\n".join(lines).strip()
        yield f"document {number}", fields


def _html(data: bytes, name: str) -> Iterator[RawItem]:
    page = _decode(data)
    text = trafilatura.extract(page, include_comments=False, include_tables=False, favor_precision=True)
    if not text or len(text.strip()) < MIN_TEXT:
        raise InvalidInput(f"{name[:100]}: the HTML page has no text that can be extracted as an article")
    meta = trafilatura.extract_metadata(page)
    fields: dict[str, Any] = {"text": text.strip()}
    if meta is not None:
        fields |= {"title": meta.title or "", "url": meta.url, "outlet": meta.sitename}
        if meta.date:
            fields["published_at"] = meta.date
    yield name, fields


def _fragment_text(html: str) -> str:
    if "<" not in html:
        return html.strip()
    try:
        return str(lxml.html.fromstring(html).text_content()).strip()
    except (ValueError, lxml.etree.ParserError):
        return ""


def _entry_time(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


def _feed(data: bytes) -> Iterator[RawItem]:
    parsed = feedparser.parse(data)
    if not parsed.get("version"):
        raise InvalidInput("not an RSS or Atom feed (feedparser recognises no feed format in it)")
    outlet = parsed.feed.get("title")
    for number, entry in enumerate(parsed.entries, start=1):
        body = entry.get("content", [{}])[0].get("value") if entry.get("content") else entry.get("summary", "")
        fields = {
            "outlet": outlet,
            "title": _fragment_text(entry.get("title", "")),
            "url": entry.get("link"),
            "published_at": _entry_time(entry),
            "text": _fragment_text(body or ""),
            "language": (entry.get("language") or parsed.feed.get("language") or None),
        }
        yield f"entry {number}", fields


def read_items(data: bytes, *, fmt: Format, name: str, defaults: Defaults) -> Iterator[RawItem]:
    """The items of one file, with the import's defaults filled in where an item says nothing."""
    if not data.strip():
        raise InvalidInput(f"{name[:100]} is empty")
    items = {
        Format.jsonl: lambda: _jsonl(data),
        Format.text: lambda: _text(data),
        Format.html: lambda: _html(data, name),
        Format.feed: lambda: _feed(data),
    }[fmt]()
    for where, item in items:
        yield where, defaults.fill(item) if isinstance(item, dict) else item
