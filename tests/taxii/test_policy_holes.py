"""Findings 1 and 2 of the policy-holes issue, through TAXII as partners' tools send them: combining markings only
narrows, ``releasable_to: []`` means the owner's nation for every TLP, and nobody's marking-definition decides how
another partner's objects are marked."""

from __future__ import annotations

from typing import Any

from liaison_hub.intel.markings import HUB_EXTENSION_ID, HUB_IDENTITY_ID, derived_id
from liaison_hub.intel.markings import Facets as MarkingFacets
from tests.intel.stixgen import hub_marking, indicator, tlp
from tests.taxii.conftest import TAXII, TaxiiHub
from tests.taxii.corpus import ACS_NC_BEL_JPN

READERS = ("analyst-jp", "analyst-au", "reader-kr", "analyst-be", "analyst-nz")


def post(hub: TaxiiHub, username: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    with hub.http(username) as client:
        answer = client.post(
            f"{hub.collection_url}objects/", json={"objects": objects}, headers={"Content-Type": TAXII}
        )
    assert answer.status_code == 202, answer.text
    status: dict[str, Any] = answer.json()
    return status


def readers_of(hub: TaxiiHub, stix_id: str) -> set[str]:
    """Who gets the object over TAXII (a 404 for everyone else)."""
    found = set()
    for username in READERS:
        with hub.http(username) as client:
            if client.get(f"{hub.collection_url}objects/{stix_id}/").status_code == 200:
                found.add(username)
    return found


def reasons(status: dict[str, Any]) -> dict[str, str]:
    return {f["id"]: f.get("message", "") for f in status.get("failures", [])}


def test_disjoint_releasability_lists_leave_the_owner_alone(taxii_hub: TaxiiHub) -> None:
    rel_jpn, rel_kor = hub_marking(releasable_to=("JPN",)), hub_marking(releasable_to=("KOR",))
    disjoint = indicator("198.51.100.1", markings=(tlp("green"), rel_jpn["id"], rel_kor["id"]))
    status = post(taxii_hub, "analyst-au", [rel_jpn, rel_kor, disjoint])
    assert status["failure_count"] == 0, status
    assert readers_of(taxii_hub, disjoint["id"]) == {"analyst-au"}


def test_overlapping_lists_reach_only_what_both_name(taxii_hub: TaxiiHub) -> None:
    japan_korea, korea_nz = hub_marking(releasable_to=("JPN", "KOR")), hub_marking(releasable_to=("KOR", "NZL"))
    granular = indicator("198.51.100.2", markings=(tlp("amber"), japan_korea["id"]))
    granular["granular_markings"] = [{"marking_ref": korea_nz["id"], "selectors": ["name"]}]
    post(taxii_hub, "analyst-au", [japan_korea, korea_nz, granular])
    assert readers_of(taxii_hub, granular["id"]) == {"analyst-au", "reader-kr"}


def test_disjoint_recipients_leave_the_owner_alone(taxii_hub: TaxiiHub) -> None:
    for_japan, for_australia = hub_marking(recipients=("JPN-NCC",)), hub_marking(recipients=("AUS-CSC",))
    strict = indicator("198.51.100.3", markings=(tlp("amber+strict"), for_japan["id"], for_australia["id"]))
    post(taxii_hub, "analyst-nz", [for_japan, for_australia, strict])
    assert readers_of(taxii_hub, strict["id"]) == {"analyst-nz"}


def test_an_empty_releasability_list_means_the_owners_nation_for_every_tlp(taxii_hub: TaxiiHub) -> None:
    owners_nation = hub_marking(releasable_to=())
    green = indicator("198.51.100.4", markings=(tlp("green"), owners_nation["id"]))
    clear = indicator("198.51.100.5", markings=(tlp("clear"), owners_nation["id"]))
    post(taxii_hub, "analyst-jp", [owners_nation, green, clear])
    assert readers_of(taxii_hub, green["id"]) == {"analyst-jp"}
    assert readers_of(taxii_hub, clear["id"]) == {"analyst-jp"}


def _squatted() -> dict[str, Any]:
    """The hub's id for "REL TO JPN", registered with New Zealand added."""
    genuine = hub_marking(releasable_to=("JPN",))
    extension = {"extension_type": "property-extension", "releasable_to": ["JPN", "NZL"]}
    return {**genuine, "extensions": {HUB_EXTENSION_ID: extension}}


def test_a_definition_claiming_the_hubs_identity_needs_the_hubs_id_for_its_content(taxii_hub: TaxiiHub) -> None:
    squat = _squatted()
    riding = indicator("198.51.100.6", markings=(tlp("amber"), squat["id"]))
    status = post(taxii_hub, "analyst-au", [squat, riding])
    expected = derived_id(MarkingFacets(releasable_to=("JPN", "NZL")))
    assert expected in reasons(status)[squat["id"]]
    assert "was refused" in reasons(status)[riding["id"]]
    assert readers_of(taxii_hub, riding["id"]) == set()


def test_a_squatted_hub_id_is_refused_and_the_genuine_definition_keeps_its_meaning(taxii_hub: TaxiiHub) -> None:
    without_identity = {k: v for k, v in _squatted().items() if k != "created_by_ref"}
    assert post(taxii_hub, "analyst-au", [without_identity])["failure_count"] == 1
    genuine = hub_marking(releasable_to=("JPN",))
    assert genuine["created_by_ref"] == HUB_IDENTITY_ID
    japanese = indicator("198.51.100.7", markings=(tlp("amber"), genuine["id"]))
    status = post(taxii_hub, "analyst-jp", [genuine, japanese])
    assert status["failure_count"] == 0, status
    assert readers_of(taxii_hub, japanese["id"]) == {"analyst-jp"}
    with taxii_hub.http("analyst-nz") as client:
        served = client.get(f"{taxii_hub.collection_url}objects/{genuine['id']}/").json()["objects"]
    assert [d["extensions"] for d in served] == [genuine["extensions"]]


def test_an_envelope_that_redefines_a_registered_definition_stores_nothing_under_either_meaning(
    taxii_hub: TaxiiHub,
) -> None:
    first = indicator("198.51.100.9", markings=(tlp("amber"), ACS_NC_BEL_JPN["id"]))
    assert post(taxii_hub, "analyst-be", [ACS_NC_BEL_JPN, first])["failure_count"] == 0
    wider = {**ACS_NC_BEL_JPN, "extensions": {**ACS_NC_BEL_JPN["extensions"]}}
    extension = dict(wider["extensions"][next(iter(wider["extensions"]))])
    extension["control_set"] = {**extension["control_set"], "permitted_nationalities": ["BEL", "JPN", "NZL"]}
    wider["extensions"] = {next(iter(wider["extensions"])): extension}
    second = indicator("198.51.100.10", markings=(tlp("amber"), wider["id"]))
    status = post(taxii_hub, "analyst-be", [wider, second])
    assert "another meaning" in reasons(status)[wider["id"]]
    assert wider["id"] in reasons(status)[second["id"]]
    assert readers_of(taxii_hub, second["id"]) == set()


def test_a_partners_own_definition_does_not_serve_another_partner(taxii_hub: TaxiiHub) -> None:
    assert post(taxii_hub, "analyst-be", [ACS_NC_BEL_JPN])["failure_count"] == 0
    borrowed = indicator("198.51.100.11", markings=(tlp("green"), ACS_NC_BEL_JPN["id"]))
    status = post(taxii_hub, "analyst-jp", [borrowed])
    notes = {s["id"]: s.get("message", "") for s in status.get("successes", [])}
    assert notes[borrowed["id"]].startswith("held:"), status  # unknown to its writer: held, not marked by Belgium's
    assert readers_of(taxii_hub, borrowed["id"]) == {"analyst-jp"}
    sent_along = post(taxii_hub, "analyst-jp", [ACS_NC_BEL_JPN, borrowed])
    assert sent_along["failure_count"] == 0, sent_along
    assert readers_of(taxii_hub, borrowed["id"]) == {"analyst-jp", "analyst-be"}  # NC, BEL and JPN: as it says
