"""Engine, sessions, SQLite pragmas, portable column types and migrations: the only place for dialect specifics."""

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.types import JSONDocument, UTCDateTime, utcnow

__all__ = [
    "JSONDocument",
    "UTCDateTime",
    "create_db_engine",
    "make_session_factory",
    "session_scope",
    "utcnow",
]
