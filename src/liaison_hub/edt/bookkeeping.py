"""EDT's unfiltered reads: whether a STIX uuid is taken by any technology or signal, readable or not, so that an
import gives its record a fresh one rather than refusing (a refusal would tell that a hidden record exists).
Nothing read here is returned to a reader."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.models.edt import EdtSignal, EdtTechnology


def stix_uuid_taken(session: Session, stix_uuid: str) -> bool:
    for model in (EdtTechnology, EdtSignal):
        if session.scalar(select(model.id).where(model.stix_uuid == stix_uuid).limit(1)) is not None:
            return True
    return False


def any_technology(session: Session) -> bool:
    """Whether the watch holds anything yet (the demo loads once)."""
    return session.scalar(select(EdtTechnology.id).limit(1)) is not None
