"""Build STIX 2.1 objects for tests with the reference library ``stix2``, as partners' tools would."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import stix2

from liaison_hub.intel.markings import TLP2_IDS, Facets, hub_marking_definition
from liaison_hub.policy.levels import TLP

BASE = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)


def as_dict(obj: Any) -> dict[str, Any]:
    return dict(json.loads(obj.serialize()))


def tlp(level: str) -> str:
    return TLP2_IDS[TLP(level)]


def hub_marking(
    classification: str | None = None,
    releasable_to: tuple[str, ...] | None = None,
    recipients: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    return hub_marking_definition(
        Facets(classification=classification, releasable_to=releasable_to, recipients=recipients)
    )


def indicator(value: str, *, markings: tuple[str, ...] = (), minute: int = 0, **extra: Any) -> dict[str, Any]:
    moment = BASE + timedelta(minutes=minute)
    kwargs: dict[str, Any] = {"object_marking_refs": list(markings)} if markings else {}
    return as_dict(
        stix2.v21.Indicator(
            pattern=f"[ipv4-addr:value = '{value}']",
            pattern_type="stix",
            valid_from=moment,
            created=moment,
            modified=moment,
            name=f"address {value}",
            **kwargs,
            **extra,
        )
    )


def malware(name: str, *, markings: tuple[str, ...] = ()) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"object_marking_refs": list(markings)} if markings else {}
    return as_dict(stix2.v21.Malware(name=name, is_family=True, created=BASE, modified=BASE, **kwargs))


def relationship(source: dict[str, Any], target: dict[str, Any], *, markings: tuple[str, ...] = ()) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"object_marking_refs": list(markings)} if markings else {}
    return as_dict(
        stix2.v21.Relationship(
            source_ref=source["id"],
            relationship_type="indicates",
            target_ref=target["id"],
            created=BASE,
            modified=BASE,
            **kwargs,
        )
    )


def new_version(obj: dict[str, Any], *, minutes: int = 1, **changes: Any) -> dict[str, Any]:
    """The same object one step later (a new ``modified``), with some properties changed."""
    modified = datetime.fromisoformat(obj["modified"].replace("Z", "+00:00")) + timedelta(minutes=minutes)
    text = modified.strftime("%Y-%m-%dT%H:%M:%S.") + f"{modified.microsecond // 1000:03d}Z"
    return {**obj, **changes, "modified": text}
