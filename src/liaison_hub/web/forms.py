"""Form handling: HTML form fields validated by the same pydantic schemas as the JSON API."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Form
from pydantic import BaseModel, ValidationError

from liaison_hub.errors import HubError, InvalidFields, problems

SchemaT = TypeVar("SchemaT", bound=BaseModel)

TextField = Annotated[str, Form(max_length=1000)]
"""A text field; empty when the browser leaves it out, so the schema, not the framework, says what is missing."""
ChoiceFields = Annotated[list[str] | None, Form()]
"""Checkboxes or a multiple select: every ticked value."""


def parse_form(schema: type[SchemaT], **fields: object) -> SchemaT:
    """Validate form fields with an API schema; every problem at once, each naming its field (InvalidFields, 422)."""
    try:
        return schema.model_validate(fields)
    except ValidationError as exc:
        raise InvalidFields(problems(exc.errors())) from None


def form_problems(error: HubError | None) -> list[tuple[str, str]]:
    """What a refused form shows above its fields: each field's problem, or the service's one message."""
    if error is None:
        return []
    found: list[tuple[str, str]] = getattr(error, "problems", [])
    return found or [("", error.message)]


def optional(value: str) -> str | None:
    """An empty form field means "not given"."""
    return value.strip() or None


def comma_list(text: str) -> list[str]:
    """A comma-separated field (nation codes, organisation short names) as its non-empty items."""
    return [part.strip() for part in text.split(",") if part.strip()]
