"""What happens to a batch of imported reports, in bulk: merge duplicates (same URL, or the same text up to case,
spacing, punctuation, quotes and boilerplate, within one marking) keeping every outlet; otherwise link, suggest
narratives, count framing terms, sign with MinHash and link near-duplicates found through LSH bands. Every row
written carries the report's marking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from sqlalchemy import Table
from sqlalchemy.orm import Session

from liaison_hub.db.bulk import insert_rows
from liaison_hub.db.types import random_id, utcnow
from liaison_hub.fimi import bookkeeping, linking
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi import text as texts
from liaison_hub.fimi.framing import Term, TermCounter
from liaison_hub.fimi.schemas import ImportResult, ReportIn
from liaison_hub.fimi.suggest import Matcher, Profile
from liaison_hub.models.fimi import (
    FimiAppearance,
    FimiBand,
    FimiMention,
    FimiNearDuplicate,
    FimiReport,
    FimiSuggestion,
    FimiTermCount,
)
from liaison_hub.policy.principal import Principal

MAX_IDS = 1000


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class Prepared:
    """A valid report with its language decided and its keys computed."""

    where: str
    data: ReportIn
    language: str
    detected: bool
    text_key: str
    url_key: str | None
    folded: str


def prepare(where: str, data: ReportIn) -> Prepared:
    """Decide the language (the given ISO 639-1 code, or detected) and the keys that find duplicates."""
    language = texts.language_code(data.language) if data.language else texts.detect_language(data.text)
    folded = texts.normal_form(data.text)
    return Prepared(
        where=where,
        data=data,
        language=language,
        detected=data.language is None,
        text_key=texts.text_key(data.text, folded=folded),
        url_key=texts.url_key(data.url),
        folded=folded,
    )


def matcher_for(session: Session, audience_id: int) -> Matcher:
    """The narrative catalogue, with the confirmed passages and decision counts of this marking."""
    decided: dict[int, list[tuple[str, str]]] = {}
    for narrative_id, status, passage in bookkeeping.decisions_of_marking(session, audience_id):
        decided.setdefault(narrative_id, []).append((status, passage))
    profiles = []
    for narrative_id, title, summary, statements, aliases in bookkeeping.narrative_profiles(session):
        decisions = decided.get(narrative_id, [])
        confirmed = [p for s, p in decisions if s == "confirmed"]
        profiles.append(
            Profile(
                narrative_id=narrative_id,
                examples=tuple(x for x in (title, summary, *statements, *confirmed) if x),
                aliases=tuple(aliases),
                confirmed=len(confirmed),
                rejected=len(decisions) - len(confirmed),
            )
        )
    return Matcher(profiles)


def term_counter(session: Session, term_set_id: int | None = None) -> TermCounter:
    rows = bookkeeping.all_terms(session)
    return TermCounter(
        [Term(s, t, label, tuple(v)) for s, t, v, label in rows if term_set_id is None or s == term_set_id]
    )


@dataclass
class Batch:
    """Rows of one batch, inserted together."""

    reports: list[dict[str, Any]] = field(default_factory=list)
    appearances: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    bands: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    counts: list[dict[str, Any]] = field(default_factory=list)

    def insert(self, session: Session) -> None:
        for model, rows in (
            (FimiReport, self.reports),
            (FimiAppearance, self.appearances),
            (FimiMention, self.mentions),
            (FimiSuggestion, self.suggestions),
            (FimiBand, self.bands),
            (FimiNearDuplicate, self.links),
            (FimiTermCount, self.counts),
        ):
            insert_rows(session, _table(model), rows)


@dataclass
class Importer:
    """One import into one marking: the catalogue, the terms and the directory are read once."""

    session: Session
    principal: Principal
    audience_id: int
    owner_organisation_id: int | None
    matcher: Matcher
    counter: TermCounter
    directory: linking.Directory
    result: ImportResult

    def appearance(self, batch: Batch, report_id: int, item: Prepared) -> None:
        data = item.data
        week = texts.monday(data.published_at)
        batch.appearances.append(
            {
                "id": random_id(),
                "report_id": report_id,
                "outlet": data.outlet,
                "outlet_country": data.outlet_country,
                "url": data.url,
                "url_key": item.url_key,
                "published_at": data.published_at,
                "week": week,
                "audience_id": self.audience_id,
            }
        )
        for term, n in self.counter.count(data.text, folded=item.folded):
            batch.counts.append(
                {
                    "term_set_id": term.term_set_id,
                    "term_id": term.term_id,
                    "report_id": report_id,
                    "outlet": data.outlet,
                    "outlet_country": data.outlet_country,
                    "week": week,
                    "count": n,
                    "audience_id": self.audience_id,
                }
            )

    def new_report(self, batch: Batch, item: Prepared, signature: np.ndarray) -> int:
        data, report_id = item.data, random_id()
        batch.reports.append(
            {
                "id": report_id,
                "outlet": data.outlet,
                "outlet_country": data.outlet_country,
                "language": item.language,
                "language_detected": item.detected,
                "url": data.url,
                "published_at": data.published_at,
                "title": data.title or data.text[:120],
                "text": data.text,
                "text_key": item.text_key,
                "signature": texts.signature_bytes(signature),
                "owner_organisation_id": self.owner_organisation_id,
                "imported_at": utcnow(),
                "audience_id": self.audience_id,
            }
        )
        for mention in linking.link(data.text, self.directory, urls=[data.url] if data.url else []):
            batch.mentions.append(
                {
                    "report_id": report_id,
                    "kind": mention.kind,
                    "ref": mention.ref,
                    "surface": mention.surface,
                    "quote": mention.quote,
                    "offset": mention.offset,
                    "audience_id": self.audience_id,
                }
            )
        for suggestion in self.matcher.suggest(data.text):
            batch.suggestions.append(
                {
                    "report_id": report_id,
                    "narrative_id": suggestion.narrative_id,
                    "score": suggestion.score,
                    "passage": suggestion.passage,
                    "status": "suggested",
                    "decided_by": None,
                    "decided_at": None,
                    "audience_id": self.audience_id,
                }
            )
        return report_id

    def store(self, items: Sequence[Prepared]) -> None:
        """Merge or create every item of a batch, then link near-duplicates and insert all rows."""
        by_url, by_text = repo.existing_reports(
            self.session,
            self.principal,
            self.audience_id,
            [i.url_key for i in items if i.url_key],
            [i.text_key for i in items],
        )
        carried = repo.appearance_keys(self.session, self.principal, {*by_url.values(), *by_text.values()})
        batch, signatures = Batch(), {}
        for item in items:
            target = by_url.get(item.url_key or "") or by_text.get(item.text_key)
            if target is None:
                signature = texts.signature(item.data.text, folded=item.folded)
                target = self.new_report(batch, item, signature)
                signatures[target] = signature
                self.result.stored += 1
            else:
                self.result.merged += 1
            key = (target, item.data.outlet, item.data.url or "")
            if key not in carried:
                carried.add(key)
                self.appearance(batch, target, item)
            by_text[item.text_key] = target
            if item.url_key:
                by_url[item.url_key] = target
            if len(self.result.report_ids) < MAX_IDS:
                self.result.report_ids.append(target)
        self.near_duplicates(batch, signatures)
        batch.insert(self.session)

    def near_duplicates(self, batch: Batch, signatures: dict[int, np.ndarray]) -> None:
        """Link each new report to every report (stored or new) sharing an LSH band whose signature agrees enough."""
        keys = {report_id: texts.band_keys(sig) for report_id, sig in signatures.items()}
        stored = bookkeeping.band_candidates(self.session, {k for ks in keys.values() for k in ks})
        candidates = {r: set().union(*(stored.get(k, set()) for k in ks)) for r, ks in keys.items()}
        known = {
            i: texts.signature_of(s)
            for i, s in bookkeeping.signatures(self.session, set().union(*candidates.values())).items()
        }
        in_batch: dict[int, set[int]] = {}
        for report_id, report_keys in keys.items():
            found = candidates[report_id] | set().union(*(in_batch.get(k, set()) for k in report_keys))
            for other in sorted(found - {report_id}):
                other_sig = signatures.get(other)
                other_sig = known.get(other) if other_sig is None else other_sig
                if other_sig is None:
                    continue
                score = texts.similarity(signatures[report_id], other_sig)
                if score >= texts.THRESHOLD:
                    batch.links.append({"report_id": report_id, "other_id": other, "similarity": score})
            for key in report_keys:
                in_batch.setdefault(key, set()).add(report_id)
                batch.bands.append({"report_id": report_id, "band_key": key})
