"""Correlation: the index is filled as objects are stored; search and correlations show only readable records."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.intel.correlation import service
from liaison_hub.models.intel_correlation import IntelObservable
from tests.factories import principal
from tests.intel_extras.conftest import indicator, make_collection, sco, store


def test_index_is_filled_by_ingest_and_search_finds_every_form(session: Session) -> None:
    make_collection(session)
    objects = [
        indicator("[ipv4-addr:value = '198.51.100.7/32']", "bad host"),
        sco("ipv4-addr", "198.51.100.7"),
        indicator("[domain-name:value = 'Evil.Example.']", "bad domain"),
    ]
    result = store(session, "analyst-jp", objects)
    assert result.stored == 3
    assert session.scalar(select(func.count()).select_from(IntelObservable)) == 3
    found = service.search(session, principal(session, "analyst-au"), value="198.51.100.7")
    assert found.count == 2
    assert {r.stix_id for r in found.records} == {objects[0]["id"], objects[1]["id"]}
    assert service.search(session, principal(session, "analyst-au"), value="evil.EXAMPLE").count == 1
