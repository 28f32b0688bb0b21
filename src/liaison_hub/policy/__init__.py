"""The marking and releasability policy: markings, audiences, and the one access filter ``readable``.

Names are loaded on first use (PEP 562): importing ``liaison_hub.policy.levels`` (settings, the command line's
``--help``) must not load SQLAlchemy's ORM and every table.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liaison_hub.policy.audiences import audience_for, check_marking, marking_of
    from liaison_hub.policy.filter import PolicyKey, policy_key, readable, readable_or_unmarked, visible_audiences
    from liaison_hub.policy.levels import TLP, Level, classification_levels, parse_classification, parse_tlp
    from liaison_hub.policy.marking import Marking
    from liaison_hub.policy.principal import (
        ANONYMOUS,
        SYSTEM,
        SYSTEM_ACTOR,
        Actor,
        Principal,
        PrincipalKind,
        Role,
        Scope,
    )

_WHERE = {
    "audience_for": "liaison_hub.policy.audiences",
    "check_marking": "liaison_hub.policy.audiences",
    "marking_of": "liaison_hub.policy.audiences",
    "PolicyKey": "liaison_hub.policy.filter",
    "policy_key": "liaison_hub.policy.filter",
    "readable": "liaison_hub.policy.filter",
    "readable_or_unmarked": "liaison_hub.policy.filter",
    "visible_audiences": "liaison_hub.policy.filter",
    "TLP": "liaison_hub.policy.levels",
    "Level": "liaison_hub.policy.levels",
    "classification_levels": "liaison_hub.policy.levels",
    "parse_classification": "liaison_hub.policy.levels",
    "parse_tlp": "liaison_hub.policy.levels",
    "Marking": "liaison_hub.policy.marking",
    "ANONYMOUS": "liaison_hub.policy.principal",
    "SYSTEM": "liaison_hub.policy.principal",
    "SYSTEM_ACTOR": "liaison_hub.policy.principal",
    "Actor": "liaison_hub.policy.principal",
    "Principal": "liaison_hub.policy.principal",
    "PrincipalKind": "liaison_hub.policy.principal",
    "Role": "liaison_hub.policy.principal",
    "Scope": "liaison_hub.policy.principal",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)


__all__ = [
    "ANONYMOUS",
    "SYSTEM",
    "SYSTEM_ACTOR",
    "TLP",
    "Actor",
    "Level",
    "Marking",
    "PolicyKey",
    "Principal",
    "PrincipalKind",
    "Role",
    "Scope",
    "audience_for",
    "check_marking",
    "classification_levels",
    "marking_of",
    "parse_classification",
    "parse_tlp",
    "policy_key",
    "readable",
    "readable_or_unmarked",
    "visible_audiences",
]
