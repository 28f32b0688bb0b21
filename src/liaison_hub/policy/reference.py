"""The visibility rule in plain Python, stated once more; tests check the SQL filter against it. Not part of the
policy package's interface: only ``readable`` decides access in the hub; this is the test oracle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from liaison_hub.policy.levels import TLP, parse_classification
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import Principal

ALLIANCE = "ALLIANCE"
OWNER_NATION_DEFAULT = (TLP.amber, TLP.amber_strict)
"""TLPs whose unset releasability means the owner's nation (DESIGN.md's rule); for the others it means no limit."""


@dataclass(frozen=True)
class DirectoryView:
    """What the rule needs of the directory: grouping members and each organisation's nation."""

    grouping_members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    organisation_nation: Mapping[int, str | None] = field(default_factory=dict)

    def expand(self, releasable_to: tuple[str, ...]) -> frozenset[str]:
        nations: set[str] = set()
        for code in releasable_to:
            nations |= self.grouping_members.get(code, frozenset({code}))
        return frozenset(nations)


def _owners_nation(marking: Marking, principal: Principal, directory: DirectoryView) -> bool:
    owner_nation = directory.organisation_nation.get(marking.owner_organisation_id or -1)
    return owner_nation is not None and owner_nation == principal.nation_code


def _releasable(marking: Marking, principal: Principal, directory: DirectoryView) -> bool:
    if marking.releasable_to is None:
        return marking.tlp not in OWNER_NATION_DEFAULT or _owners_nation(marking, principal, directory)
    if not marking.releasable_to:
        return _owners_nation(marking, principal, directory)
    if principal.nation_code is None:
        # An organisation of the alliance itself has no nation: it is within releasability when the
        # marking names the alliance as a whole.
        return principal.organisation_id is not None and ALLIANCE in marking.releasable_to
    return principal.nation_code in directory.expand(marking.releasable_to)


def may_read(marking: Marking, principal: Principal, directory: DirectoryView) -> bool:
    """DESIGN.md's visibility rule: clearance first, then owner, then releasability and recipients."""
    if principal.clearance_rank < parse_classification(marking.classification).rank:
        return False
    if principal.is_anonymous:
        return marking.tlp is TLP.clear and marking.releasable_to is None and not marking.owner_only
    if principal.organisation_id is not None and principal.organisation_id == marking.owner_organisation_id:
        return True
    if marking.owner_only or not _releasable(marking, principal, directory):
        return False
    is_recipient = principal.organisation_id in marking.recipients
    if marking.tlp is TLP.red:
        return is_recipient
    if marking.tlp is TLP.amber_strict and marking.recipients:
        return is_recipient
    return True
