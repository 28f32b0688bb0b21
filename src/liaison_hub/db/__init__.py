"""Engine, sessions, SQLite pragmas, portable column types and migrations: the only place for dialect specifics.

Names are loaded on first use (PEP 562), so that importing one module of this package (the command line's
``--help``) does not load SQLAlchemy's ORM.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
    from liaison_hub.db.types import JSONDocument, UTCDateTime, utcnow

_WHERE = {
    "create_db_engine": "liaison_hub.db.engine",
    "make_session_factory": "liaison_hub.db.engine",
    "session_scope": "liaison_hub.db.engine",
    "JSONDocument": "liaison_hub.db.types",
    "UTCDateTime": "liaison_hub.db.types",
    "utcnow": "liaison_hub.db.types",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)


__all__ = [
    "JSONDocument",
    "UTCDateTime",
    "create_db_engine",
    "make_session_factory",
    "session_scope",
    "utcnow",
]
