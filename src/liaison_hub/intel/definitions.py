"""The STIX objects a partner's tool needs to read the hub's markings: its identity, its extension-definition
(STIX 2.1 section 7.3) and the TLP 2.0 marking-definitions. New collections start with them (all TLP:CLEAR)."""

from __future__ import annotations

from typing import Any

from liaison_hub.intel.markings import HUB_EXTENSION_ID, HUB_IDENTITY_ID, TLP2_EXTENSION_ID, TLP2_IDS

PUBLISHED = "2026-01-01T00:00:00.000Z"
TLP2_PUBLISHED = "2022-10-01T00:00:00.000Z"
SCHEMA = (
    "Defined in Liaison Hub's docs/markings.md: a property-extension of marking-definition with 'classification' "
    "(string), 'releasable_to' (array of strings) and 'recipients' (array of strings), each optional."
)


def hub_identity() -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": HUB_IDENTITY_ID,
        "created": PUBLISHED,
        "modified": PUBLISHED,
        "name": "Liaison Hub",
        "identity_class": "system",
    }


def hub_extension_definition() -> dict[str, Any]:
    """The extension-definition of the hub's classification and releasability marking (docs/markings.md)."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": HUB_EXTENSION_ID,
        "created_by_ref": HUB_IDENTITY_ID,
        "created": PUBLISHED,
        "modified": PUBLISHED,
        "name": "Liaison Hub classification and releasability marking",
        "description": (
            "Property extension of marking-definition: 'classification' (alliance level code NU, NR, NC, NS, CTS), "
            "'releasable_to' (ISO 3166-1 alpha-3 nation codes and grouping codes such as ALLIANCE and AP4), "
            "'recipients' (organisation short names, for TLP:RED and TLP:AMBER+STRICT)."
        ),
        "schema": SCHEMA,
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def tlp2_marking_definitions() -> list[dict[str, Any]]:
    """The five TLP 2.0 marking-definitions as published with the TLP 2.0 extension."""
    return [
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": ref,
            "created": TLP2_PUBLISHED,
            "name": tlp.label,
            "extensions": {TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": tlp.value}},
        }
        for tlp, ref in TLP2_IDS.items()
    ]


def reference_objects() -> list[dict[str, Any]]:
    return [hub_identity(), hub_extension_definition(), *tlp2_marking_definitions()]
