"""A marking as given by a user or a client: TLP, classification, releasability, recipients, owner."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from liaison_hub.policy.levels import TLP, parse_classification, parse_tlp

UNSET = "*"
"""How an unset ``releasable_to`` is written in a marking's key (a code is never ``*``)."""


class Marking(BaseModel):
    """One marking. ``releasable_to`` holds nation codes and grouping codes (expanded at read time) and has three
    meanings that are never conflated: ``None`` (no releasability restriction: TLP alone decides), a list, and the
    empty list (the owner's nation only). ``owner_only`` is a fourth, stricter value: nobody beyond the owner
    organisation (what disjoint markings leave when they are combined)."""

    model_config = ConfigDict(frozen=True)

    tlp: TLP = TLP.amber
    classification: str = "NU"
    releasable_to: tuple[str, ...] | None = None
    recipients: tuple[int, ...] = Field(default=(), description="Organisation ids (RED, AMBER+STRICT).")
    owner_organisation_id: int | None = None
    owner_only: bool = False

    @field_validator("tlp", mode="before")
    @classmethod
    def _tlp(cls, value: object) -> TLP:
        return value if isinstance(value, TLP) else parse_tlp(str(value))

    @field_validator("classification", mode="before")
    @classmethod
    def _classification(cls, value: object) -> str:
        return parse_classification(str(value)).code

    @field_validator("releasable_to", mode="before")
    @classmethod
    def _releasable(cls, value: object) -> tuple[str, ...] | None:
        if value is None:
            return None
        items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        return tuple(sorted({str(item).strip().upper() for item in items if str(item).strip()}))

    @field_validator("recipients", mode="before")
    @classmethod
    def _recipients(cls, value: object) -> tuple[int, ...]:
        return tuple(sorted({int(item) for item in (value or [])}))  # type: ignore[attr-defined]

    @model_validator(mode="after")
    def _no_code_named_unset(self) -> Marking:
        if self.releasable_to is not None and UNSET in self.releasable_to:
            raise ValueError(f"{UNSET!r} is not a nation or grouping code")
        return self

    @property
    def classification_rank(self) -> int:
        return parse_classification(self.classification).rank

    def key(self) -> str:
        """Canonical text of this marking; equal markings share one audience."""
        return "|".join(
            [
                self.tlp.value,
                self.classification,
                str(self.owner_organisation_id or ""),
                UNSET if self.releasable_to is None else ",".join(self.releasable_to),
                ",".join(str(r) for r in self.recipients),
                "owner-only" if self.owner_only else "",
            ]
        )

    def label(self) -> str:
        return label(self.classification, self.tlp, self.releasable_to, owner_only=self.owner_only)


def label(classification: str, tlp: TLP | str, releasable_to: tuple[str, ...] | None, *, owner_only: bool) -> str:
    """The marking as a banner line: ``NATO RESTRICTED // TLP:AMBER // REL TO ALLIANCE, AP4``."""
    parts = [parse_classification(classification).name, TLP(tlp).label]
    if owner_only:
        parts.append("OWNER ONLY")
    elif releasable_to is not None:
        parts.append("REL TO " + ", ".join(releasable_to) if releasable_to else "OWNER'S NATION ONLY")
    return " // ".join(parts)
