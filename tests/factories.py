"""Small typed factories for tests: tokens and principals of the demo office, and new directory rows."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.directory import repository as repo
from liaison_hub.directory import service
from liaison_hub.directory.auth import principal_for
from liaison_hub.directory.schemas import OrganisationCreate, TokenCreate, UserCreate
from liaison_hub.intel import service as intel
from liaison_hub.intel.schemas import CollectionCreate
from liaison_hub.models import Organisation, User
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Actor, Principal, Role, Scope
from tests.conftest import SYSTEM_ACTOR, TEST_SECRET, Database


def make_token(session: Session, username: str, *scopes: Scope, expires_in_days: int | None = 30) -> str:
    """A token for a user; by default with every scope the user's roles allow."""
    account = service.user(session, username)
    wanted = list(scopes) or sorted(service.allowed_scopes(account.roles))
    _, token = service.create_token(
        session,
        SYSTEM_ACTOR,
        username=username,
        secret_key=TEST_SECRET,
        data=TokenCreate(name="test", scopes=wanted, expires_in_days=expires_in_days),
    )
    return token


def principal(session: Session, username: str, accreditation: str = "NS") -> Principal:
    account = service.user(session, username)
    return principal_for(
        account,
        scopes=service.allowed_scopes(account.roles),
        accreditation=parse_classification(accreditation),
        kind="test",
    )


def make_organisation(session: Session, short_name: str, nation_code: str | None) -> Organisation:
    return service.create_organisation(
        session,
        SYSTEM_ACTOR,
        data=OrganisationCreate(name=f"Organisation {short_name}", short_name=short_name, nation_code=nation_code),
    )


def make_user(session: Session, username: str, organisation: str, *roles: Role, clearance: str = "NR") -> User:
    return service.create_user(
        session,
        SYSTEM_ACTOR,
        data=UserCreate(
            username=username,
            display_name=username.title(),
            organisation=organisation,
            roles=list(roles) or [Role.reader],
            clearance=clearance,
            password="a-long-test-password",
        ),
    )


def organisation_id(session: Session, short_name: str) -> int:
    org = repo.get_organisation(session, short_name)
    assert org is not None
    return org.id


def threaded_collection(database: Database, title: str) -> tuple[Engine, sessionmaker[Session], str]:
    """An engine and session factory of their own on the test database (for tests whose threads each open
    sessions, as server processes would) and a new empty collection made by the admin; its TAXII id."""
    engine = create_db_engine(database.url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        admin = Actor(principal(session, "admin"), "test")
        data = CollectionCreate(title=title, with_definitions=False)
        collection = intel.create_collection(session, admin, data=data, accreditation=parse_classification("NS"))
    return engine, factory, collection.taxii_id
