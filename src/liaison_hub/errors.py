"""Domain errors: each carries an HTTP status; every interface renders them once, in its own format."""

from __future__ import annotations


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
