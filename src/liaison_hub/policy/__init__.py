"""The marking and releasability policy: markings, audiences, and the one access filter ``readable``."""

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
