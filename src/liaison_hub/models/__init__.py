"""All SQLAlchemy tables; importing this module registers every table on ``Base.metadata``."""

# Importing a domain's module registers its tables on Base.metadata.
from liaison_hub.models import consultations, edt, fimi, intel, intel_correlation  # noqa: F401
from liaison_hub.models.audit import AuditEntry, AuditHead
from liaison_hub.models.base import Base
from liaison_hub.models.directory import ApiToken, Grouping, GroupingMember, Nation, Organisation, User, WebSession
from liaison_hub.models.policy import (
    SHAREABLE_TABLES,
    Audience,
    AudienceGrouping,
    AudienceNation,
    AudienceRecipient,
    PolicyState,
    Shareable,
    register_shareable,
)

__all__ = [
    "SHAREABLE_TABLES",
    "ApiToken",
    "Audience",
    "AudienceGrouping",
    "AudienceNation",
    "AudienceRecipient",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Grouping",
    "GroupingMember",
    "Nation",
    "Organisation",
    "PolicyState",
    "Shareable",
    "User",
    "WebSession",
    "register_shareable",
]
