"""The visibility rule in plain Python, stated once more; tests check the SQL filter against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from liaison_hub.policy.levels import TLP, parse_classification
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import Principal

ALLIANCE = "ALLIANCE"


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


def _releasable(marking: Marking, principal: Principal, directory: DirectoryView) -> bool:
    if not marking.releasable_to:
        owner_nation = directory.organisation_nation.get(marking.owner_organisation_id or -1)
        return owner_nation is not None and owner_nation == principal.nation_code
    if principal.nation_code is None:
        # An organisation of the alliance itself has no nation: it is within releasability when the
        # marking names the alliance as a whole.
        return principal.organisation_id is not None and ALLIANCE in marking.releasable_to
    return principal.nation_code in directory.expand(marking.releasable_to)


def may_read(marking: Marking, principal: Principal, directory: DirectoryView) -> bool:
    """DESIGN.md's visibility rule: clearance first, then owner, then TLP-specific releasability."""
    if principal.clearance_rank < parse_classification(marking.classification).rank:
        return False
    if marking.tlp is TLP.clear:
        return True
    if principal.is_anonymous:
        return False
    if principal.organisation_id is not None and principal.organisation_id == marking.owner_organisation_id:
        return True
    is_recipient = principal.organisation_id in marking.recipients
    if marking.tlp is TLP.red:
        return is_recipient
    if marking.tlp is TLP.green and not marking.releasable_to:
        return True
    if not _releasable(marking, principal, directory):
        return False
    if marking.tlp is TLP.amber_strict and marking.recipients:
        return is_recipient
    return True
