"""Stateless, tamper-proof ``next`` cursors (TAXII 2.1 section 3.4.3): the position, the query it belongs to, and an
HMAC with the hub's secret key. Any worker process decodes them; they never expire and survive restarts."""

from __future__ import annotations

import base64
import hashlib
import hmac

import orjson

from liaison_hub.errors import HubError
from liaison_hub.intel.schemas import Position

TAG_BYTES = 16


class BadCursor(HubError):
    """A ``next`` value this hub did not issue for this query."""

    status = 400
    code = "bad_cursor"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(secret_key: str, body: bytes) -> bytes:
    return hmac.new(secret_key.encode(), body, hashlib.sha256).digest()[:TAG_BYTES]


def _scope_digest(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


def encode(position: Position, *, scope: str, secret_key: str) -> str:
    """A cursor for ``position`` valid only for the query described by ``scope``."""
    body = orjson.dumps([position.key, position.tiebreak, _scope_digest(scope)])
    return f"{_b64(body)}.{_b64(_tag(secret_key, body))}"


def decode(cursor: str, *, scope: str, secret_key: str) -> Position:
    """The position in a cursor; BadCursor if it was altered, forged or issued for another query."""
    try:
        body_text, _, tag_text = cursor.partition(".")
        body, tag = _unb64(body_text), _unb64(tag_text)
    except (ValueError, UnicodeEncodeError):
        raise BadCursor("the 'next' value is not one this server issued") from None
    if not hmac.compare_digest(tag, _tag(secret_key, body)):
        raise BadCursor("the 'next' value is not one this server issued")
    key, tiebreak, digest = orjson.loads(body)
    if digest != _scope_digest(scope):
        raise BadCursor("the 'next' value belongs to a different query (filters must stay the same while paging)")
    return Position(key=int(key), tiebreak=int(tiebreak))
