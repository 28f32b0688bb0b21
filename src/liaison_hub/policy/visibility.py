"""The audiences a principal may read, computed by ``visible_audiences`` once per change of what decides them and
handed to the busiest queries as one bound list: their plans then hold no access subquery to plan, nor to run for
every row. The same rule as ``readable``, evaluated ahead of time.

What decides a principal's set: the principal (``policy_key``), the audiences (never changed nor deleted, so their
number tells when one is added) and the directory's grouping membership (``PolicyState.version``, bumped by every
change of it). Both are read on every use, so a set computed by any process is used only while it is still right.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from liaison_hub.db.types import IdList, in_ids
from liaison_hub.models import Audience, PolicyState
from liaison_hub.policy.audiences import AUDIENCES_MADE, database_of
from liaison_hub.policy.filter import PolicyKey, policy_key, visible_audiences
from liaison_hub.policy.principal import Principal

S = TypeVar("S", bound=Select[*tuple[Any, ...]])
VISIBLE = "visible_audiences"
"""The name of the bound parameter ``readable_bound`` filters on; ``visible_ids`` gives its value."""
_VISIBLE = bindparam(VISIBLE, type_=IdList())
STAMP_COLUMNS = (select(func.count(Audience.id)).scalar_subquery(), select(PolicyState.version).scalar_subquery())
"""What tells whether a computed set is still right; a caller may select them along with its own columns and hand
them over with ``note_stamp`` (one round trip fewer)."""
_STAMP = select(*STAMP_COLUMNS)
_NOTED = "policy.stamp"
_CACHE_SIZE = 1024

Stamp = tuple[int, int | None]
_cache: OrderedDict[tuple[str, PolicyKey], tuple[Stamp, list[int]]] = OrderedDict()
_lock = Lock()


def readable_bound(stmt: S, entity: Any) -> S:
    """``readable`` for statements built once and run with ``visible_ids`` bound as ``VISIBLE``: a statement run
    without that value fails, it never falls open."""
    return stmt.where(in_ids(entity.audience_id, _VISIBLE))


def visible_ids(session: Session, principal: Principal) -> list[int]:
    """The ids of the audiences the principal may read now; computed again only when an audience was added or the
    directory's membership changed since. A transaction that has made audiences itself neither uses nor fills the
    cache: what it sees is not yet (and may never be) what others see."""
    if session.info.get(AUDIENCES_MADE):
        return sorted(session.scalars(visible_audiences(principal)))
    noted = session.info.pop(_NOTED, None)
    stamp_row = noted if noted is not None else session.connection().execute(_STAMP).one()
    stamp: Stamp = (int(stamp_row[0]), stamp_row[1])
    key = (database_of(session), policy_key(principal))
    with _lock:
        found = _cache.get(key)
        if found is not None and found[0] == stamp:
            _cache.move_to_end(key)
            return found[1]
    ids = sorted(session.scalars(visible_audiences(principal)))
    with _lock:
        _cache[key] = (stamp, ids)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return ids


def note_stamp(session: Session, audiences: int, version: int | None) -> None:
    """The stamp, read by the caller in this transaction just before the statement that needs ``visible_ids``."""
    session.info[_NOTED] = (audiences, version)


def membership_changed(session: Session) -> None:
    """Note a change of who existing audiences admit (grouping members, alliance membership), in the caller's
    transaction: every principal's set is computed again once it commits."""
    session.info.pop(_NOTED, None)
    bumped = session.execute(update(PolicyState).where(PolicyState.id == 1).values(version=PolicyState.version + 1))
    if not getattr(bumped, "rowcount", 0):
        session.add(PolicyState(id=1, version=1))
        session.flush()
