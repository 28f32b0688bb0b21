"""Marking-definitions that arrive after the objects that use them: such objects are held, readable by their writer's
organisation alone, and marked as their markings say once the definitions arrive (later in the same stream, in a
later request, or from another partner for the hub's own definitions); on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.cli.import_report import settle_held
from liaison_hub.intel import service
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.markings import HUB_EXTENSION_ID
from liaison_hub.intel.schemas import CollectionCreate, DefaultMarking, ObjectFilters
from liaison_hub.models import Audience, AuditEntry
from liaison_hub.models.intel import HeldObject, HeldReference, StixObject
from tests.factories import principal
from tests.intel.stixgen import hub_marking, indicator, malware, new_version, tlp
from tests.intel.test_ingest import NS, actor, ingest, visible
from tests.taxii.corpus import ACS_NC_BEL_JPN

READERS = ("admin", "liaison", "analyst-jp", "analyst-au", "reader-kr", "analyst-nz", "analyst-be")
NR_AP4 = hub_marking("NR", ("AP4",))


@pytest.fixture
def collection(session: Session) -> str:
    marking = DefaultMarking(tlp="amber", releasable_to=["AP4"])
    data = CollectionCreate(title="Held", alias="held", default_marking=marking)
    return service.create_collection(session, actor(session, "admin"), data=data, accreditation=NS).taxii_id


def readers(session: Session, collection: str, stix_id: str) -> set[str]:
    return {u for u in READERS if visible(session, u, collection, ids=(stix_id,))}


def as_if_sent_first(session: Session, collection: str, writer: str, refs: tuple[str, ...]) -> set[str]:
    """Who reads an object with these markings when its definitions are known already (sent along with it)."""
    control = indicator(f"198.51.100.{len(refs)}", markings=refs)
    result = ingest(session, writer, collection, [NR_AP4, ACS_NC_BEL_JPN, control])
    assert result.held == []
    return readers(session, collection, control["id"])


def held_rows(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(HeldObject)) or 0)


def test_held_for_the_writer_alone_then_read_exactly_as_its_marking_says(session: Session, collection: str) -> None:
    early = indicator("192.0.2.40", markings=(tlp("green"), NR_AP4["id"]))
    first = ingest(session, "analyst-au", collection, [early])
    assert (first.stored, first.refused, [h.id for h in first.held]) == (1, 0, [early["id"]])
    assert (first.successes[0].message or "").startswith("held:")
    assert NR_AP4["id"] in (first.held[0].message or "")
    assert readers(session, collection, early["id"]) == {"analyst-au"}
    audience = session.scalars(
        select(Audience)
        .join(StixObject, StixObject.audience_id == Audience.id)
        .where(StixObject.stix_id == early["id"])
    ).one()
    writer = principal(session, "analyst-au")
    assert (audience.owner_only, audience.owner_organisation_id) == (True, writer.organisation_id)
    assert audience.classification_rank == writer.clearance_rank  # what the writer could have meant, at most
    control = indicator("192.0.2.41", markings=(tlp("green"), NR_AP4["id"]))
    second = ingest(session, "analyst-au", collection, [NR_AP4, control])
    assert (second.released, second.held) == (1, [])
    expected = readers(session, collection, control["id"])
    assert len(expected) > 1
    assert readers(session, collection, early["id"]) == expected
    assert held_rows(session) == 0
    released = select(func.count()).where(AuditEntry.action == "intel.ingest.released")
    assert session.scalar(released) == 1


def _stream(objects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A stream, as a file is read: definitions are not moved to the front."""
    yield from objects


def test_a_definition_later_in_the_same_stream_counts(session: Session, collection: str) -> None:
    objects = [indicator(f"192.0.2.{50 + n}", markings=(tlp("amber"), NR_AP4["id"])) for n in range(5)]
    result = ingest(session, "analyst-jp", collection, _stream([*objects, NR_AP4]), batch_size=2)
    assert (result.stored, result.refused, result.held, result.released) == (6, 0, [], 4)  # the last in its batch
    expected = as_if_sent_first(session, collection, "analyst-jp", (tlp("amber"), NR_AP4["id"]))
    assert {"analyst-jp", "analyst-au"} <= expected
    for obj in objects:
        assert readers(session, collection, obj["id"]) == expected
    assert held_rows(session) == 0


def test_a_squatting_definition_arriving_later_is_refused_and_releases_nothing(
    session: Session, collection: str
) -> None:
    squatter = {**hub_marking("NU", ("AP4",)), "id": f"marking-definition--{uuid.uuid4()}"}
    early = indicator("192.0.2.60", markings=(tlp("clear"), squatter["id"]))
    assert [h.id for h in ingest(session, "analyst-au", collection, [early]).held] == [early["id"]]
    later = ingest(session, "analyst-au", collection, [squatter])
    assert later.refused == 1
    assert "id the hub derives" in (later.failures[0].message or "")
    assert later.released == 0
    assert readers(session, collection, early["id"]) == {"analyst-au"}
    assert session.scalar(select(HeldReference.marking_ref)) == squatter["id"]
    assert HUB_EXTENSION_ID in squatter["extensions"]


