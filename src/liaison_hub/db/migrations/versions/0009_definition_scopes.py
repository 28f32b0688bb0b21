"""marking-definitions are registered per scope: the hub's content-derived ones for everyone, any other for the
organisation that registered it

Existing registrations become: ``hub`` where the id is the one the hub derives from the definition's content;
otherwise one registration per organisation that stored the definition as an object (the owner of its stored
versions with the same digest), and ``system`` when only the hub's command line stored it.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

HUB_EXTENSION_ID = "extension-definition--b8622500-ccae-4d24-b8fa-1762cabda203"
HUB_MARKING_NAMESPACE = uuid.UUID("b8622500-ccae-4d24-b8fa-1762cabda203")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _derived_id(facets: dict[str, Any]) -> str:
    """``intel.markings.hub_marking_definition(facets)["id"]`` as of this revision."""
    extension: dict[str, Any] = {"extension_type": "property-extension"}
    if facets.get("classification") is not None:
        extension["classification"] = facets["classification"]
    if facets.get("releasable_to") is not None:
        extension["releasable_to"] = list(facets["releasable_to"])
    if facets.get("recipients"):
        extension["recipients"] = list(facets["recipients"])
    key = "|".join(f"{k}={extension[k]}" for k in sorted(extension))
    return f"marking-definition--{uuid.uuid5(HUB_MARKING_NAMESPACE, key)}"


def upgrade() -> None:
    connection = op.get_bind()
    definition = sa.table(
        "intel_marking_definition",
        sa.column("stix_id", sa.String),
        sa.column("kind", sa.String),
        sa.column("facets", sa.JSON),
        sa.column("digest", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    rows = connection.execute(sa.select(definition)).mappings().all()
    op.drop_table("intel_marking_definition")
    table = op.create_table(
        "intel_marking_definition",
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("facets", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stix_id", "scope", name=op.f("pk_intel_marking_definition")),
    )
    stored = sa.table(
        "stix_object",
        sa.column("stix_id", sa.String),
        sa.column("digest", sa.String),
        sa.column("audience_id", sa.Integer),
    )
    audience = sa.table("audience", sa.column("id", sa.Integer), sa.column("owner_organisation_id", sa.Integer))
    moved = []
    for row in rows:
        facets = _json(row["facets"])
        if row["kind"] == "hub" and row["stix_id"] == _derived_id(facets):
            moved.append({**row, "facets": facets, "scope": "hub"})
            continue
        owners = connection.execute(
            sa.select(audience.c.owner_organisation_id)
            .distinct()
            .join(stored, stored.c.audience_id == audience.c.id)
            .where(stored.c.stix_id == row["stix_id"], stored.c.digest == row["digest"])
        ).scalars()
        scopes = {f"org:{owner}" if owner is not None else "system" for owner in owners} or {"system"}
        moved += [{**row, "facets": facets, "scope": scope} for scope in sorted(scopes)]
    if moved:
        op.bulk_insert(table, moved)


def downgrade() -> None:
    raise NotImplementedError("marking-definition scopes cannot be merged back into one registry safely")
