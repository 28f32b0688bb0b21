"""Sharing the watch as STIX: store an organisation's technologies, readiness history and signals in an intel
collection (partners fetch them over TAXII), and build them back from such objects in another hub: the same STIX
ids, names, areas, history with its markings, signals and their technologies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from liaison_hub.audit.service import record_per_audience
from liaison_hub.edt import bookkeeping, service, signals, stix
from liaison_hub.edt import repository as repo
from liaison_hub.edt.schemas import HistoryIn, SignalCreate, TechnologyCreate
from liaison_hub.errors import Conflict, InvalidInput, describe_validation
from liaison_hub.fimi.schemas import ExportResult, Refusal
from liaison_hub.intel import service as intel
from liaison_hub.intel.markings import BUILTIN_TLP, Facets, combine, interpret_definition
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.schemas import MarkingIn

Obj = Mapping[str, Any]


def share_watch(session: Session, actor: Actor, *, collection: str, accreditation: Level) -> ExportResult:
    """Store the writer's organisation's EDT records in a collection, as it may read them."""
    rights.require_write(actor, what="share the technology watch as STIX")
    objects = stix.export_objects(session, actor.principal, owner_organisation_id=actor.principal.organisation_id)
    result = intel.ingest(session, actor, collection=collection, objects=objects, accreditation=accreditation)
    # Counts per marking: an entry counting records of several markings would tell every audit reader about all.
    record_per_audience(
        session,
        actor,
        action="edt.watch.share",
        entity_type="edt_watch",
        entity_id=collection[:100],
        per_audience=result.per_audience(),
    )
    refused = [Refusal(item=f.id, reason=f.message or "") for f in result.failures]
    return ExportResult(collection=collection, objects=len(objects), stored=result.succeeded, refused=refused)


def _marking(objects: Mapping[str, Obj], obj: Obj) -> MarkingIn:
    found = []
    for ref in obj.get("object_marking_refs") or ():
        if ref in BUILTIN_TLP:
            found.append(Facets(tlp=BUILTIN_TLP[ref]))
        elif ref in objects:
            found.append(interpret_definition(objects[ref])[1])
        else:
            raise InvalidInput(f"{obj['id']} is marked by {ref}, which the objects do not define")
    facets = combine(found, Facets())
    if facets.owner_only:
        raise InvalidInput(f"{obj['id']} carries markings with nothing in common")
    return MarkingIn(
        tlp=facets.tlp.value if facets.tlp else "amber",
        classification=facets.classification or "NU",
        releasable_to=list(facets.releasable_to) if facets.releasable_to is not None else None,
        recipients=list(facets.recipients or ()),
    )


def _ext(obj: Obj) -> dict[str, Any]:
    return dict((obj.get("extensions") or {}).get(stix.EDT_EXTENSION_ID) or {})


class Watch:
    """The EDT objects among STIX objects: technologies, their notes in history order, and signals."""

    def __init__(self, objects: Iterable[Obj]) -> None:
        self.objects = {str(o["id"]): o for o in objects if isinstance(o, Mapping) and "id" in o}
        mine = [o for o in self.objects.values() if stix.EDT_EXTENSION_ID in (o.get("extensions") or {})]
        self.technologies = [o for o in mine if o.get("type") == "grouping"]
        self.signals = [o for o in mine if o.get("type") == "report"]
        self.notes: dict[str, list[Obj]] = {}
        for note in (o for o in mine if o.get("type") == "note"):
            for ref in note.get("object_refs") or ():
                self.notes.setdefault(str(ref), []).append(note)
        for found in self.notes.values():
            found.sort(key=lambda n: int(_ext(n).get("sequence", 0)))
        if not self.technologies and not self.signals:
            raise InvalidInput("no EDT technology or signal among the objects")

    def marking(self, obj: Obj) -> MarkingIn:
        return _marking(self.objects, obj)

    def technology(self, obj: Obj) -> TechnologyCreate:
        notes = self.notes.get(str(obj["id"]), [])
        if not notes:
            raise InvalidInput(f"{obj['id']} has no readiness note among the objects")
        ext, first = _ext(obj), _ext(notes[0])
        return TechnologyCreate(
            name=str(obj.get("name", "")),
            description=str(obj.get("description", "")),
            areas=list(ext.get("areas") or []),
            horizon=ext.get("horizon", "mid"),
            readiness=int(first.get("readiness", 0)),
            ring=str(first.get("ring", "")),
            effective_on=first.get("effective_on"),
            reason=str(notes[0].get("content") or "-"),
            evidence=str(first.get("evidence", "")),
            interest=[{"nation": n, "level": lv} for n, lv in (ext.get("interest") or {}).items()],
            marking=self.marking(obj),
        )

    def history(self, note: Obj) -> HistoryIn:
        ext = _ext(note)
        return HistoryIn(
            effective_on=ext.get("effective_on"),
            readiness=int(ext.get("readiness", 0)),
            ring=str(ext.get("ring", "")),
            reason=str(note.get("content") or "-"),
            evidence=str(ext.get("evidence", "")),
            marking=self.marking(note),
        )

    def signal(self, obj: Obj, technology_ids: list[int]) -> SignalCreate:
        ext = _ext(obj)
        return SignalCreate(
            kind=ext.get("kind"),
            title=str(obj.get("name", "")),
            summary=str(obj.get("description", "")),
            url=ext.get("url"),
            observed_on=ext.get("observed_on"),
            confidence=int(ext.get("confidence", 50)),
            impact=ext.get("impact", "medium"),
            technologies=technology_ids,
            marking=self.marking(obj),
        )


def import_objects(session: Session, actor: Actor, *, objects: Iterable[Obj], accreditation: Level) -> dict[str, int]:
    """Build technologies (with their history) and signals from STIX objects; nothing is kept when any part is
    refused. Returns the new records' ids by STIX id."""
    rights.require_write(actor, what="import EDT records")
    watch = Watch(objects)
    try:
        for obj in watch.technologies:
            watch.technology(obj)
            for note in watch.notes[str(obj["id"])][1:]:
                watch.history(note)
        for obj in watch.signals:
            watch.signal(obj, [])
    except ValidationError as exc:
        raise InvalidInput(describe_validation(exc)) from None
    with session.begin_nested():
        return _build(session, actor, watch, accreditation)


