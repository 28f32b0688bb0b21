"""All SQLAlchemy tables; importing this module registers every table on ``Base.metadata``."""

import liaison_hub.models.intel  # noqa: F401  (registers the intelligence store tables)
import liaison_hub.models.intel_correlation  # noqa: F401  (registers the correlation index tables)
from liaison_hub.models import consultations  # noqa: F401  (registers the consultation tables)
from liaison_hub.models.audit import AuditEntry, AuditHead
from liaison_hub.models.base import Base
from liaison_hub.models.directory import ApiToken, Grouping, GroupingMember, Nation, Organisation, User
from liaison_hub.models.policy import (
    SHAREABLE_TABLES,
    Audience,
    AudienceGrouping,
    AudienceNation,
    AudienceRecipient,
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
    "Shareable",
    "User",
    "register_shareable",
]
