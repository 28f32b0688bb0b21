"""fimi: media reports, appearances, mentions, near-duplicates, narratives, suggestions, terms, incidents

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fimi_incident",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("stix_uuid", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("determination", sa.String(length=16), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_incident_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_fimi_incident_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_incident")),
        sa.UniqueConstraint("stix_uuid", name=op.f("uq_fimi_incident_stix_uuid")),
    )
    with op.batch_alter_table("fimi_incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_incident_audience_id"), ["audience_id"], unique=False)

    op.create_table(
        "fimi_narrative",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("stix_uuid", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("statements", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_narrative_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_fimi_narrative_owner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["fimi_narrative.id"],
            name=op.f("fk_fimi_narrative_parent_id_fimi_narrative"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_narrative")),
        sa.UniqueConstraint("stix_uuid", name=op.f("uq_fimi_narrative_stix_uuid")),
    )
    with op.batch_alter_table("fimi_narrative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_narrative_audience_id"), ["audience_id"], unique=False)

    op.create_table(
        "fimi_report",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("outlet_country", sa.String(length=3), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("language_detected", sa.Boolean(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_report_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_fimi_report_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_report")),
    )
    with op.batch_alter_table("fimi_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_report_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index("ix_fimi_report_published", ["published_at", "id"], unique=False)
        batch_op.create_index("ix_fimi_report_text_key", ["audience_id", "text_key"], unique=False)

    op.create_table(
        "fimi_term_set",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_term_set_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_fimi_term_set_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_term_set")),
    )
    with op.batch_alter_table("fimi_term_set", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_term_set_audience_id"), ["audience_id"], unique=False)

    op.create_table(
        "fimi_appearance",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("outlet_country", sa.String(length=3), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("url_key", sa.String(length=32), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_appearance_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["fimi_report.id"], name=op.f("fk_fimi_appearance_report_id_fimi_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_appearance")),
    )
    with op.batch_alter_table("fimi_appearance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_appearance_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fimi_appearance_report_id"), ["report_id"], unique=False)
        batch_op.create_index("ix_fimi_appearance_url", ["audience_id", "url_key"], unique=False)

    op.create_table(
        "fimi_band",
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["fimi_report.id"], name=op.f("fk_fimi_band_report_id_fimi_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "band_key", name=op.f("pk_fimi_band")),
    )
    with op.batch_alter_table("fimi_band", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_band_band_key"), ["band_key"], unique=False)

    op.create_table(
        "fimi_incident_actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("stix_type", sa.String(length=16), nullable=False),
        sa.Column("nation_code", sa.String(length=3), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["fimi_incident.id"],
            name=op.f("fk_fimi_incident_actor_incident_id_fimi_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_incident_actor")),
    )
    with op.batch_alter_table("fimi_incident_actor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_incident_actor_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "fimi_incident_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["fimi_incident.id"],
            name=op.f("fk_fimi_incident_link_incident_id_fimi_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_incident_link")),
    )
    with op.batch_alter_table("fimi_incident_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_incident_link_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "fimi_incident_technique",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("disarm_id", sa.String(length=16), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["fimi_incident.id"],
            name=op.f("fk_fimi_incident_technique_incident_id_fimi_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_incident_technique")),
    )
    with op.batch_alter_table("fimi_incident_technique", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_incident_technique_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "fimi_mention",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.Column("surface", sa.String(length=300), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_mention_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["fimi_report.id"], name=op.f("fk_fimi_mention_report_id_fimi_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_mention")),
    )
    with op.batch_alter_table("fimi_mention", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_mention_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index("ix_fimi_mention_ref", ["kind", "ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_fimi_mention_report_id"), ["report_id"], unique=False)

    op.create_table(
        "fimi_near_duplicate",
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("other_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["fimi_report.id"],
            name=op.f("fk_fimi_near_duplicate_other_id_fimi_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["fimi_report.id"],
            name=op.f("fk_fimi_near_duplicate_report_id_fimi_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "other_id", name=op.f("pk_fimi_near_duplicate")),
    )
    with op.batch_alter_table("fimi_near_duplicate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_near_duplicate_other_id"), ["other_id"], unique=False)

    op.create_table(
        "fimi_suggestion",
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("narrative_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("passage", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_suggestion_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_fimi_suggestion_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["narrative_id"],
            ["fimi_narrative.id"],
            name=op.f("fk_fimi_suggestion_narrative_id_fimi_narrative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["fimi_report.id"], name=op.f("fk_fimi_suggestion_report_id_fimi_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "narrative_id", name=op.f("pk_fimi_suggestion")),
    )
    with op.batch_alter_table("fimi_suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_suggestion_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fimi_suggestion_narrative_id"), ["narrative_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fimi_suggestion_status"), ["status"], unique=False)

    op.create_table(
        "fimi_term",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("term_set_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["term_set_id"],
            ["fimi_term_set.id"],
            name=op.f("fk_fimi_term_term_set_id_fimi_term_set"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_term")),
    )
    with op.batch_alter_table("fimi_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_term_term_set_id"), ["term_set_id"], unique=False)

    op.create_table(
        "fimi_term_count",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("term_set_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("term_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("outlet_country", sa.String(length=3), nullable=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_fimi_term_count_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["fimi_report.id"], name=op.f("fk_fimi_term_count_report_id_fimi_report"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["fimi_term.id"], name=op.f("fk_fimi_term_count_term_id_fimi_term"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["term_set_id"],
            ["fimi_term_set.id"],
            name=op.f("fk_fimi_term_count_term_set_id_fimi_term_set"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fimi_term_count")),
    )
    with op.batch_alter_table("fimi_term_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fimi_term_count_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index("ix_fimi_term_count_chart", ["term_set_id", "audience_id", "week"], unique=False)
        batch_op.create_index(batch_op.f("ix_fimi_term_count_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fimi_term_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_term_count_report_id"))
        batch_op.drop_index("ix_fimi_term_count_chart")
        batch_op.drop_index(batch_op.f("ix_fimi_term_count_audience_id"))

    op.drop_table("fimi_term_count")
    with op.batch_alter_table("fimi_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_term_term_set_id"))

    op.drop_table("fimi_term")
    with op.batch_alter_table("fimi_suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_suggestion_status"))
        batch_op.drop_index(batch_op.f("ix_fimi_suggestion_narrative_id"))
        batch_op.drop_index(batch_op.f("ix_fimi_suggestion_audience_id"))

    op.drop_table("fimi_suggestion")
    with op.batch_alter_table("fimi_near_duplicate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_near_duplicate_other_id"))

    op.drop_table("fimi_near_duplicate")
    with op.batch_alter_table("fimi_mention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_mention_report_id"))
        batch_op.drop_index("ix_fimi_mention_ref")
        batch_op.drop_index(batch_op.f("ix_fimi_mention_audience_id"))

    op.drop_table("fimi_mention")
    with op.batch_alter_table("fimi_incident_technique", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_incident_technique_incident_id"))

    op.drop_table("fimi_incident_technique")
    with op.batch_alter_table("fimi_incident_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_incident_link_incident_id"))

    op.drop_table("fimi_incident_link")
    with op.batch_alter_table("fimi_incident_actor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_incident_actor_incident_id"))

    op.drop_table("fimi_incident_actor")
    with op.batch_alter_table("fimi_band", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_band_band_key"))

    op.drop_table("fimi_band")
    with op.batch_alter_table("fimi_appearance", schema=None) as batch_op:
        batch_op.drop_index("ix_fimi_appearance_url")
        batch_op.drop_index(batch_op.f("ix_fimi_appearance_report_id"))
        batch_op.drop_index(batch_op.f("ix_fimi_appearance_audience_id"))

    op.drop_table("fimi_appearance")
    with op.batch_alter_table("fimi_term_set", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_term_set_audience_id"))

    op.drop_table("fimi_term_set")
    with op.batch_alter_table("fimi_report", schema=None) as batch_op:
        batch_op.drop_index("ix_fimi_report_text_key")
        batch_op.drop_index("ix_fimi_report_published")
        batch_op.drop_index(batch_op.f("ix_fimi_report_audience_id"))

    op.drop_table("fimi_report")
    with op.batch_alter_table("fimi_narrative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_narrative_audience_id"))

    op.drop_table("fimi_narrative")
    with op.batch_alter_table("fimi_incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fimi_incident_audience_id"))

    op.drop_table("fimi_incident")
