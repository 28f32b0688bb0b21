"""How the benchmark marks its objects, and which of them its reader principal may see.

The semantic marking classes are fixed; how they are written on the wire depends on the profile:
``tlp`` uses only the TLP 2.0 marking-definition refs (REFERENCES.md), ``hub`` adds the hub's own
classification/releasability marking-definition (docs/markings.md). The reader's expected share is computed with
the hub's pure-Python reference rule, so the benchmark can check the server's answer count against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison_hub.directory.seed import ALLIANCE_MEMBERS, AP4
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.reference import DirectoryView, may_read

# TLP 2.0 marking-definition ids, published with the TLP 2.0 extension (REFERENCES.md).
TLP2 = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# Organisation ids as the rule sees them: the poster (owner of every object) and the reader's organisation.
OWNER_ORG, READER_ORG = 1, 2
READER_NATION, READER_CLEARANCE = "KOR", "NU"
DIRECTORY = DirectoryView(
    grouping_members={"ALLIANCE": frozenset(ALLIANCE_MEMBERS), "AP4": frozenset(AP4)},
    organisation_nation={OWNER_ORG: None, READER_ORG: READER_NATION},
)
READER = Principal(
    username="bench-reader",
    user_id=2,
    organisation_id=READER_ORG,
    nation_code=READER_NATION,
    clearance_rank=parse_classification(READER_CLEARANCE).rank,
)


@dataclass(frozen=True)
class MarkingClass:
    """One marking with its share of the objects (weights add up to 100)."""

    name: str
    tlp: str
    classification: str
    releasable_to: tuple[str, ...]
    weight: int

    @property
    def marking(self) -> Marking:
        return Marking(
            tlp=self.tlp,
            classification=self.classification,
            releasable_to=self.releasable_to,
            owner_organisation_id=OWNER_ORG,
        )

    @property
    def reader_visible(self) -> bool:
        return bool(may_read(self.marking, READER, DIRECTORY))


# Full profile: a Korean reader cleared NU sees the first four classes (10%), none of the rest.
FULL_CLASSES = (
    MarkingClass("clear", "clear", "NU", (), 3),
    MarkingClass("green-open", "green", "NU", (), 3),
    MarkingClass("amber-ap4", "amber", "NU", ("AP4",), 2),
    MarkingClass("green-alliance-ap4", "green", "NU", ("ALLIANCE", "AP4"), 2),
    MarkingClass("amber-alliance", "amber", "NU", ("ALLIANCE",), 30),
    MarkingClass("amber-nr-alliance-ap4", "amber", "NR", ("ALLIANCE", "AP4"), 20),
    MarkingClass("strict-alliance", "amber+strict", "NU", ("ALLIANCE",), 10),
    MarkingClass("green-nc-alliance-ap4", "green", "NC", ("ALLIANCE", "AP4"), 10),
    MarkingClass("red-owner", "red", "NU", (), 5),
    MarkingClass("amber-owner", "amber", "NU", (), 15),
)

# TLP-only profile: without the hub's marking, releasability is the owner's (an alliance body: nobody else),
# so only CLEAR and GREEN reach the reader.
TLP_CLASSES = (
    MarkingClass("clear", "clear", "NU", (), 5),
    MarkingClass("green", "green", "NU", (), 5),
    MarkingClass("amber", "amber", "NU", (), 60),
    MarkingClass("amber+strict", "amber+strict", "NU", (), 15),
    MarkingClass("red", "red", "NU", (), 15),
)


class WireMarkings:
    """TLP 2.0 refs only; subclasses add marking-definition objects of their own."""

    profile = "tlp"
    classes: tuple[MarkingClass, ...] = TLP_CLASSES

    def definitions(self) -> list[dict[str, object]]:
        """Marking-definition objects to send before the data (none: TLP 2.0 definitions are well known)."""
        return []

    def refs(self, marking: MarkingClass) -> list[str]:
        return [TLP2[marking.tlp]]


def reader_share(classes: tuple[MarkingClass, ...]) -> float:
    """The fraction of marked objects the reader may see, by weight."""
    return sum(c.weight for c in classes if c.reader_visible) / sum(c.weight for c in classes)
