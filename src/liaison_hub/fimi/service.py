"""FIMI services: import media reports (any format, streamed in batches), read them, and the marking and audit
helpers every FIMI write shares. Services only flush; every write asks ``policy.rights`` and is audited with ids,
kinds, marking labels and sizes only.

The API other modules use: ``import_reports`` / ``import_file`` -> ``ImportResult``; ``report`` (404 alike for
missing and forbidden); ``narratives``, ``terms``, ``clusters``, ``incidents`` and ``stix`` hold the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from pydantic import ValidationError
from sqlalchemy.orm import Session

from liaison_hub.audit.service import record_marked
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.fimi import formats, linking, processing
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import ImportResult, Refusal, ReportIn
from liaison_hub.models import Audience
from liaison_hub.models.fimi import FimiReport
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal
from liaison_hub.policy.schemas import MarkingIn, writer_audience

BATCH_SIZE = 500
MAX_REFUSALS = 1000


def marking_audience(session: Session, actor: Actor, spec: MarkingIn, *, accreditation: Level) -> Audience:
    """The audience of a marking given by a writer (owned by the writer's organisation): one the hub may hold and
    the writer is cleared for."""
    return writer_audience(session, actor, spec, accreditation=accreditation, records="FIMI records")


audit_write = record_marked  # an audit entry about a marked FIMI record (ids, sizes, the marking)


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors()
    )


def _prepared(where: str, raw: dict[str, object] | str) -> processing.Prepared | str:
    """An item ready to store, or why it is refused (nothing of a refused item is written)."""
    if isinstance(raw, str):
        return raw
    try:
        return processing.prepare(where, ReportIn.model_validate(raw))
    except ValidationError as exc:
        return _describe(exc)
    except InvalidInput as exc:
        return exc.message


def importer(session: Session, actor: Actor, audience: Audience, result: ImportResult) -> processing.Importer:
    organisations, groupings = repo.directory_names(session)
    return processing.Importer(
        session=session,
        principal=actor.principal,
        audience_id=audience.id,
        owner_organisation_id=audience.owner_organisation_id,
        matcher=processing.matcher_for(session, audience.id),
        counter=processing.term_counter(session),
        directory=linking.Directory(organisations, groupings),
        result=result,
    )


def import_reports(
    session: Session,
    actor: Actor,
    *,
    items: Iterable[tuple[str, dict[str, object] | str]],
    marking: MarkingIn,
    accreditation: Level,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import reports in batches under one marking; refused items are reported with their reasons and leave nothing
    behind. One audit entry with the counts."""
    rights.require_write(actor, what="import media reports")
    audience = marking_audience(session, actor, marking, accreditation=accreditation)
    result = ImportResult()
    work = importer(session, actor, audience, result)
    stream: Iterator[tuple[str, dict[str, object] | str]] = iter(items)
    while batch := list(islice(stream, batch_size)):
        ready = []
        for where, raw in batch:
            result.received += 1
            item = _prepared(where, raw)
            if isinstance(item, str):
                if len(result.refused) < MAX_REFUSALS:
                    result.refused.append(Refusal(item=where, reason=item))
            else:
                ready.append(item)
        work.store(ready)
        session.flush()
        if on_progress is not None:
            on_progress(len(batch))
    audit_write(
        session,
        actor,
        action="fimi.reports.import",
        entity_type="fimi_report",
        entity_id="import",
        audience=audience,
        details={
            "received": result.received,
            "stored": result.stored,
            "merged": result.merged,
            "refused": result.received - result.stored - result.merged,
        },
    )
    return result


def import_file(
    session: Session,
    actor: Actor,
    *,
    data: bytes,
    name: str,
    fmt: formats.Format | None,
    defaults: formats.Defaults,
    marking: MarkingIn,
    accreditation: Level,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one file; a file that is not of its format (not a feed, HTML without text) is refused whole."""
    rights.require_write(actor, what="import media reports")
    kind = fmt or formats.guess_format(name)
    items = list(formats.read_items(data, fmt=kind, name=name, defaults=defaults))
    return import_reports(
        session, actor, items=items, marking=marking, accreditation=accreditation, on_progress=on_progress
    )


def report(session: Session, principal: Principal, report_id: int) -> FimiReport:
    found = repo.get_report(session, principal, report_id)
    if found is None:
        raise NotFound(f"no report {report_id}")
    return found


# Reads the interfaces (API, CLI, web pages) list records with: filtered by ``policy.readable`` in the repository.
list_reports = repo.list_reports
list_narratives = repo.list_narratives
list_term_sets = repo.list_term_sets
list_incidents = repo.list_incidents
reports_by_ids = repo.reports_by_ids
narratives_by_ids = repo.narratives_by_ids
term_count_audiences = repo.term_count_audiences
audiences = repo.audiences
