"""FIMI's unfiltered reads: what the hub's own processing needs whatever the markings (near-duplicate candidates
and their signatures, every narrative's profile for scoring, every term set's terms for counting, reports to
re-score or re-count). Nothing read here is returned to a reader: it decides which rows are written, each carrying
its own report's marking, and readers see those rows only through ``policy.readable`` in ``fimi.repository``.

Suggestion feedback is the one exception that reaches a score: it reads decisions of one marking only, the
marking of the report being scored, whose readers may read every one of those decisions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.models.fimi import (
    FimiAppearance,
    FimiBand,
    FimiIncident,
    FimiNarrative,
    FimiReport,
    FimiSuggestion,
    FimiTerm,
)

CHUNK = 900


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def band_candidates(session: Session, keys: Iterable[int]) -> dict[int, set[int]]:
    """Band key -> reports having it: the near-duplicate candidates of new reports."""
    found: dict[int, set[int]] = {}
    wanted = sorted(set(keys))
    for chunk in _chunks(wanted):
        for key, report_id in session.execute(
            select(FimiBand.band_key, FimiBand.report_id).where(FimiBand.band_key.in_(chunk))
        ):
            found.setdefault(int(key), set()).add(int(report_id))
    return found


def signatures(session: Session, report_ids: Iterable[int]) -> dict[int, bytes]:
    found: dict[int, bytes] = {}
    for chunk in _chunks(sorted(set(report_ids))):
        stmt = select(FimiReport.id, FimiReport.signature).where(FimiReport.id.in_(chunk))
        found.update({int(i): bytes(s) for i, s in session.execute(stmt)})
    return found


def narrative_profiles(session: Session) -> list[tuple[int, str, str, list[str], list[str]]]:
    """(id, title, summary, statements, aliases) of every narrative: reports are scored against all of them and
    readers see the suggestions of the narratives they may read."""
    stmt = select(
        FimiNarrative.id, FimiNarrative.title, FimiNarrative.summary, FimiNarrative.statements, FimiNarrative.aliases
    )
    return [(int(r[0]), r[1], r[2], list(r[3] or []), list(r[4] or [])) for r in session.execute(stmt)]


def decisions_of_marking(session: Session, audience_id: int) -> list[tuple[int, str, str]]:
    """(narrative id, status, passage) of the decided suggestions on reports of one marking."""
    stmt = select(FimiSuggestion.narrative_id, FimiSuggestion.status, FimiSuggestion.passage).where(
        FimiSuggestion.audience_id == audience_id, FimiSuggestion.status != "suggested"
    )
    return [(int(r[0]), str(r[1]), str(r[2])) for r in session.execute(stmt)]


def decided_pairs(session: Session, report_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(report, narrative) pairs an analyst already decided: re-scoring keeps those decisions."""
    found: set[tuple[int, int]] = set()
    for chunk in _chunks(sorted(set(report_ids))):
        stmt = select(FimiSuggestion.report_id, FimiSuggestion.narrative_id).where(
            FimiSuggestion.report_id.in_(chunk), FimiSuggestion.status != "suggested"
        )
        found |= {(int(a), int(b)) for a, b in session.execute(stmt)}
    return found


def all_terms(session: Session) -> list[tuple[int, int, list[str], str]]:
    """(term set id, term id, variants, label) of every term of every set, for counting."""
    stmt = select(FimiTerm.term_set_id, FimiTerm.id, FimiTerm.variants, FimiTerm.label).order_by(FimiTerm.position)
    return [(int(r[0]), int(r[1]), list(r[2] or []), str(r[3])) for r in session.execute(stmt)]


def report_batches(session: Session, *, batch_size: int = 500) -> Iterator[list[tuple[int, int, str]]]:
    """(id, audience id, text) of every report, in id order, a batch at a time."""
    after = -1
    while True:
        stmt = (
            select(FimiReport.id, FimiReport.audience_id, FimiReport.text)
            .where(FimiReport.id > after)
            .order_by(FimiReport.id)
            .limit(batch_size)
        )
        rows = [(int(r[0]), int(r[1]), str(r[2])) for r in session.execute(stmt)]
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def report_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FimiReport)) or 0)


def appearances_of(session: Session, report_ids: Iterable[int]) -> dict[int, list[tuple[str, str | None, Any]]]:
    """Report id -> (outlet, country, week) of each of its appearances, for re-counting terms."""
    found: dict[int, list[tuple[str, str | None, Any]]] = {}
    for chunk in _chunks(sorted(set(report_ids))):
        stmt = select(
            FimiAppearance.report_id, FimiAppearance.outlet, FimiAppearance.outlet_country, FimiAppearance.week
        )
        for report_id, outlet, country, week in session.execute(stmt.where(FimiAppearance.report_id.in_(chunk))):
            found.setdefault(int(report_id), []).append((outlet, country, week))
    return found


def stix_uuid_taken(session: Session, stix_uuid: str) -> bool:
    """Whether any narrative or incident, readable or not, has this STIX uuid: an import then gives its record a
    fresh one rather than refusing (a refusal would tell that a hidden record exists)."""
    for model in (FimiNarrative, FimiIncident):
        if session.scalar(select(model.id).where(model.stix_uuid == stix_uuid).limit(1)) is not None:
            return True
    return False
