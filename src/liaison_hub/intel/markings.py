"""Markings on the wire (STIX 2.1 section 7.2) and the policy's ``Marking``, in both directions.

Understood: TLP 2.0 marking-definitions (their published ids or the TLP 2.0 extension), TLP 1.0 ids (mapped to
2.0, WHITE to CLEAR), the hub's own extension for classification and releasability (``docs/markings.md``), ACS 3.0
markings (classification and permitted nationalities) and statements. Anything else is refused, since a marking we
cannot read might restrict more than we know.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from liaison_hub.errors import InvalidInput
from liaison_hub.policy.levels import TLP, parse_classification
from liaison_hub.policy.marking import Marking

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
ACS3_EXTENSION_ID = "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce"
HUB_EXTENSION_ID = "extension-definition--b8622500-ccae-4d24-b8fa-1762cabda203"
HUB_IDENTITY_ID = "identity--2f9b559e-b60f-44b0-8e16-71fa2025e6a6"
# Namespace for the ids of the hub's own marking-definitions: equal markings get equal ids on every hub.
HUB_MARKING_NAMESPACE = uuid.UUID("b8622500-ccae-4d24-b8fa-1762cabda203")

TLP2_IDS: dict[TLP, str] = {
    TLP.clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.amber_strict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP1_IDS: dict[str, TLP] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.clear,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.green,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.amber,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.red,
}
BUILTIN_TLP: dict[str, TLP] = {**{ref: tlp for tlp, ref in TLP2_IDS.items()}, **TLP1_IDS}
# ACS 3.0 uses US classification codes; each maps to the alliance level of the same name.
ACS_CLASSIFICATION = {"U": "NU", "C": "NC", "S": "NS", "TS": "CTS"}


@dataclass(frozen=True)
class Facets:
    """What one marking-definition says; None means 'says nothing about this'."""

    tlp: TLP | None = None
    classification: str | None = None
    releasable_to: tuple[str, ...] | None = None
    recipients: tuple[str, ...] | None = None
    owner_only: bool = False
    """Never said by a marking-definition: what combining markings with nothing in common leaves."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "tlp": self.tlp.value if self.tlp else None,
            "classification": self.classification,
            "releasable_to": list(self.releasable_to) if self.releasable_to is not None else None,
            "recipients": list(self.recipients) if self.recipients is not None else None,
        }
        if self.owner_only:
            data["owner_only"] = True
        return data

    def to_marking(self, *, owner_organisation_id: int | None, recipient_ids: tuple[int, ...]) -> Marking:
        """The policy marking of combined facets (``combine``): unset TLP is AMBER, unset classification NU."""
        return Marking(
            tlp=self.tlp or TLP.amber,
            classification=self.classification or "NU",
            releasable_to=self.releasable_to,
            recipients=recipient_ids,
            owner_organisation_id=owner_organisation_id,
            owner_only=self.owner_only,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facets:
        def codes(key: str) -> tuple[str, ...] | None:
            value = data.get(key)
            return tuple(value) if value is not None else None

        tlp = data.get("tlp")
        return cls(
            tlp=TLP(tlp) if tlp else None,
            classification=data.get("classification"),
            releasable_to=codes("releasable_to"),
            recipients=codes("recipients"),
            owner_only=bool(data.get("owner_only", False)),
        )


def _codes(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise InvalidInput(f"{what} must be a list of codes")
    return tuple(sorted({item.strip().upper() for item in value}))


def _level(value: object) -> str:
    return parse_classification(str(value)).code


def _hub_facets(extension: Mapping[str, Any]) -> Facets:
    """The hub's extension (docs/markings.md): classification, releasable_to, recipients (organisation names)."""
    recipients = extension.get("recipients")
    return Facets(
        classification=_level(extension["classification"]) if "classification" in extension else None,
        releasable_to=_codes(extension["releasable_to"], "releasable_to") if "releasable_to" in extension else None,
        recipients=_codes(recipients, "recipients") if recipients is not None else None,
    )


def _acs_facets(extension: Mapping[str, Any]) -> Facets:
    """ACS 3.0: ``control_set.classification`` and ``permitted_nationalities`` (GENC trigraphs, ISO alpha-3)."""
    control = extension.get("control_set") or {}
    code = control.get("classification", extension.get("classification"))
    if code is not None and str(code).upper() not in ACS_CLASSIFICATION:
        raise InvalidInput(f"ACS classification {code!r} is not one of {', '.join(ACS_CLASSIFICATION)}")
    nations = control.get("permitted_nationalities", extension.get("permitted_nationalities"))
    return Facets(
        classification=ACS_CLASSIFICATION[str(code).upper()] if code is not None else None,
        releasable_to=_codes(nations, "permitted_nationalities") if nations is not None else None,
    )


def interpret_definition(obj: Mapping[str, Any]) -> tuple[str, Facets]:
    """Read a marking-definition object: its kind ('tlp', 'hub', 'acs', 'statement') and what it says."""
    if obj["id"] in BUILTIN_TLP:
        return "tlp", Facets(tlp=BUILTIN_TLP[obj["id"]])
    extensions = obj.get("extensions") or {}
    try:
        if TLP2_EXTENSION_ID in extensions:
            return "tlp", Facets(tlp=TLP(str(extensions[TLP2_EXTENSION_ID].get("tlp_2_0", "")).lower()))
        if HUB_EXTENSION_ID in extensions:
            return "hub", _hub_facets(extensions[HUB_EXTENSION_ID])
        if ACS3_EXTENSION_ID in extensions:
            return "acs", _acs_facets(extensions[ACS3_EXTENSION_ID])
        if obj.get("definition_type") == "tlp":
            return "tlp", Facets(
                tlp=TLP(str((obj.get("definition") or {}).get("tlp", "")).lower().replace("white", "clear"))
            )
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise InvalidInput(f"marking-definition {obj['id']} cannot be read: {exc}") from None
    if obj.get("definition_type") == "statement" or "statement" in (obj.get("definition") or {}):
        return "statement", Facets()
    raise InvalidInput(
        f"marking-definition {obj['id']} is of a kind this hub does not understand "
        "(it reads TLP, ACS 3.0, statements and its own classification/releasability extension)"
    )


def marking_refs(obj: Mapping[str, Any]) -> tuple[str, ...]:
    """Every marking an object carries: object markings and granular markings (the most restrictive decides)."""
    refs = list(obj.get("object_marking_refs") or ())
    refs += [g["marking_ref"] for g in obj.get("granular_markings") or () if g.get("marking_ref")]
    return tuple(dict.fromkeys(refs))


def _releasable_in_common(lists: list[tuple[str, ...]], owner_nation: str | None) -> tuple[str, ...] | None:
    """The releasability every list allows, or None when nothing is left beyond the owner organisation. The empty
    list stands for the owner's nation; a nation named by one list and covered only by a grouping in another is
    dropped (codes are compared, not today's grouping members), which can only narrow."""
    if len(lists) == 1:
        return lists[0]
    if all(not codes for codes in lists):
        return ()
    if any(not codes for codes in lists) and owner_nation is None:
        return None
    common: set[str] | None = None
    for codes in lists:
        named = set(codes) if codes else {owner_nation or ""}
        common = named if common is None else common & named
    return tuple(sorted(common)) if common else None


def _recipients_in_common(lists: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """Recipients named by every list, or None when no organisation is named by all."""
    common = set(lists[0]).intersection(*lists[1:])
    return tuple(sorted(common)) if common else None


def _default_releasable(tlp: TLP | None, default: Facets) -> tuple[str, ...] | None:
    """A collection's default releasability, for objects whose markings name none; not for TLP:CLEAR, which itself
    says "no limit" (a marking that names a releasability still narrows a CLEAR object)."""
    return None if tlp is TLP.clear else default.releasable_to


def combine(found: Iterable[Facets], default: Facets, *, owner_nation: str | None = None) -> Facets:
    """The audience every marking allows (their intersection: combining can only narrow). The highest TLP and
    classification; the releasability and recipients all of them name, ``owner_only`` when nobody but the owner
    organisation is left; facets none of them sets come from ``default`` (default recipients only for TLP:RED and
    TLP:AMBER+STRICT). ``owner_nation`` gives the empty releasability list its meaning."""
    facets = list(found)
    tlps = [f.tlp for f in facets if f.tlp is not None]
    levels = [f.classification for f in facets if f.classification is not None]
    releasable = [f.releasable_to for f in facets if f.releasable_to is not None]
    recipients = [f.recipients for f in facets if f.recipients is not None]
    tlp = max(tlps, key=lambda t: t.rank) if tlps else default.tlp
    needs_recipients = tlp in (TLP.red, TLP.amber_strict)
    rel = _releasable_in_common(releasable, owner_nation) if releasable else _default_releasable(tlp, default)
    names = _recipients_in_common(recipients) if recipients else (default.recipients if needs_recipients else None)
    owner_only = default.owner_only or any(f.owner_only for f in facets)
    if (releasable and rel is None) or (recipients and names is None):
        owner_only = True
    return Facets(
        tlp=tlp,
        classification=max(levels, key=lambda c: parse_classification(c).rank) if levels else default.classification,
        releasable_to=rel,
        recipients=names,
        owner_only=owner_only,
    )


def derived_id(facets: Facets) -> str:
    """The id the hub gives the marking-definition of these facets (a UUIDv5 of its extension's content)."""
    return str(hub_marking_definition(facets)["id"])


def hub_marking_definition(facets: Facets, *, created: str = "2026-01-01T00:00:00.000Z") -> dict[str, Any]:
    """The hub's marking-definition for classification and releasability; equal facets give the same id."""
    extension: dict[str, Any] = {"extension_type": "property-extension"}
    if facets.classification is not None:
        extension["classification"] = facets.classification
    if facets.releasable_to is not None:
        extension["releasable_to"] = list(facets.releasable_to)
    if facets.recipients:
        extension["recipients"] = list(facets.recipients)
    key = "|".join(f"{k}={extension[k]}" for k in sorted(extension))
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": f"marking-definition--{uuid.uuid5(HUB_MARKING_NAMESPACE, key)}",
        "created": created,
        "created_by_ref": HUB_IDENTITY_ID,
        "name": label(facets),
        "extensions": {HUB_EXTENSION_ID: extension},
    }


def label(facets: Facets) -> str:
    parts = [parse_classification(facets.classification).name if facets.classification else "UNMARKED"]
    if facets.releasable_to:
        parts.append("REL TO " + ", ".join(facets.releasable_to))
    return " // ".join(parts)