def test_another_partners_definition_never_releases_but_the_hubs_own_does(session: Session, collection: str) -> None:
    borrowed = indicator("192.0.2.61", markings=(tlp("green"), ACS_NC_BEL_JPN["id"]))
    hubs = indicator("192.0.2.62", markings=(tlp("green"), NR_AP4["id"]))
    assert len(ingest(session, "analyst-jp", collection, [borrowed, hubs]).held) == 2
    assert ingest(session, "analyst-be", collection, [ACS_NC_BEL_JPN, NR_AP4]).refused == 0
    unrelated = ingest(session, "analyst-jp", collection, [indicator("192.0.2.63")])
    assert unrelated.released == 1  # the hub's definition (the same id means the same everywhere)
    assert [h.id for h in unrelated.held] == []  # held objects of earlier ingests are not this one's
    assert readers(session, collection, borrowed["id"]) == {"analyst-jp"}  # Belgium's own one does not count
    sent = ingest(session, "analyst-jp", collection, [ACS_NC_BEL_JPN])
    assert sent.released == 1
    assert readers(session, collection, hubs["id"]) == as_if_sent_first(
        session, collection, "analyst-jp", (tlp("green"), NR_AP4["id"])
    )
    assert readers(session, collection, borrowed["id"]) == {"analyst-jp", "analyst-be"}


def test_versions_held_together_are_released_with_their_order(session: Session, collection: str) -> None:
    family = malware("ShadowPad", markings=(tlp("amber"), NR_AP4["id"]))
    newer = new_version(family, description="second look")
    first = ingest(session, "analyst-au", collection, [family, newer])
    assert len(first.held) == 2
    again = ingest(session, "analyst-au", collection, [family])
    assert (again.stored, again.duplicates) == (0, 1)  # the writer sees its held version: the same one, not new
    ingest(session, "analyst-au", collection, [NR_AP4])
    latest = visible(session, "analyst-jp", collection, ids=(family["id"],))
    assert [o.get("description") for o in latest] == ["second look"]
    every = visible(session, "analyst-jp", collection, ids=(family["id"],), versions=("all",))
    assert len(every) == 2


def test_the_correlation_index_follows_the_release(session: Session, collection: str) -> None:
    """Indexed while held, an object's observables are found by its writer alone; once released, as marked."""
    early = indicator("192.0.2.70", markings=(tlp("green"), NR_AP4["id"]))
    ingest(session, "analyst-au", collection, [early])

    def finders() -> set[str]:
        found = set()
        for username in READERS:
            result = correlation.search(session, principal(session, username), value="192.0.2.70")
            if early["id"] in {r.stix_id for r in result.records}:
                found.add(username)
        return found

    assert finders() == {"analyst-au"}
    ingest(session, "analyst-au", collection, [NR_AP4])
    assert finders() == readers(session, collection, early["id"])
    assert len(finders()) > 1


def test_deleting_a_held_object_forgets_that_it_waits(session: Session, collection: str) -> None:
    early = indicator("192.0.2.71", markings=(tlp("green"), NR_AP4["id"]))
    ingest(session, "analyst-au", collection, [early])
    assert held_rows(session) == 1
    deleted = service.delete_object(
        session, actor(session, "analyst-au"), collection=collection, stix_id=early["id"], filters=ObjectFilters()
    )
    assert deleted == 1
    assert held_rows(session) == 0
    assert session.scalar(select(func.count()).select_from(HeldReference)) == 0
    assert ingest(session, "analyst-au", collection, [NR_AP4]).released == 0


def test_a_later_release_of_one_version_leaves_another_version_of_the_same_object_held(
    session: Session, collection: str
) -> None:
    """The end-of-run summary matches releases by stored version, not by STIX id."""
    nr_kor = hub_marking("NR", ("KOR",))
    first_version = indicator("192.0.2.60", markings=(tlp("green"), NR_AP4["id"]))
    second_version = new_version(first_version, object_marking_refs=[tlp("green"), nr_kor["id"]])
    first = ingest(session, "analyst-au", collection, [first_version, second_version])
    assert [h.id for h in first.held] == [first_version["id"]] * 2
    later = ingest(session, "analyst-au", collection, [nr_kor])
    assert later.released == 1
    results = {"first.json": first, "later.json": later}
    settle_held(results)
    assert [(h.id, h.version) for h in first.held] == [(first_version["id"], first_version["modified"])]
    assert readers(session, collection, first_version["id"]) != set()
