"""Domain errors: each carries an HTTP status; every interface renders them once, in its own format."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError


class HubError(Exception):
    """Base of every error a user may see; ``message`` is safe to show."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class InvalidInput(HubError):
    status = 422
    code = "invalid_input"


class NotFound(HubError):
    """Raised for both missing and forbidden records, so an error never reveals that a record exists."""

    status = 404
    code = "not_found"


class Conflict(HubError):
    status = 409
    code = "conflict"


class Unauthenticated(HubError):
    status = 401
    code = "unauthenticated"

    def __init__(self, message: str = "Authentication required or credentials not valid.") -> None:
        super().__init__(message)


class Forbidden(HubError):
    status = 403
    code = "forbidden"


class AboveAccreditation(HubError):
    """A marking above the hub's accreditation ceiling: refused at the door."""

    status = 422
    code = "above_accreditation"


class OutdatedDatabase(HubError):
    status = 503
    code = "outdated_database"


Problem = tuple[str, str]
"""A field (in words, e.g. "participants #2 earliest") and what is wrong with it, in words a person can act on."""

_SIMPLE = {
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "date_parsing": "must be a date such as 2027-04-14",
    "date_from_datetime_parsing": "must be a date such as 2027-04-14",
    "date_from_datetime_inexact": "must be a date such as 2027-04-14, without a time",
    "date_type": "must be a date such as 2027-04-14",
    "time_parsing": "must be a time of day such as 08:30",
    "time_type": "must be a time of day such as 08:30",
    "datetime_parsing": "must be a date and time such as 2027-04-14T05:00:00Z",
    "datetime_from_date_parsing": "must be a date and time such as 2027-04-14T05:00:00Z",
    "datetime_type": "must be a date and time such as 2027-04-14T05:00:00Z",
    "extra_forbidden": "is not something this form or API takes",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object with named fields",
    "dict_type": "must be an object with named fields",
    "json_invalid": "is not valid JSON",
    "string_pattern_mismatch": "is not in the expected form",
    "url_parsing": "must be a web address",
    "timezone_aware": "must include a time zone offset, such as 2027-04-14T05:00:00Z",
    "timezone_naive": "must be given without a time zone offset",
}


def _plural(count: object, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    if kind == "string_too_short":
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else f"needs at least {_plural(ctx.get('min_length'), 'character')}"
        )
    if kind == "string_too_long":
        return f"may have at most {_plural(ctx.get('max_length'), 'character')}"
    if kind == "too_short":
        return f"needs at least {_plural(ctx.get('min_length'), 'entry').replace('entrys', 'entries')}"
    if kind == "too_long":
        return f"may have at most {_plural(ctx.get('max_length'), 'entry').replace('entrys', 'entries')}"
    bounds = {"greater_than_equal": ("ge", "or more"), "less_than_equal": ("le", "or less")}
    if kind in bounds:
        key, words = bounds[kind]
        return f"must be {ctx.get(key)} {words}"
    if kind in ("greater_than", "less_than"):
        return f"must be {'more' if kind == 'greater_than' else 'less'} than {ctx.get('gt', ctx.get('lt'))}"
    if kind in ("enum", "literal_error"):
        return f"must be one of {ctx.get('expected')}"
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ").removeprefix("Assertion failed, ")


def field_name(location: Iterable[object]) -> str:
    """A field's location in words: ``("participants", 1, "earliest")`` is "participants #2 earliest"."""
    parts = [f"#{part + 1}" if isinstance(part, int) else str(part).replace("_", " ") for part in location]
    return " ".join(parts)


def problems(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> list[Problem]:
    """Every problem of a validation, each naming its field (``skip`` drops leading parts such as "body")."""
    found = []
    for error in errors:
        location = list(error.get("loc", ()))[skip:]
        found.append((field_name(location) or "input", _message(error)))
    return found


def describe_validation(exc: ValidationError) -> str:
    """All of a validation's problems in one line: "title: must not be empty; due on: must be a date ..."."""
    return "; ".join(f"{field}: {message}" for field, message in problems(exc.errors()))


class InvalidFields(InvalidInput):
    """Input refused field by field: every problem at once, each naming its field."""

    def __init__(self, found: list[Problem]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in found))
        self.problems = found
