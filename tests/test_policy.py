"""The visibility rule of DESIGN.md, branch by branch, against the SQL filter and the reference; grouping and
nation changes take effect at once."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.directory import repository as repo
from liaison_hub.directory import service
from liaison_hub.directory.schemas import GroupingCreate, GroupingUpdate, NationStatus
from liaison_hub.errors import InvalidInput
from liaison_hub.models import Audience
from liaison_hub.policy import (
    ANONYMOUS,
    Marking,
    Principal,
    Role,
    Scope,
    audience_for,
    parse_classification,
    policy_key,
    visible_audiences,
)
from liaison_hub.policy.reference import DirectoryView, may_read
from tests.conftest import SYSTEM_ACTOR, Database
from tests.factories import organisation_id, principal

NS = parse_classification("NS")


class Case(NamedTuple):
    tlp: str
    classification: str
    releasable_to: tuple[str, ...] | None  # None: unset; (): the owner's nation only
    recipients: tuple[str, ...]
    owner: str
    reader: str
    expected: bool
    owner_only: bool = False


CASES = {
    "clearance below the classification hides it even from the owner": Case(
        "amber", "NS", None, (), "JPN-NCC", "analyst-jp", False
    ),
    "clearance equal to the classification suffices": Case("amber", "NC", ("JPN",), (), "JPN-MOFA", "analyst-jp", True),
    "the owner sees its own record with empty releasability": Case(
        "amber", "NU", (), (), "AUS-CSC", "analyst-au", True
    ),
    "the owner sees its own RED record without being a recipient": Case(
        "red", "NU", None, ("JPN-NCC",), "AUS-CSC", "analyst-au", True
    ),
    "CLEAR is read by anonymous readers": Case("clear", "NU", None, (), "JPN-NCC", "anonymous", True),
    "CLEAR above NU is not read by anonymous readers": Case("clear", "NR", None, (), "JPN-NCC", "anonymous", False),
    "CLEAR with releasability is not read by anonymous readers": Case(
        "clear", "NU", ("JPN",), (), "JPN-NCC", "anonymous", False
    ),
    "CLEAR REL TO a nation reaches that nation": Case("clear", "NU", ("JPN",), (), "JPN-MOFA", "analyst-jp", True),
    "CLEAR REL TO a nation does not reach another nation": Case(
        "clear", "NU", ("JPN",), (), "JPN-NCC", "analyst-be", False
    ),
    "CLEAR with empty releasability stays in the owner's nation": Case(
        "clear", "NU", (), (), "JPN-NCC", "analyst-be", False
    ),
    "GREEN without releasability reaches any principal of the hub": Case(
        "green", "NU", None, (), "JPN-NCC", "reader-kr", True
    ),
    "GREEN without releasability is not for anonymous readers": Case(
        "green", "NU", None, (), "JPN-NCC", "anonymous", False
    ),
    "GREEN with empty releasability reaches the owner's nation": Case(
        "green", "NU", (), (), "JPN-MOFA", "analyst-jp", True
    ),
    "GREEN with empty releasability does not reach another nation": Case(
        "green", "NU", (), (), "JPN-NCC", "reader-kr", False
    ),
    "GREEN REL TO AP4 reaches an AP4 nation": Case("green", "NU", ("AP4",), (), "JPN-NCC", "reader-kr", True),
    "GREEN REL TO AP4 does not reach a nation outside it": Case(
        "green", "NU", ("AP4",), (), "JPN-NCC", "analyst-be", False
    ),
    "GREEN REL TO a nation does not reach an alliance body": Case(
        "green", "NU", ("JPN",), (), "JPN-NCC", "liaison", False
    ),
    "AMBER REL TO a nation reaches that nation's other organisations": Case(
        "amber", "NU", ("JPN",), (), "JPN-MOFA", "analyst-jp", True
    ),
    "AMBER REL TO a nation does not reach another nation": Case(
        "amber", "NU", ("JPN",), (), "JPN-MOFA", "analyst-au", False
    ),
    "AMBER without releasability reaches the owner's nation": Case(
        "amber", "NU", None, (), "JPN-MOFA", "analyst-jp", True
    ),
    "AMBER without releasability does not reach another nation": Case(
        "amber", "NU", None, (), "JPN-MOFA", "analyst-au", False
    ),
    "AMBER with empty releasability reaches the owner's nation": Case(
        "amber", "NU", (), (), "JPN-MOFA", "analyst-jp", True
    ),
    "AMBER with empty releasability does not reach another nation": Case(
        "amber", "NU", (), (), "JPN-MOFA", "analyst-au", False
    ),
    "AMBER with empty releasability of an alliance body stays with its owner": Case(
        "amber", "NU", (), (), "HQ", "liaison", False
    ),
    "AMBER REL TO ALLIANCE reaches a member nation": Case(
        "amber", "NU", ("ALLIANCE",), (), "JPN-NCC", "analyst-be", True
    ),
    "AMBER REL TO ALLIANCE does not reach a partner nation": Case(
        "amber", "NU", ("ALLIANCE",), (), "JPN-NCC", "reader-kr", False
    ),
    "AMBER REL TO ALLIANCE reaches an alliance body": Case(
        "amber", "NU", ("ALLIANCE",), (), "JPN-NCC", "liaison", True
    ),
    "AMBER REL TO AP4 does not reach an alliance body": Case("amber", "NU", ("AP4",), (), "JPN-NCC", "liaison", False),
    "AMBER REL TO a nation and a grouping reaches both": Case(
        "amber", "NU", ("AP4", "BEL"), (), "JPN-NCC", "analyst-be", True
    ),
    "AMBER+STRICT without recipients behaves as AMBER": Case(
        "amber+strict", "NU", ("AP4",), (), "JPN-NCC", "reader-kr", True
    ),
    "AMBER+STRICT reaches a named recipient within releasability": Case(
        "amber+strict", "NU", ("AP4",), ("AUS-CSC",), "JPN-NCC", "analyst-au", True
    ),
    "AMBER+STRICT does not reach an unnamed organisation within releasability": Case(
        "amber+strict", "NU", ("AP4",), ("AUS-CSC",), "JPN-NCC", "analyst-nz", False
    ),
    "AMBER+STRICT does not reach a named recipient outside releasability": Case(
        "amber+strict", "NU", ("JPN",), ("AUS-CSC",), "JPN-NCC", "analyst-au", False
    ),
    "RED reaches a named recipient": Case("red", "NU", None, ("AUS-CSC",), "JPN-NCC", "analyst-au", True),
    "RED does not reach a releasable nation that is not a recipient": Case(
        "red", "NU", ("JPN",), ("AUS-CSC",), "JPN-MOFA", "analyst-jp", False
    ),
    "RED REL TO a nation does not reach a recipient outside it": Case(
        "red", "NU", ("JPN",), ("AUS-CSC",), "JPN-MOFA", "analyst-au", False
    ),
    "RED needs the recipient's clearance too": Case("red", "NC", None, ("AUS-CSC",), "JPN-NCC", "analyst-au", False),
    "RED is never read anonymously": Case("red", "NU", None, ("AUS-CSC",), "JPN-NCC", "anonymous", False),
    "RED reaches an alliance body named as recipient": Case("red", "NU", None, ("LO-TYO",), "JPN-NCC", "liaison", True),
    "owner-only does not reach the owner's nation": Case(
        "green", "NU", None, (), "JPN-MOFA", "analyst-jp", False, owner_only=True
    ),
    "owner-only does not reach a named recipient": Case(
        "amber+strict", "NU", None, ("AUS-CSC",), "JPN-NCC", "analyst-au", False, owner_only=True
    ),
    "owner-only reaches the owner": Case("clear", "NU", None, (), "JPN-NCC", "analyst-jp", True, owner_only=True),
    "owner-only CLEAR is not read by anonymous readers": Case(
        "clear", "NU", None, (), "JPN-NCC", "anonymous", False, owner_only=True
    ),
}


def store(session: Session, marking: Marking) -> int:
    return audience_for(session, marking, accreditation=NS).id


def sql_allows(session: Session, audience_id: int, reader: Principal) -> bool:
    """Whether the SQL filter lets ``reader`` see the audience."""
    stmt = select(Audience.id).where(Audience.id == audience_id, Audience.id.in_(visible_audiences(reader)))
    return session.scalar(stmt) is not None


def directory_view(session: Session) -> DirectoryView:
    nations = {org.id: org.nation_code for org in repo.list_organisations(session)}
    return DirectoryView(grouping_members=repo.grouping_members(session), organisation_nation=nations)


def reader_named(session: Session, username: str) -> Principal:
    return ANONYMOUS if username == "anonymous" else principal(session, username)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_visibility_rule_branch(session: Session, case: Case) -> None:
    marking = Marking(
        tlp=case.tlp,
        classification=case.classification,
        releasable_to=case.releasable_to,
        recipients=tuple(organisation_id(session, name) for name in case.recipients),
        owner_organisation_id=organisation_id(session, case.owner),
        owner_only=case.owner_only,
    )
    audience_id = store(session, marking)
    reader = reader_named(session, case.reader)
    assert sql_allows(session, audience_id, reader) is case.expected
    assert may_read(marking, reader, directory_view(session)) is case.expected


def test_clearance_is_capped_at_the_hubs_accreditation(session: Session) -> None:
    audience_id = store(session, Marking(tlp="clear", classification="NC"))
    assert sql_allows(session, audience_id, principal(session, "liaison", accreditation="NS"))
    assert not sql_allows(session, audience_id, principal(session, "liaison", accreditation="NR"))


def test_equal_markings_share_one_audience(session: Session) -> None:
    owner = organisation_id(session, "JPN-NCC")
    first = store(session, Marking(tlp="amber", releasable_to=("jpn", "AP4"), owner_organisation_id=owner))
    second = store(session, Marking(tlp="AMBER", releasable_to=("AP4", "JPN", "AP4"), owner_organisation_id=owner))
    other = store(session, Marking(tlp="amber", releasable_to=("AP4",), owner_organisation_id=owner))
    assert first == second
    assert other != first


def test_grouping_membership_change_takes_effect_at_once(session: Session) -> None:
    audience_id = store(
        session, Marking(tlp="amber", releasable_to=("AP4",), owner_organisation_id=organisation_id(session, "JPN-NCC"))
    )
    belgian = principal(session, "analyst-be")
    assert not sql_allows(session, audience_id, belgian)
    service.change_grouping_members(session, SYSTEM_ACTOR, code="AP4", add=["BEL"])
    assert sql_allows(session, audience_id, belgian)
    service.change_grouping_members(session, SYSTEM_ACTOR, code="AP4", remove=["BEL"])
    assert not sql_allows(session, audience_id, belgian)
    service.update_grouping(session, SYSTEM_ACTOR, code="AP4", data=GroupingUpdate(members=["BEL", "JPN"]))
    assert sql_allows(session, audience_id, belgian)
    assert not sql_allows(session, audience_id, principal(session, "analyst-au"))


def test_membership_change_committed_by_another_session_is_seen_at_once(database: Database, session: Session) -> None:
    owner = organisation_id(session, "JPN-NCC")
    with pytest.raises(InvalidInput, match="PACIFIC"):
        store(session, Marking(tlp="green", releasable_to=("PACIFIC",), owner_organisation_id=owner))
    service.create_grouping(session, SYSTEM_ACTOR, data=GroupingCreate(code="PACIFIC", name="Pacific", members=[]))
    audience_id = store(session, Marking(tlp="green", releasable_to=("PACIFIC",), owner_organisation_id=owner))
    kiwi = principal(session, "analyst-nz")
    assert not sql_allows(session, audience_id, kiwi)
    session.commit()  # on SQLite every transaction holds the write lock (BEGIN IMMEDIATE); let the other one in
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as other:
        service.change_grouping_members(other, SYSTEM_ACTOR, code="PACIFIC", add=["NZL"])
    engine.dispose()
    assert sql_allows(session, audience_id, kiwi)


def test_nation_joining_the_alliance_sees_alliance_records(session: Session) -> None:
    audience_id = store(
        session,
        Marking(tlp="amber", releasable_to=("ALLIANCE",), owner_organisation_id=organisation_id(session, "BEL-CCB")),
    )
    japanese = principal(session, "analyst-jp")
    assert not sql_allows(session, audience_id, japanese)
    service.set_nation_status(session, SYSTEM_ACTOR, code="JPN", status=NationStatus.member)
    assert sql_allows(session, audience_id, japanese)
    service.set_nation_status(session, SYSTEM_ACTOR, code="JPN", status=NationStatus.partner)
    assert not sql_allows(session, audience_id, japanese)


def test_concurrent_first_use_of_a_marking_makes_one_audience(database: Database) -> None:
    """Writer A stores a new marking and holds its transaction; writer B stores the same marking meanwhile and
    must end up with A's audience, not an error or a second copy."""
    engine = create_db_engine(database.url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        marking = Marking(
            tlp="amber", releasable_to=("AP4", "BEL"), owner_organisation_id=organisation_id(session, "HQ")
        )
    a_stored, ids = threading.Event(), dict[str, int]()

    def writer_a() -> None:
        with session_scope(factory) as session:
            ids["a"] = store(session, marking)
            a_stored.set()
            time.sleep(0.5)

    def writer_b() -> None:
        assert a_stored.wait(10)
        with session_scope(factory) as session:
            ids["b"] = store(session, marking)

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    engine.dispose()
    assert ids.get("a") is not None
    assert ids.get("a") == ids.get("b")


def _filter_sql(p: Principal) -> str:
    return str(visible_audiences(p).compile(compile_kwargs={"literal_binds": True}))


principals = st.builds(
    Principal,
    username=st.sampled_from(["a", "b"]),
    user_id=st.one_of(st.none(), st.integers(1, 3)),
    organisation_id=st.one_of(st.none(), st.integers(1, 3)),
    nation_code=st.one_of(st.none(), st.sampled_from(["JPN", "KOR", "BEL"])),
    clearance_rank=st.integers(0, 4),
    roles=st.frozensets(st.sampled_from(list(Role))),
    scopes=st.frozensets(st.sampled_from(list(Scope))),
    kind=st.sampled_from(["session", "token", "anonymous", "system", "peer"]),
)


@settings(max_examples=200, deadline=None)
@given(principals, principals)
def test_principals_with_equal_policy_keys_get_the_same_access_filter(first: Principal, other: Principal) -> None:
    """Page statements are cached by ``policy_key``: two principals that differ only outside it must get the very
    same filter (a field that the filter reads but the key lacks would make this fail)."""
    same_kind = (other.is_anonymous, other.is_system) == (first.is_anonymous, first.is_system)
    kind = other.kind if same_kind else first.kind
    second = replace(first, username=other.username, user_id=other.user_id, roles=other.roles, scopes=other.scopes)
    second = replace(second, kind=kind)
    assert policy_key(first) == policy_key(second)
    assert _filter_sql(first) == _filter_sql(second)


@pytest.mark.parametrize(
    "change",
    [{"organisation_id": 2}, {"nation_code": "JPN"}, {"clearance_rank": 1}, {"kind": "anonymous"}, {"kind": "system"}],
    ids=lambda c: next(iter(c)),
)
def test_each_field_of_the_policy_key_changes_the_access_filter(change: dict[str, object]) -> None:
    base = Principal("x", 1, 1, "KOR", 3, kind="token")
    changed = replace(base, **change)  # type: ignore[arg-type]
    assert policy_key(changed) != policy_key(base)
    assert _filter_sql(changed) != _filter_sql(base)
