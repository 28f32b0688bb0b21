"""What correlation and sighting services give: records, values with their correlations, sightings (no tables)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from liaison_hub.policy.schemas import MarkingRead


class RecordRead(BaseModel):
    """One object in one collection, as a correlation or a sighting names it."""

    collection: str = Field(description="The collection's alias, or its TAXII id when it has none.")
    collection_title: str
    stix_id: str
    type: str
    name: str | None = None
    marking: MarkingRead
    audience_id: int = Field(exclude=True)


class ObservableRead(BaseModel):
    kind: str = Field(examples=["ipv4-addr", "domain-name", "SHA-256"])
    value: str


class ValueCorrelation(BaseModel):
    """One value an object mentions and the other records, among those the reader may read, that mention it.

    ``count`` counts readable records mentioning the value, this one included, up to ``limit + 1``; above the
    limit the value is ``over_correlating`` and ``records`` is left empty."""

    kind: str
    value: str
    count: int
    over_correlating: bool
    records: list[RecordRead]


class ObjectCorrelations(BaseModel):
    stix_id: str
    collection: str
    limit: int = Field(description="Values mentioned by more readable records than this stop correlating.")
    values: list[ValueCorrelation]
    truncated: bool = Field(default=False, description="The object mentions more values than are listed.")


class SearchResult(BaseModel):
    """Which readable records mention a value (in any of the forms it may take)."""

    query: str
    values: list[ObservableRead]
    count: int = Field(description="Readable records mentioning the value; records you may not read never count.")
    over_correlating: bool
    limit: int
    records: list[RecordRead]


class SightingRead(BaseModel):
    """A sighting (STIX 2.1 section 5.2) of an object, or of observed data about it."""

    sighting: RecordRead
    role: str = Field(description="'sighting_of' (sighting_of_ref) or 'observed_data' (observed_data_refs).")
    count: int | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    where_sighted: list[str] = Field(default_factory=list, description="Names of readable identities or locations.")
