"""Form handling: HTML form fields validated by the same pydantic schemas as the JSON API."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Form
from pydantic import BaseModel, ValidationError

from liaison_hub.errors import InvalidInput

SchemaT = TypeVar("SchemaT", bound=BaseModel)

TextField = Annotated[str, Form(max_length=1000)]
"""A text field; empty when the browser leaves it out, so the schema, not the framework, says what is missing."""
ChoiceFields = Annotated[list[str] | None, Form()]
"""Checkboxes or a multiple select: every ticked value."""


def describe(exc: ValidationError) -> str:
    """A validation failure in words a person filling in the form understands."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "form"
        parts.append(f"{field.replace('_', ' ')}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def parse_form(schema: type[SchemaT], **fields: object) -> SchemaT:
    """Validate form fields with an API schema; problems become one InvalidInput (422) naming each field."""
    try:
        return schema.model_validate(fields)
    except ValidationError as exc:
        raise InvalidInput(describe(exc)) from None


def optional(value: str) -> str | None:
    """An empty form field means "not given"."""
    return value.strip() or None
