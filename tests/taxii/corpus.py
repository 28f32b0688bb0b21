"""A marked corpus posted by writers of several nations, and what the reference rule says each reader sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.directory import repository as directory_repo
from liaison_hub.intel.markings import ACS3_EXTENSION_ID
from liaison_hub.policy import Marking
from liaison_hub.policy.reference import DirectoryView, may_read
from tests.factories import organisation_id, principal
from tests.intel.stixgen import hub_marking, indicator, tlp

ACS_NC_BEL_JPN = {
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--20864905-06a0-47be-a04c-2164af17d635",
    "created": "2024-06-18T00:00:00.000Z",
    "extensions": {
        ACS3_EXTENSION_ID: {
            "extension_type": "property-extension",
            "identifier": "isa:guide.19001.ACS3-3bda2f6e-cedc-4c0f-a756-c03d6b586917",
            "create_date_time": "2024-05-27T14:10:26.723Z",
            "responsible_entity_custodian": "BEL.CCB",
            "control_set": {"classification": "C", "permitted_nationalities": ["BEL", "JPN"], "entity": ["GOV"]},
        }
    },
}
REL_ALLIANCE_AP4 = hub_marking("NU", ("ALLIANCE", "AP4"))
NR_AP4 = hub_marking("NR", ("AP4",))
NC_JPN = hub_marking("NC", ("JPN",))
RED_KOR = hub_marking("NU", recipients=("KOR-NCSC",))
STRICT_AUS = hub_marking("NU", ("AP4",), recipients=("AUS-CSC",))


@dataclass(frozen=True)
class Case:
    """One marked object: who shares it, which markings it carries, and the policy marking they mean."""

    name: str
    writer: str
    refs: tuple[str, ...]
    tlp: str
    classification: str = "NU"
    releasable_to: tuple[str, ...] | None = None
    recipients: tuple[str, ...] = ()


CASES = (
    Case("green-alliance", "analyst-jp", (tlp("green"), REL_ALLIANCE_AP4["id"]), "green", "NU", ("ALLIANCE", "AP4")),
    Case("amber-nr-ap4", "analyst-au", (tlp("amber"), NR_AP4["id"]), "amber", "NR", ("AP4",)),
    Case("amber-nc-jpn", "analyst-jp", (tlp("amber"), NC_JPN["id"]), "amber", "NC", ("JPN",)),
    Case("red-kor", "analyst-jp", (tlp("red"), RED_KOR["id"]), "red", "NU", ("ALLIANCE", "AP4"), ("KOR-NCSC",)),
    Case("clear", "analyst-be", (tlp("clear"),), "clear", "NU", None),
    Case("unmarked", "analyst-au", (), "amber", "NU", ("ALLIANCE", "AP4")),
    Case("acs-nc-bel-jpn", "analyst-be", (tlp("amber"), ACS_NC_BEL_JPN["id"]), "amber", "NC", ("BEL", "JPN")),
    Case(
        "strict-aus",
        "analyst-nz",
        (tlp("amber+strict"), STRICT_AUS["id"]),
        "amber+strict",
        "NU",
        ("AP4",),
        ("AUS-CSC",),
    ),
    Case(
        "tlp1-white",
        "analyst-au",
        ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",),
        "clear",
        "NU",
        None,
    ),
)
DEFINITIONS = (REL_ALLIANCE_AP4, NR_AP4, NC_JPN, RED_KOR, STRICT_AUS, ACS_NC_BEL_JPN)


def objects_for(case: Case, count: int, *, start: int = 0) -> list[dict[str, Any]]:
    """``count`` indicators carrying the case's markings (values unique per case)."""
    index = CASES.index(case)
    return [
        indicator(f"10.{index}.{(start + i) // 250}.{(start + i) % 250}", markings=case.refs, minute=i)
        for i in range(count)
    ]


def directory_view(session: Session) -> DirectoryView:
    nations = {org.id: org.nation_code for org in directory_repo.list_organisations(session)}
    return DirectoryView(grouping_members=directory_repo.grouping_members(session), organisation_nation=nations)


def policy_marking(session: Session, case: Case) -> Marking:
    return Marking(
        tlp=case.tlp,
        classification=case.classification,
        releasable_to=case.releasable_to,
        recipients=tuple(organisation_id(session, name) for name in case.recipients),
        owner_organisation_id=principal(session, case.writer).organisation_id,
    )


def visible_cases(session: Session, reader: str) -> set[str]:
    """The names of the cases the reference rule lets ``reader`` see."""
    view, who = directory_view(session), principal(session, reader)
    return {case.name for case in CASES if may_read(policy_marking(session, case), who, view)}
