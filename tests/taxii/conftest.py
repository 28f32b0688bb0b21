"""A live hub with one collection and tokens for principals of different nations and clearances."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from taxii2client.v21 import ApiRoot, Collection, Server

from liaison_hub.config import Settings
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.intel import service
from liaison_hub.intel.schemas import CollectionCreate, DefaultMarking
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Actor
from tests.conftest import Database, LiveServer
from tests.factories import make_token, principal

TAXII = "application/taxii+json;version=2.1"
USERS = ("admin", "analyst-jp", "analyst-au", "reader-kr", "analyst-be", "analyst-nz")
NS = parse_classification("NS")


@dataclass
class TaxiiHub:
    server: LiveServer
    database: Database
    settings: Settings
    collection: str
    tokens: dict[str, str]

    @property
    def discovery_url(self) -> str:
        return f"{self.server.url}/taxii2/"

    @property
    def root_url(self) -> str:
        return f"{self.server.url}/taxii2/{self.settings.taxii_api_root}/"

    @property
    def collection_url(self) -> str:
        return f"{self.root_url}collections/{self.collection}/"

    def taxii_server(self, username: str) -> Server:
        return Server(self.discovery_url, user=username, password=self.tokens[username])

    def api_root(self, username: str) -> ApiRoot:
        return ApiRoot(self.root_url, user=username, password=self.tokens[username])

    def taxii_collection(self, username: str) -> Collection:
        return Collection(self.collection_url, user=username, password=self.tokens[username])

    def http(self, username: str | None) -> httpx.Client:
        headers = {"Accept": TAXII}
        if username:
            headers["Authorization"] = f"Bearer {self.tokens[username]}"
        return httpx.Client(base_url=self.server.url, headers=headers, timeout=30)


def prepare(database: Database, *, alias: str = "shared") -> tuple[str, dict[str, str]]:
    """A collection (default AMBER releasable to ALLIANCE and AP4) and a token per user."""
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as session:
        admin = Actor(principal(session, "admin"), "test")
        collection = service.create_collection(
            session,
            admin,
            data=CollectionCreate(
                title="Shared intelligence",
                alias=alias,
                default_marking=DefaultMarking(tlp="amber", releasable_to=["ALLIANCE", "AP4"]),
            ),
            accreditation=NS,
        )
        tokens = {user: make_token(session, user) for user in USERS}
        taxii_id = collection.taxii_id
    engine.dispose()
    return taxii_id, tokens


@pytest.fixture
def taxii_hub(database: Database, tmp_path: Path) -> Iterator[TaxiiHub]:
    settings = database.settings(tmp_path, taxii_max_content_length=256 * 1024, taxii_max_page_size=50)
    collection, tokens = prepare(database)
    with LiveServer(settings) as server:
        yield TaxiiHub(server, database, settings, collection, tokens)
