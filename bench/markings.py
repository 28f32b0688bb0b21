"""How the benchmark marks its objects, and which of them its reader principal may see.

Each object carries a TLP 2.0 marking-definition ref (REFERENCES.md) and a ref to one of the hub's own
classification/releasability marking-definitions (docs/markings.md: a property extension of marking-definition
with ``classification``, ``releasable_to`` and ``recipients``), sent at the head of the data. The reader's
expected share is computed with the hub's pure-Python reference rule, so the benchmark can check the server's
answer count against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from liaison_hub.directory.seed import ALLIANCE_MEMBERS, AP4
from liaison_hub.intel.markings import Facets, hub_marking_definition
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

# The poster's organisation (an alliance body, owner of every object) and the reader's; ids as the rule sees them.
POSTER_ORG_NAME, READER_ORG_NAME = "BENCH-HQ", "BENCH-KOR"
OWNER_ORG, READER_ORG = 1, 2
ORG_IDS = {POSTER_ORG_NAME: OWNER_ORG, READER_ORG_NAME: READER_ORG}
DEFINITIONS_CREATED = "2026-01-01T00:00:00.000Z"
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
    releasable_to: tuple[str, ...] | None
    """None: no releasability in the marking (TLP alone decides); (): the owner's nation only."""
    weight: int
    recipients: tuple[str, ...] = ()

    @property
    def marking(self) -> Marking:
        return Marking(
            tlp=self.tlp,
            classification=self.classification,
            releasable_to=self.releasable_to,
            recipients=tuple(ORG_IDS[name] for name in self.recipients),
            owner_organisation_id=OWNER_ORG,
        )

    @property
    def reader_visible(self) -> bool:
        return bool(may_read(self.marking, READER, DIRECTORY))


# Full profile: a Korean reader cleared NU sees the first four classes (10%), none of the rest.
FULL_CLASSES = (
    MarkingClass("clear", "clear", "NU", None, 3),
    MarkingClass("green-open", "green", "NU", None, 3),
    MarkingClass("amber-ap4", "amber", "NU", ("AP4",), 2),
    MarkingClass("green-alliance-ap4", "green", "NU", ("ALLIANCE", "AP4"), 2),
    MarkingClass("amber-alliance", "amber", "NU", ("ALLIANCE",), 30),
    MarkingClass("amber-nr-alliance-ap4", "amber", "NR", ("ALLIANCE", "AP4"), 20),
    MarkingClass("strict-alliance", "amber+strict", "NU", ("ALLIANCE",), 10),
    MarkingClass("green-nc-alliance-ap4", "green", "NC", ("ALLIANCE", "AP4"), 10),
    MarkingClass("red-poster", "red", "NU", None, 5, recipients=(POSTER_ORG_NAME,)),
    MarkingClass("amber-owner", "amber", "NU", (), 15),
)


class WireMarkings:
    """The marking classes and their wire form: TLP 2.0 refs plus the hub's marking-definitions."""

    profile = "tlp2+hub"
    classes: tuple[MarkingClass, ...] = FULL_CLASSES

    def definitions(self) -> list[dict[str, object]]:
        """One hub marking-definition per distinct classification/releasability/recipients (docs/markings.md)."""
        seen: dict[str, dict[str, object]] = {}
        for marking in self.classes:
            definition = self.definition(marking)
            seen.setdefault(str(definition["id"]), definition)
        return list(seen.values())

    @staticmethod
    @cache
    def definition(marking: MarkingClass) -> dict[str, object]:
        """The hub's marking-definition of the class (docs/markings.md): its id is derived from its content."""
        facets = Facets(
            classification=marking.classification,
            releasable_to=marking.releasable_to,
            recipients=marking.recipients or None,
        )
        return hub_marking_definition(facets, created=DEFINITIONS_CREATED)

    def refs(self, marking: MarkingClass) -> list[str]:
        return [TLP2[marking.tlp], str(self.definition(marking)["id"])]


def reader_share(classes: tuple[MarkingClass, ...]) -> float:
    """The fraction of marked objects the reader may see, by weight."""
    return sum(c.weight for c in classes if c.reader_visible) / sum(c.weight for c in classes)
