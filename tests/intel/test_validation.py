"""The validator's behaviour users see: which path decides, and refusal messages that name the property at fault
(the verdicts themselves are checked against the reference in test_validation_differential.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from liaison_hub.intel import validation
from liaison_hub.intel.validation import COMPILED, REFERENCE, WITH_PATTERNS, verdict

IDENTITY = "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
STAMP = "2024-05-01T10:00:00.000Z"


def attack_pattern(**changes: Any) -> dict[str, Any]:
    """An object shaped like MITRE ATT&CK's: kill chain, external references, x_mitre_ properties."""
    obj: dict[str, Any] = {
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": "attack-pattern--0c2d8f1c-8e9f-4f0e-9a5b-2d2f8e7c1a11",
        "created": STAMP,
        "modified": STAMP,
        "created_by_ref": IDENTITY,
        "name": "Phishing",
        "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
        "external_references": [{"source_name": "mitre-attack", "external_id": "T1566", "url": "https://x.test"}],
        "object_marking_refs": [GREEN],
        "x_mitre_platforms": ["Windows"],
        "x_mitre_version": "2.1",
    }
    obj.update(changes)
    return obj


def indicator(pattern: str, **changes: Any) -> dict[str, Any]:
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--5a6b2c11-0a2b-4c3d-8e4f-5a6b7c8d9e0f",
        "created": STAMP,
        "modified": STAMP,
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": STAMP,
    }
    obj.update(changes)
    return obj


def test_real_world_shapes_are_judged_without_stix2_parse() -> None:
    assert verdict(attack_pattern()) == (None, COMPILED, "")
    compound = "[ipv4-addr:value = '198.51.100.7'] AND [domain-name:value = 'a.test'] WITHIN 300 SECONDS"
    assert verdict(indicator(compound)) == (None, COMPILED, "")


def test_unknown_custom_types_are_accepted_as_the_reference_accepts_them() -> None:
    custom = {
        "type": "x-mitre-tactic",
        "spec_version": "2.1",
        "id": "x-mitre-tactic--0c2d8f1c-8e9f-4f0e-9a5b-2d2f8e7c1a11",
    }
    custom.update(created=STAMP, modified=STAMP, anything={"goes": [1, 2]})
    assert verdict(custom) == (None, COMPILED, "")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confidence": "high"}, "'confidence': must be an integer"),
        (
            {"kill_chain_phases": [{"kill_chain_name": "mitre-attack"}]},
            "'kill_chain_phases[0].phase_name': is required",
        ),
        (
            {"external_references": [{"source_name": "x"}]},
            "'external_references[0]': at least one of description, external_id, url is required",
        ),
        (
            {"created_by_ref": "malware--0c2d8f1c-8e9f-4f0e-9a5b-2d2f8e7c1a11"},
            "'created_by_ref': The type-specifying prefix",
        ),
        ({"_secret": 1}, "'_secret': a custom property name must begin with a letter a-z"),
        ({"name": None}, "'name': is required"),
        ({"revoked": "maybe"}, "'revoked': must be true or false"),
        (
            {"external_references": [{"source_name": "x", "url": "u", "hashes": {"SHA-256": "zz"}}]},
            "'external_references[0].hashes.SHA-256': 'zz' is not a valid SHA-256 hash",
        ),
    ],
)
def test_refusals_name_the_property(changes: dict[str, Any], message: str) -> None:
    problem, route, _ = verdict(attack_pattern(**changes))
    assert route == COMPILED
    assert problem is not None
    assert problem.startswith(message)
    assert validation.reference_error(attack_pattern(**changes)) is not None


def test_pattern_refusals_carry_stix2_patterns_message() -> None:
    problem, route, _ = verdict(indicator("[file:hashes.MD5 = 'abc']"))
    assert (problem, route) == ("'pattern': FAIL: 'abc' is not a valid MD5 hash", COMPILED)
    problem, route, _ = verdict(indicator("[file:name = 'a'] garbage"))
    assert route == WITH_PATTERNS
    assert problem is not None
    assert problem.startswith("'pattern': FAIL: ")


def test_order_rules() -> None:
    early = indicator("[url:value = 'http://a.test/']", valid_until="2020-01-01T00:00:00Z")
    assert verdict(early).problem == "'valid_until': must be later than 'valid_from'"
    relationship = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": "relationship--0c2d8f1c-8e9f-4f0e-9a5b-2d2f8e7c1a11",
        "created": STAMP,
        "modified": STAMP,
        "relationship_type": "",
        "source_ref": "indicator--5a6b2c11-0a2b-4c3d-8e4f-5a6b7c8d9e0f",
        "target_ref": IDENTITY,
    }
    assert verdict(relationship).problem == "'relationship_type': is required"  # the reference drops a falsy one
    assert validation.reference_error(relationship) is not None


def test_granular_selectors_follow_the_reference_walk() -> None:
    def marked(*selectors: str) -> dict[str, Any]:
        return attack_pattern(granular_markings=[{"marking_ref": GREEN, "selectors": list(selectors)}])

    assert verdict(marked("name", "kill_chain_phases.[0]", "x_mitre_platforms.[0]")).problem is None
    inside = verdict(marked("kill_chain_phases.[0].phase_name")).problem
    assert inside is not None
    assert "selects nothing" in inside  # the reference does not look inside embedded objects
    assert validation.reference_error(marked("kill_chain_phases.[0].phase_name")) is not None
    twice = attack_pattern(labels=["a", "a"], granular_markings=[{"marking_ref": GREEN, "selectors": ["labels.[1]"]}])
    assert verdict(twice).problem is not None  # an item's index is that of the first equal item
    assert validation.reference_error(twice) is not None


def test_what_only_the_reference_can_judge_goes_to_it() -> None:
    reserved = attack_pattern(allow_custom=False)
    outcome = verdict(reserved)
    assert outcome.route == REFERENCE
    assert "reserves" in outcome.reason
    assert outcome.problem == validation.reference_error(reserved)
    undated = indicator("[url:value = 'http://a.test/']", valid_until="2999-01-01T00:00:00Z")
    del undated["valid_from"]  # the reference compares with the current time
    assert verdict(undated).route == REFERENCE


def test_the_object_is_not_changed() -> None:
    obj = attack_pattern(granular_markings=[{"marking_ref": GREEN, "selectors": ["name"]}], labels="one")
    before = copy.deepcopy(obj)
    verdict(obj)
    assert obj == before
