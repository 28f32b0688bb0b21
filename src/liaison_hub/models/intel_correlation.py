"""Correlation index: the observable values each stored STIX version mentions, and the links sightings make.

Both tables are shareable: each row carries the audience of the version it was extracted from, so that a
correlation, a count or a sighting is filtered by ``policy.readable`` exactly like the object itself.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liaison_hub.models.base import Base
from liaison_hub.models.intel import RowId
from liaison_hub.models.policy import Shareable, register_shareable


class IntelObservable(Shareable, Base):
    """One normalised observable value (an address, a domain, a hash, ...) mentioned by one stored version.

    ``value_key`` is the SHA-256 of ``kind`` and ``value`` (its first 128 bits, in hex): a fixed-size index key,
    since URLs may be longer than a PostgreSQL b-tree entry allows. The lookup index is ordered by value, then
    record, so "which records mention this value" streams in record order and stops at its limit; an object's own
    values are found through ``object_row_id``. Few indexes, because every stored version writes rows here.
    """

    __tablename__ = "intel_observable"
    __table_args__ = (Index("ix_intel_observable_lookup", "value_key", "collection_id", "stix_id", "audience_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    object_row_id: Mapped[int] = mapped_column(ForeignKey("stix_object.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"))
    stix_id: Mapped[str] = mapped_column(String(300))
    object_type: Mapped[str] = mapped_column(String(250))
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    value_key: Mapped[str] = mapped_column(String(32))


register_shareable(IntelObservable.__tablename__)


class IntelSightingLink(Shareable, Base):
    """A reference from a stored ``sighting`` version to what it sighted (STIX 2.1 section 5.2): ``role`` is
    ``sighting_of`` (``sighting_of_ref``) or ``observed_data`` (``observed_data_refs``)."""

    __tablename__ = "intel_sighting_link"
    __table_args__ = (Index("ix_intel_sighting_link_target", "target_id", "audience_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    sighting_row_id: Mapped[int] = mapped_column(ForeignKey("stix_object.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"))
    sighting_id: Mapped[str] = mapped_column(String(300))
    target_id: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    count: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[int | None] = mapped_column(BigInteger)
    last_seen: Mapped[int | None] = mapped_column(BigInteger)


register_shareable(IntelSightingLink.__tablename__)
