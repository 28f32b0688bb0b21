"""releasability: unset, the empty list (owner's nation) and owner-only are distinct values

Until now an empty ``releasable_to`` meant "no restriction" for TLP:GREEN and "the owner's nation" for AMBER; both
read the same as an unset releasability does now, so every existing empty list becomes unset (nobody gains or
loses access). Audience keys are recomputed in the new form; collection defaults with an empty list become unset.

Revision ID: 0006
Revises: 0003, 0005 (joins the consultations and intel branches)
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = ("0003", "0005")
branch_labels = None
depends_on = None


def _key(tlp: str, classification: str, owner: int | None, releasable: list[str] | None, recipients: list[int]) -> str:
    """``policy.Marking.key`` as of this revision (the owner-only flag is never set on existing rows)."""
    text = "|".join(
        [
            tlp,
            classification,
            str(owner or ""),
            "*" if releasable is None else ",".join(sorted(releasable)),
            ",".join(str(r) for r in sorted(recipients)),
            "",
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild: on SQLite a rebuild of a table others refer to fails once rows exist).
    op.add_column("audience", sa.Column("restricts_nations", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("audience", sa.Column("owner_only", sa.Boolean(), nullable=False, server_default=sa.false()))
    connection = op.get_bind()
    audience = sa.table(
        "audience",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("tlp", sa.String),
        sa.column("classification", sa.String),
        sa.column("owner_organisation_id", sa.Integer),
        sa.column("releasable_to", sa.JSON),
        sa.column("recipients", sa.JSON),
        sa.column("restricts_nations", sa.Boolean),
        sa.column("releasable_empty", sa.Boolean),
    )
    rows = connection.execute(
        sa.select(
            audience.c.id,
            audience.c.tlp,
            audience.c.classification,
            audience.c.owner_organisation_id,
            audience.c.releasable_to,
            audience.c.recipients,
        )
    ).all()
    # Two passes, so that no new key collides with an old one on the unique index midway.
    for row in rows:
        connection.execute(audience.update().where(audience.c.id == row.id).values(key=f"migrating-{row.id}"))
    for row in rows:
        codes = list(_json(row.releasable_to) or [])
        releasable = codes or None
        connection.execute(
            audience.update()
            .where(audience.c.id == row.id)
            .values(
                key=_key(
                    row.tlp, row.classification, row.owner_organisation_id, releasable, _json(row.recipients) or []
                ),
                restricts_nations=releasable is not None,
                releasable_empty=False,
            )
        )
    collection = sa.table("intel_collection", sa.column("id", sa.Integer), sa.column("default_marking", sa.JSON))
    for found in connection.execute(sa.select(collection.c.id, collection.c.default_marking)).all():
        marking = dict(_json(found.default_marking) or {})
        if marking.get("releasable_to") == []:
            marking["releasable_to"] = None
            connection.execute(collection.update().where(collection.c.id == found.id).values(default_marking=marking))


def downgrade() -> None:
    with op.batch_alter_table("audience", schema=None) as batch_op:
        batch_op.drop_column("owner_only")
        batch_op.drop_column("restricts_nations")
