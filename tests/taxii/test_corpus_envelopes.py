"""A published bundle posted with the OASIS taxii2-client in several envelopes (as ``max_content_length`` demands),
its marking-definition in the last one or anywhere: every object ends up stored once and marked as the definition
says; until it arrives, the objects are held, readable by the writer's organisation alone (docs/taxii.md)."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.models import Audience
from liaison_hub.models.intel import HeldObject, StixObject
from tests.corpus_files import corpus_objects
from tests.taxii.conftest import TaxiiHub

ENVELOPE_BYTES = 200_000  # the test hub's max_content_length is 256 KiB


def envelopes(objects: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The objects in file order, cut into envelopes that each fit the hub's max_content_length."""
    parts: list[list[dict[str, Any]]] = [[]]
    size = 0
    for obj in objects:
        length = len(orjson.dumps(obj)) + 1
        if parts[-1] and size + length > ENVELOPE_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(obj)
        size += length
    return parts


def stored_markings(hub: TaxiiHub, objects: list[dict[str, Any]]) -> tuple[dict[bool, int], int]:
    """Stored versions of these objects by whether they are held (owner-only), and how many held rows wait."""
    engine = create_db_engine(hub.database.url)
    with session_scope(make_session_factory(engine)) as session:
        stmt = select(Audience.owner_only, func.count()).join(StixObject, StixObject.audience_id == Audience.id)
        stmt = stmt.where(StixObject.stix_id.in_([o["id"] for o in objects]))
        by_kind = {bool(k): int(n) for k, n in session.execute(stmt.group_by(Audience.owner_only))}
        held = int(session.scalar(select(func.count()).select_from(HeldObject)) or 0)
    engine.dispose()
    return by_kind, held


def notes(status: Any) -> list[str]:
    return [s.get("message", "") for s in status.successes or []]


@pytest.mark.parametrize("order", ["as published", "shuffled"])
def test_attack_in_envelopes_in_any_order_is_stored_whole_and_marked(taxii_hub: TaxiiHub, order: str) -> None:
    objects = corpus_objects("attack-mobile-17.1.json")
    assert objects[-1]["type"] == "marking-definition"
    parts = envelopes(objects)
    assert len(parts) > 5
    if order == "shuffled":
        random.Random(2148).shuffle(parts)
    definition_at = next(i for i, part in enumerate(parts) if part[-1]["type"] == "marking-definition")
    writer, reader = taxii_hub.taxii_collection("analyst-au"), taxii_hub.taxii_collection("analyst-jp")
    first = parts[0][0]["id"]
    for number, part in enumerate(parts):
        status = writer.add_objects({"objects": part})
        assert (status.status, status.failure_count, status.success_count) == ("complete", 0, len(part))
        held = [n for n in notes(status) if n.startswith("held:")]
        assert len(held) == (len(part) if number < definition_at else 0), number
        if number == 0 and definition_at > 0:
            with taxii_hub.http("analyst-jp") as client:
                assert client.get(f"{taxii_hub.collection_url}objects/{first}/").status_code == 404
    assert stored_markings(taxii_hub, objects) == ({False: len(objects)}, 0)
    assert reader.get_object(first)["objects"][0]["id"] == first  # AMBER, REL TO ALLIANCE and AP4 by default


def test_capec_with_its_definition_in_the_middle_over_taxii(taxii_hub: TaxiiHub) -> None:
    objects = corpus_objects("capec.json")
    parts = envelopes(objects)
    statuses = [taxii_hub.taxii_collection("analyst-jp").add_objects({"objects": part}) for part in parts]
    assert sum(s.failure_count for s in statuses) == 0
    assert any(n.startswith("held:") for s in statuses for n in notes(s))
    assert stored_markings(taxii_hub, objects) == ({False: len(objects)}, 0)
