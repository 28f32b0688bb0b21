"""A marking as given by a user or a client: TLP, classification, releasability, recipients, owner."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liaison_hub.policy.levels import TLP, parse_classification, parse_tlp


class Marking(BaseModel):
    """One marking. ``releasable_to`` holds nation codes and grouping codes (expanded at read time)."""

    model_config = ConfigDict(frozen=True)

    tlp: TLP = TLP.amber
    classification: str = "NU"
    releasable_to: tuple[str, ...] = ()
    recipients: tuple[int, ...] = Field(default=(), description="Organisation ids (RED, AMBER+STRICT).")
    owner_organisation_id: int | None = None

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
    def _releasable(cls, value: object) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        return tuple(sorted({str(item).strip().upper() for item in items if str(item).strip()}))

    @field_validator("recipients", mode="before")
    @classmethod
    def _recipients(cls, value: object) -> tuple[int, ...]:
        return tuple(sorted({int(item) for item in (value or [])}))  # type: ignore[attr-defined]

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
                ",".join(self.releasable_to),
                ",".join(str(r) for r in self.recipients),
            ]
        )

    def label(self) -> str:
        parts = [parse_classification(self.classification).name, self.tlp.label]
        if self.releasable_to:
            parts.append("REL TO " + ", ".join(self.releasable_to))
        return " // ".join(parts)
