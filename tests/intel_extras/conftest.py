"""Helpers for the correlation, CLI, API and web tests of intel: a collection, marked STIX objects, ingest."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.intel import service
from liaison_hub.intel.schemas import CollectionCreate, DefaultMarking, IngestResult
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Actor
from tests.factories import principal
from tests.intel.stixgen import BASE, hub_marking, tlp
from tests.web.conftest import chromium, page, web  # noqa: F401  (the web tests' fixtures, for test_web.py)

NS = parse_classification("NS")
STAMP = BASE.strftime("%Y-%m-%dT%H:%M:%S.000Z")
READERS = ("admin", "liaison", "analyst-jp", "analyst-au", "reader-kr", "analyst-nz", "analyst-be")


def make_collection(session: Session, alias: str = "shared", **default: Any) -> str:
    """A collection (default marking AMBER releasable to ALLIANCE and AP4 unless told otherwise)."""
    marking = DefaultMarking(**({"tlp": "amber", "releasable_to": ["ALLIANCE", "AP4"]} | default))
    service.create_collection(
        session,
        Actor(principal(session, "admin"), "test"),
        data=CollectionCreate(title=f"Collection {alias}", alias=alias, default_marking=marking),
        accreditation=NS,
    )
    return alias


def store(session: Session, username: str, objects: list[dict[str, Any]], collection: str = "shared") -> IngestResult:
    """Ingest as a demo user (whose organisation then owns the objects)."""
    actor = Actor(principal(session, username), "test")
    return service.ingest(session, actor, collection=collection, objects=objects, accreditation=NS)


def marked(
    obj: dict[str, Any],
    level: str = "amber",
    *,
    classification: str | None = None,
    releasable_to: tuple[str, ...] | None = None,
    recipients: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """The object with a TLP marking and, when asked, the hub's classification/releasability marking (sent first)."""
    refs = [tlp(level)]
    extra: list[dict[str, Any]] = []
    if classification or releasable_to is not None or recipients:
        definition = hub_marking(classification, releasable_to, recipients)
        refs.append(definition["id"])
        extra.append(definition)
    return [*extra, {**obj, "object_marking_refs": refs}]


def stix_id(kind: str) -> str:
    return f"{kind}--{uuid.uuid4()}"


def indicator(pattern: str, name: str = "indicator", **extra: Any) -> dict[str, Any]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": stix_id("indicator"),
        "created": STAMP,
        "modified": STAMP,
        "name": name,
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": STAMP,
        **extra,
    }


def sco(kind: str, value: str) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": stix_id(kind), "value": value}


def sighting(target: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": stix_id("sighting"),
        "created": STAMP,
        "modified": STAMP,
        "sighting_of_ref": target,
        **extra,
    }