def _build(session: Session, actor: Actor, watch: Watch, accreditation: Level) -> dict[str, int]:
    made: dict[str, int] = {}
    for obj in watch.technologies:
        stix_uuid = str(obj["id"]).split("--", 1)[1]
        if repo.technology_by_stix_uuid(session, actor.principal, stix_uuid) is not None:
            raise Conflict(f"{obj['id']} is already in this hub")
        fresh = None if bookkeeping.stix_uuid_taken(session, stix_uuid) else stix_uuid
        row = service.create_technology(
            session, actor, data=watch.technology(obj), accreditation=accreditation, stix_uuid=fresh
        )
        made[str(obj["id"])] = row.id
    for obj in watch.signals:
        stix_uuid = str(obj["id"]).split("--", 1)[1]
        techs = [made[str(r)] for r in obj.get("object_refs") or () if str(r) in made]
        fresh = None if bookkeeping.stix_uuid_taken(session, stix_uuid) else stix_uuid
        signal = signals.create_signal(
            session, actor, data=watch.signal(obj, techs), accreditation=accreditation, stix_uuid=fresh
        )
        status = str(_ext(obj).get("status", "new"))
        signal.status = status if status in ("new", "promoted", "dismissed") else "new"
        made[str(obj["id"])] = signal.id
    for obj in watch.technologies:
        for note in watch.notes[str(obj["id"])][1:]:
            signal_ref = _ext(note).get("signal_ref")
            service.add_history(
                session,
                actor,
                technology_id=made[str(obj["id"])],
                data=watch.history(note),
                accreditation=accreditation,
                signal_id=made.get(str(signal_ref)) if signal_ref else None,
            )
    session.flush()
    return made
