"""Reference data every hub has (nations, ALLIANCE, AP4) and the demo directory of a liaison office."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.directory import repository as repo
from liaison_hub.directory import service
from liaison_hub.directory.schemas import GroupingCreate, OrganisationCreate, TokenCreate, UserCreate
from liaison_hub.models import Nation
from liaison_hub.policy.principal import Actor, Role, Scope

# The alliance's 32 members and the Indo-Pacific partners (ISO 3166-1 alpha-3), as of 2024.
ALLIANCE_MEMBERS = [
    "ALB",
    "BEL",
    "BGR",
    "CAN",
    "HRV",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "ISL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MNE",
    "NLD",
    "MKD",
    "NOR",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
    "TUR",
    "GBR",
    "USA",
]
AP4 = ("AUS", "JPN", "KOR", "NZL")
DEMO_PASSWORD = "liaison-demo-2026"


def seed_reference_data(session: Session, actor: Actor) -> bool:
    """Load nations and the standard groupings once; returns False when they were already there."""
    if session.scalar(select(Nation.code).limit(1)) is not None:
        return False
    members, partners = set(ALLIANCE_MEMBERS), set(AP4)
    session.add_all(
        Nation(
            code=country.alpha_3,
            name=getattr(country, "common_name", None) or country.name,
            status="member" if country.alpha_3 in members else "partner" if country.alpha_3 in partners else "none",
        )
        for country in pycountry.countries
    )
    session.flush()
    service.create_grouping(
        session,
        actor,
        data=GroupingCreate(code="ALLIANCE", name="The alliance (all member nations)", members=list(ALLIANCE_MEMBERS)),
    )
    service.create_grouping(
        session,
        actor,
        data=GroupingCreate(
            code="AP4",
            name="Indo-Pacific partners (Australia, Japan, Republic of Korea, New Zealand)",
            members=list(AP4),
        ),
    )
    return True


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    organisation: str
    roles: tuple[Role, ...]
    clearance: str
    timezone: str


DEMO_ORGANISATIONS = (
    OrganisationCreate(name="Alliance Headquarters", short_name="HQ", nation_code=None),
    OrganisationCreate(name="Alliance Liaison Office Tokyo", short_name="LO-TYO", nation_code=None),
    OrganisationCreate(name="Japan Ministry of Foreign Affairs", short_name="JPN-MOFA", nation_code="JPN"),
    OrganisationCreate(name="Japan National Cyber Coordination Centre", short_name="JPN-NCC", nation_code="JPN"),
    OrganisationCreate(name="Australian Cyber Security Centre", short_name="AUS-CSC", nation_code="AUS"),
    OrganisationCreate(name="Korea National Cyber Security Center", short_name="KOR-NCSC", nation_code="KOR"),
    OrganisationCreate(name="New Zealand National Cyber Security Centre", short_name="NZL-NCSC", nation_code="NZL"),
    OrganisationCreate(name="Belgian Centre for Cybersecurity", short_name="BEL-CCB", nation_code="BEL"),
)

DEMO_USERS = (
    DemoUser("admin", "Hub Administrator", "HQ", (Role.admin,), "NS", "Europe/Brussels"),
    DemoUser("liaison", "Akiko Liaison", "LO-TYO", (Role.liaison_officer,), "NS", "Asia/Tokyo"),
    DemoUser("analyst-jp", "Kenji Analyst", "JPN-NCC", (Role.analyst,), "NC", "Asia/Tokyo"),
    DemoUser("analyst-au", "Olivia Analyst", "AUS-CSC", (Role.analyst,), "NR", "Australia/Sydney"),
    DemoUser("reader-kr", "Min-jun Reader", "KOR-NCSC", (Role.reader,), "NU", "Asia/Seoul"),
    DemoUser("analyst-nz", "Aroha Analyst", "NZL-NCSC", (Role.analyst,), "NR", "Pacific/Auckland"),
    DemoUser("analyst-be", "Lotte Analyst", "BEL-CCB", (Role.analyst,), "NC", "Europe/Brussels"),
)


DEMO_TOKEN_NAME = "demo TAXII client"


def seed_demo(session: Session, actor: Actor, *, secret_key: str) -> str:
    """Create the demo office (the first time) and return a fresh API token for the demo analyst."""
    if repo.get_user(session, "admin") is None:
        for org in DEMO_ORGANISATIONS:
            service.create_organisation(session, actor, data=org)
        for person in DEMO_USERS:
            service.create_user(
                session,
                actor,
                data=UserCreate(
                    username=person.username,
                    display_name=person.display_name,
                    organisation=person.organisation,
                    roles=list(person.roles),
                    clearance=person.clearance,
                    timezone=person.timezone,
                    password=DEMO_PASSWORD,
                ),
            )
    return demo_token(session, actor, secret_key=secret_key)


def demo_token(session: Session, actor: Actor, *, secret_key: str) -> str:
    """Revoke the previous demo token and make a new one, so every demo start prints a working credential."""
    analyst = service.user(session, "analyst-jp")
    for old in repo.list_tokens(session, analyst.id):
        if old.name == DEMO_TOKEN_NAME and old.revoked_at is None:
            service.revoke_token(session, actor, token_id=old.id)
    _, token = service.create_token(
        session,
        actor,
        username="analyst-jp",
        data=TokenCreate(name=DEMO_TOKEN_NAME, scopes=[Scope.read, Scope.write], expires_in_days=30),
        secret_key=secret_key,
    )
    return token
