"""What EDT signals and projects point at: technologies, FIMI reports, intel objects (``collection/STIX id``)
and consultation decisions. A writer may link only what it may read; a reader sees only the targets it may read."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from liaison_hub.edt import repository as repo
from liaison_hub.edt.schemas import SourceRead
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.intel.collections import readable_id
from liaison_hub.models.edt import EdtLink
from liaison_hub.policy.principal import Principal

TECHNOLOGY, FIMI_REPORT, INTEL, DECISION = "technology", "fimi.report", "intel", "consultation.decision"


def _ids(kind: str, refs: Iterable[str]) -> list[int]:
    try:
        return [int(r) for r in refs]
    except ValueError:
        raise InvalidInput(f"a {kind} is named by its number") from None


def check_technologies(session: Session, principal: Principal, ids: list[int]) -> list[int]:
    found = repo.technologies_by_ids(session, principal, ids)
    missing = sorted(set(ids) - set(found))
    if missing:
        raise InvalidInput(f"no such technologies: {', '.join(map(str, missing))}")
    return list(dict.fromkeys(ids))


def check_decisions(session: Session, principal: Principal, ids: list[int]) -> list[int]:
    found = repo.decisions_by_ids(session, principal, ids)
    missing = sorted(set(ids) - set(found))
    if missing:
        raise InvalidInput(f"no such consultation decisions: {', '.join(map(str, missing))}")
    return list(dict.fromkeys(ids))


def _intel(session: Session, principal: Principal, ref: str) -> bool:
    collection, sep, stix_id = ref.partition("/")
    if not sep or "--" not in stix_id:
        raise InvalidInput(f"an intel source is collection/STIX id, e.g. default/indicator--...: {ref[:60]!r}")
    try:
        collection_id = readable_id(session, principal, collection)
    except NotFound:
        return False
    return repo.intel_visible(session, principal, collection_id, stix_id)


def check_sources(session: Session, principal: Principal, sources: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Refuse sources the writer cannot read (named alike whether missing or hidden)."""
    reports = [ref for kind, ref in sources if kind == FIMI_REPORT]
    found = repo.reports_by_ids(session, principal, _ids("FIMI report", reports))
    for kind, ref in sources:
        if (kind == FIMI_REPORT and int(ref) not in found) or (kind == INTEL and not _intel(session, principal, ref)):
            raise InvalidInput(f"no such source: {kind} {ref[:80]}")
    return list(dict.fromkeys(sources))


def rows(owner_kind: str, owner_id: int, pairs: Iterable[tuple[str, str]]) -> list[EdtLink]:
    return [EdtLink(owner_kind=owner_kind, owner_id=owner_id, kind=k, ref=v) for k, v in pairs]


def readable_sources(session: Session, principal: Principal, links: list[EdtLink]) -> dict[int, list[SourceRead]]:
    """The FIMI reports and intel objects each owner (signal) of ``links`` names that the reader may read: one query
    for the reports and one for the intel objects, whatever the number of signals."""
    reports = repo.reports_by_ids(session, principal, [int(x.ref) for x in links if x.kind == FIMI_REPORT])
    collections: dict[str, int | None] = {}
    intel: dict[str, tuple[int, str]] = {}
    for link in links:
        if link.kind != INTEL:
            continue
        name, _, stix_id = link.ref.partition("/")
        if name not in collections:
            try:
                collections[name] = readable_id(session, principal, name)
            except NotFound:
                collections[name] = None
        if (collection_id := collections[name]) is not None:
            intel[link.ref] = (collection_id, stix_id)
    visible = repo.intel_visible_pairs(session, principal, intel.values())
    found: dict[int, list[SourceRead]] = {}
    for link in links:
        if link.kind == FIMI_REPORT and int(link.ref) in reports:
            found.setdefault(link.owner_id, []).append(
                SourceRead(kind=link.kind, ref=link.ref, label=reports[int(link.ref)])
            )
        elif link.kind == INTEL and intel.get(link.ref) in visible:
            label = link.ref.partition("/")[2]
            found.setdefault(link.owner_id, []).append(SourceRead(kind=link.kind, ref=link.ref, label=label))
    return found
