"""Markings at the API edge: what clients send (recipients by short name) and what they get back."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.errors import Forbidden, InvalidInput
from liaison_hub.fields import ClassificationCode, TlpName
from liaison_hub.models import Audience, Organisation
from liaison_hub.policy import rights
from liaison_hub.policy.audiences import audience_for
from liaison_hub.policy.levels import TLP, Level, classification_levels, parse_classification
from liaison_hub.policy.marking import Marking, label
from liaison_hub.policy.principal import Actor


class MarkingIn(BaseModel):
    """A marking as a client gives it; the owner is always the caller's organisation."""

    model_config = ConfigDict(extra="forbid")

    tlp: TlpName = Field(default="amber", examples=["amber"])
    classification: ClassificationCode = Field(default="NU", examples=["NR"])
    releasable_to: list[str] | None = Field(
        default=None,
        examples=[["ALLIANCE", "AP4"]],
        description="Nations and groupings; omitted or null: no releasability limit beyond the TLP; "
        "an empty list: the owner's nation only.",
    )
    recipients: list[str] = Field(default_factory=list, description="Organisation short names.")


class MarkingRead(BaseModel):
    tlp: str
    classification: str
    classification_name: str
    releasable_to: list[str] | None = Field(description="null: no releasability limit; []: the owner's nation only.")
    recipients: list[str]
    owner: str | None
    owner_only: bool = Field(default=False, description="Nobody beyond the owner organisation.")
    label: str


def resolve_marking(session: Session, spec: MarkingIn, *, owner_organisation_id: int | None) -> Marking:
    """Turn an API marking into a policy marking, naming unknown recipients in the error."""
    ids: list[int] = []
    if spec.recipients:
        found = dict(
            session.execute(
                select(Organisation.short_name, Organisation.id).where(Organisation.short_name.in_(spec.recipients))
            ).all()
        )
        missing = sorted(set(spec.recipients) - set(found))
        if missing:
            raise InvalidInput(f"unknown recipient organisations: {', '.join(missing)}")
        ids = sorted(found.values())
    return Marking(
        tlp=spec.tlp,
        classification=spec.classification,
        releasable_to=None if spec.releasable_to is None else tuple(spec.releasable_to),
        recipients=tuple(ids),
        owner_organisation_id=owner_organisation_id,
    )


def marking_read(audience: Audience, organisation_names: dict[int, str]) -> MarkingRead:
    """Describe an audience for clients; ``organisation_names`` maps ids to short names."""
    level = parse_classification(audience.classification)
    releasable = audience.releasable
    return MarkingRead(
        tlp=audience.tlp,
        classification=level.code,
        classification_name=level.name,
        releasable_to=None if releasable is None else list(releasable),
        recipients=[organisation_names.get(r, str(r)) for r in audience.recipients],
        owner=organisation_names.get(audience.owner_organisation_id or -1),
        owner_only=audience.owner_only,
        label=audience_label(audience),
    )


def audience_label(audience: Audience) -> str:
    """The marking of an audience as a banner line (what audit entries say of a record's marking)."""
    return label(audience.classification, audience.tlp, audience.releasable, owner_only=audience.owner_only)


def highest(audiences: Iterable[Audience]) -> tuple[str, TLP]:
    """The banner of a page: the highest classification and the most restrictive TLP among its records."""
    rank, tlp = 0, TLP.clear
    for audience in audiences:
        rank = max(rank, audience.classification_rank)
        tlp = max(tlp, TLP(audience.tlp), key=lambda t: t.rank)
    return classification_levels()[rank].name, tlp


def writer_audience(session: Session, actor: Actor, spec: MarkingIn, *, accreditation: Level, records: str) -> Audience:
    """The audience of a marking a writer puts on its records, owned by the writer's organisation: one the hub may
    hold and the writer is cleared for. ``records`` names them for a principal with no organisation, who is refused."""
    if actor.principal.organisation_id is None and not actor.principal.is_system:
        raise Forbidden(f"{records} are owned by an organisation: act as a user")
    marking = resolve_marking(session, spec, owner_organisation_id=actor.principal.organisation_id)
    rights.require_may_mark(actor, marking, accreditation)
    return audience_for(session, marking, accreditation=accreditation)
