"""Ingest through intel.service: per-object refusals with reasons, duplicates, immutable versions, markings,
date_added ordering, version flags, audit, batch hooks; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.errors import Forbidden, NotFound
from liaison_hub.intel import service
from liaison_hub.intel.ingest import CONFLICT
from liaison_hub.intel.schemas import CollectionCreate, DefaultMarking, ObjectFilters, PageRequest, StoredObject
from liaison_hub.models import AuditEntry
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import SYSTEM, Actor
from tests.factories import principal
from tests.intel.stixgen import hub_marking, indicator, malware, new_version, tlp

NS = parse_classification("NS")


def actor(session: Session, username: str) -> Actor:
    return Actor(principal(session, username), "test")


@pytest.fixture
def collection(session: Session) -> str:
    created = service.create_collection(
        session,
        actor(session, "admin"),
        data=CollectionCreate(
            title="Test", alias="test", default_marking=DefaultMarking(tlp="amber", releasable_to=["AP4"])
        ),
        accreditation=NS,
    )
    return created.taxii_id


def ingest(session: Session, username: str, collection: str, objects: Sequence[Any], **kwargs: Any) -> Any:
    return service.ingest(
        session,
        actor(session, username),
        collection=collection,
        objects=objects,
        accreditation=NS,
        keep_successes=True,
        **kwargs,
    )


def visible(session: Session, username: str, collection: str, **filters: Any) -> list[dict[str, Any]]:
    import orjson

    page = service.list_objects(
        session,
        principal(session, username),
        collection=collection,
        filters=ObjectFilters(**filters),
        page=PageRequest(limit=1000),
    )
    return [orjson.loads(document) for document in page.documents]


def test_bad_objects_are_refused_one_by_one_and_good_ones_stored(session: Session, collection: str) -> None:
    good = indicator("192.0.2.10", markings=(tlp("green"),))
    cts = hub_marking("CTS", ("AP4",))
    nc = hub_marking("NC", ("AP4",))
    unknown_nation = hub_marking("NU", ("XXX",))
    red_nobody = hub_marking("NU")
    bad = {
        "pattern": {**indicator("192.0.2.11"), "pattern": "[ipv4-addr:value = '1.2.3.4'"},
        "'id' must be": {**indicator("192.0.2.12"), "id": "indicator--not-a-uuid"},
        "spec_version": {k: v for k, v in indicator("192.0.2.13").items() if k != "spec_version"},
        "timestamp": {**indicator("192.0.2.14"), "modified": "2024-13-01T00:00:00Z"},
        "above this hub's accreditation": indicator("192.0.2.16", markings=(cts["id"],)),
        "above your clearance": indicator("192.0.2.17", markings=(nc["id"],)),
        "unknown nations": indicator("192.0.2.18", markings=(unknown_nation["id"],)),
        "TLP:RED needs named recipients": indicator("192.0.2.19", markings=(tlp("red"), red_nobody["id"])),
        "not a JSON object": ["not", "an", "object"],
    }
    waiting = indicator("192.0.2.15", markings=("marking-definition--11111111-1111-4111-8111-111111111111",))
    sent = [cts, nc, unknown_nation, red_nobody, good, waiting, *bad.values()]
    result = ingest(session, "analyst-au", collection, sent)
    assert result.stored == 6  # four marking definitions, the good indicator and the one held
    assert result.refused == len(bad)
    assert [h.id for h in result.held] == [waiting["id"]]
    reasons = [f.message for f in result.failures]
    for word in bad:
        assert any(word.lower() in (reason or "").lower() for reason in reasons), (word, reasons)
    assert [o["id"] for o in visible(session, "analyst-jp", collection, types=("indicator",))] == [good["id"]]
    assert [o["id"] for o in visible(session, "analyst-au", collection, types=("indicator",))] == [
        good["id"],
        waiting["id"],
    ]


def test_unknown_marking_kinds_are_refused(session: Session, collection: str) -> None:
    odd = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--22222222-2222-4222-8222-222222222222",
        "created": "2024-01-01T00:00:00.000Z",
        "extensions": {
            "extension-definition--762e2e97-ee51-43e5-a9ea-165fbb862c4a": {
                "extension_type": "property-extension",
                "tlp": "amber",
            }
        },
    }
    result = ingest(session, "analyst-jp", collection, [odd, indicator("192.0.2.20", markings=(odd["id"],))])
    assert result.refused == 2
    assert "does not understand" in (result.failures[0].message or "")
    assert f"its marking-definition {odd['id']} was refused" in (result.failures[1].message or "")


def test_duplicates_succeed_and_different_content_under_the_same_version_is_refused(
    session: Session, collection: str
) -> None:
    family = malware("Winnti", markings=(tlp("green"),))
    assert ingest(session, "analyst-jp", collection, [family]).stored == 1
    again = ingest(session, "analyst-jp", collection, [family, dict(reversed(list(family.items())))])
    assert (again.stored, again.duplicates, again.refused) == (0, 2, 0)
    changed = ingest(session, "analyst-au", collection, [{**family, "description": "quietly edited"}])
    assert changed.refused == 1
    assert changed.failures[0].message == CONFLICT
    assert [o.get("description") for o in visible(session, "analyst-jp", collection, types=("malware",))] == [None]


def test_a_version_the_writer_cannot_see_is_never_revealed(session: Session, collection: str) -> None:
    secret = hub_marking("NC", ("JPN",))
    family = malware("Lazarus tooling", markings=(tlp("amber"), secret["id"]))
    assert ingest(session, "analyst-jp", collection, [secret, family]).stored == 2
    rewritten = {**family, "object_marking_refs": [tlp("green")]}
    result = ingest(session, "analyst-au", collection, [rewritten])
    assert (result.stored, result.refused) == (1, 0)
    assert [o["object_marking_refs"] for o in visible(session, "analyst-au", collection, types=("malware",))] == [
        [tlp("green")]
    ]
    assert len(visible(session, "analyst-jp", collection, types=("malware",))) == 2


def test_last_and_first_are_among_the_versions_a_reader_may_see(session: Session, collection: str) -> None:
    red = hub_marking("NU", recipients=("JPN-NCC",))
    v1 = malware("Emotet", markings=(tlp("green"),))
    v2 = new_version(v1, object_marking_refs=[tlp("red"), red["id"]], description="restricted")
    assert ingest(session, "analyst-au", collection, [red, v1, v2]).stored == 3
    assert [o["modified"] for o in visible(session, "analyst-jp", collection, types=("malware",))] == [v2["modified"]]
    assert [o["modified"] for o in visible(session, "reader-kr", collection, types=("malware",))] == [v1["modified"]]
    assert [
        o["modified"] for o in visible(session, "reader-kr", collection, types=("malware",), versions=("first",))
    ] == [v1["modified"]]
    assert len(visible(session, "reader-kr", collection, types=("malware",), versions=("all",))) == 1


def test_date_added_is_unique_and_increasing_across_requests(session: Session, collection: str) -> None:
    for start in range(3):
        ingest(session, "analyst-jp", collection, [indicator(f"198.51.100.{start * 10 + i}") for i in range(10)])
    page = service.manifest(
        session,
        principal(session, "analyst-jp"),
        collection=collection,
        filters=ObjectFilters(versions=("all",)),
        page=PageRequest(limit=1000),
    )
    added = [r.date_added for r in page.rows]
    assert len(added) == 37
    assert added == sorted(set(added))


def test_one_audit_entry_per_ingest_and_one_per_marking_of_what_it_stored(session: Session, collection: str) -> None:
    """Counts of stored objects are written per marking (only readers of that marking see them); the refusals,
    which stored nothing, in one unmarked entry."""
    first = session.scalar(select(func.max(AuditEntry.seq))) or 0
    green = [indicator(f"203.0.113.{i}", markings=(tlp("green"),)) for i in range(5)]
    amber = [indicator(f"203.0.113.{i + 5}") for i in range(20)]
    ingest(session, "analyst-jp", collection, [*green, *amber, {"type": "bogus"}])
    entries = session.scalars(select(AuditEntry).where(AuditEntry.seq > first).order_by(AuditEntry.seq)).all()
    assert [(e.action, e.details, e.audience_id) for e in entries if e.action == "intel.ingest"] == [
        ("intel.ingest", {"refused": 1}, None)
    ]
    stored = [(e.details, e.audience_id) for e in entries if e.action == "intel.ingest.stored"]
    assert sorted(d["stored"] for d, _ in stored) == [5, 20]
    assert all(audience is not None for _, audience in stored)
    assert len({audience for _, audience in stored}) == 2


def test_batch_hooks_see_each_stored_batch(session: Session, collection: str) -> None:
    seen: list[StoredObject] = []

    def hook(_: Session, stored: Sequence[StoredObject]) -> None:
        seen.extend(stored)

    service.register_batch_hook(hook)
    try:
        objects = (indicator(f"192.0.2.{i}") for i in range(7))
        result = service.ingest(
            session,
            actor(session, "analyst-jp"),
            collection=collection,
            objects=objects,
            accreditation=NS,
            batch_size=3,
        )
    finally:
        service.unregister_batch_hook(hook)
    assert result.stored == 7
    assert len({s.row_id for s in seen}) == 7
    assert all(s.obj["type"] == "indicator" and s.audience_id for s in seen)


def test_writes_need_a_writer_and_reads_of_unknown_collections_are_404(session: Session, collection: str) -> None:
    with pytest.raises(Forbidden):
        ingest(session, "reader-kr", collection, [indicator("192.0.2.1")])
    with pytest.raises(NotFound):
        ingest(session, "analyst-jp", "no-such-collection", [indicator("192.0.2.1")])


def test_the_system_actor_imports_for_an_owner(session: Session, collection: str) -> None:
    from tests.factories import organisation_id

    result = service.ingest(
        session,
        Actor(SYSTEM, "cli"),
        collection=collection,
        objects=[indicator("192.0.2.99")],
        accreditation=NS,
        owner_organisation_id=organisation_id(session, "AUS-CSC"),
    )
    assert result.stored == 1
    assert [o["name"] for o in visible(session, "analyst-au", collection, types=("indicator",))] == [
        "address 192.0.2.99"
    ]
    assert visible(session, "analyst-be", collection, types=("indicator",)) == []


def test_reads_of_red_objects_are_audited_once_per_response(session: Session, collection: str) -> None:
    red = hub_marking("NU", recipients=("KOR-NCSC",))
    family = malware("Kimsuky", markings=(tlp("red"), red["id"]))
    ingest(session, "analyst-jp", collection, [red, family, malware("Open", markings=(tlp("green"),))])
    reads = select(AuditEntry).where(AuditEntry.action == "intel.read")
    assert session.scalars(reads).all() == []
    assert len(visible(session, "reader-kr", collection, types=("malware",))) == 2
    visible(session, "analyst-au", collection, types=("malware",))
    (entry,) = session.scalars(reads).all()
    assert entry.actor == "reader-kr"
    assert entry.details == {"via": "objects", "objects": [family["id"]]}
    assert entry.audience_id is not None
    reader = principal(session, "reader-kr")
    service.manifest(session, reader, collection=collection, filters=ObjectFilters(), page=PageRequest(10))
    service.list_versions(
        session, reader, collection=collection, stix_id=family["id"], filters=ObjectFilters(), page=PageRequest(10)
    )
    manifest_read, versions_read = session.scalars(reads.order_by(AuditEntry.seq)).all()[1:]
    assert manifest_read.details == {"via": "manifest", "objects": [family["id"]]}
    assert versions_read.details == {"via": "versions", "objects": [family["id"]]}


def test_granular_markings_are_kept_and_the_most_restrictive_decides(session: Session, collection: str) -> None:
    red = hub_marking("NU", recipients=("KOR-NCSC",))
    family = malware("Andariel", markings=(tlp("green"),))
    family["granular_markings"] = [
        {"marking_ref": red["id"], "selectors": ["description"]},
        {"marking_ref": tlp("red"), "selectors": ["description"]},
    ]
    family["description"] = "only for Korea"
    assert ingest(session, "analyst-jp", collection, [red, family]).stored == 2
    (served,) = visible(session, "reader-kr", collection, types=("malware",))
    assert served == family
    assert list(served) == list(family), "stored and served as sent, keys in the same order"
    assert visible(session, "analyst-au", collection, types=("malware",)) == []


def test_big_imports_keep_exact_counts_but_only_the_first_reasons(session: Session, collection: str) -> None:
    objects = (indicator(f"192.0.2.{i}") if i % 2 else {"type": "indicator", "id": f"bad-{i}"} for i in range(40))
    result = service.ingest(
        session,
        actor(session, "analyst-jp"),
        collection=collection,
        objects=objects,
        accreditation=NS,
        batch_size=7,
        max_failures=3,
    )
    assert (result.total, result.stored, result.refused) == (40, 20, 20)
    assert [f.id for f in result.failures] == ["bad-0", "bad-2", "bad-4"]
    assert result.successes == []
