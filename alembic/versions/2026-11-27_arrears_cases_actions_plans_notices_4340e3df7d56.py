"""arrears cases, actions, plans, notices

Revision ID: 4340e3df7d56
Revises: ccf265777970
Create Date: 2026-11-27 21:59:40.215131+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4340e3df7d56"
down_revision: str | None = "ccf265777970"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "arrears_case",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "tax_code",
            sa.String(length=14).with_variant(sa.String(length=14, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("tax_office", sa.String(length=20), nullable=False),
        sa.Column("officer_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("is_frozen", sa.Boolean(), nullable=False),
        sa.Column("overdue_tax", sa.BigInteger(), nullable=False),
        sa.Column("overdue_interest", sa.BigInteger(), nullable=False),
        sa.Column("overdue_fines", sa.BigInteger(), nullable=False),
        sa.Column("overdue_total", sa.BigInteger(), nullable=False),
        sa.Column("oldest_due_on", sa.Date(), nullable=False),
        sa.Column("bucket", sa.String(length=10), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=True),
        sa.Column("next_action", sa.String(length=24), nullable=True),
        sa.Column("next_action_due_on", sa.Date(), nullable=True),
        sa.Column("is_stalled", sa.Boolean(), nullable=False),
        sa.Column("interest_as_of", sa.Date(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["app_user.id"], name=op.f("fk_arrears_case_officer_id_app_user")),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_arrears_case_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrears_case")),
    )
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.create_index("ix_arrears_case_age", ["status", "oldest_due_on"], unique=False)
        batch_op.create_index("ix_arrears_case_office", ["tax_office", "status", "overdue_total"], unique=False)
        batch_op.create_index("ix_arrears_case_officer", ["officer_id", "status", "overdue_total"], unique=False)
        batch_op.create_index(
            "uq_arrears_case_open",
            ["taxpayer_id"],
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "arrears_action",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["arrears_case.id"], name=op.f("fk_arrears_action_case_id_arrears_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrears_action")),
    )
    with op.batch_alter_table("arrears_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arrears_action_case_id"), ["case_id"], unique=False)

    op.create_table(
        "arrears_case_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_value", sa.String(length=40), nullable=True),
        sa.Column("to_value", sa.String(length=40), nullable=True),
        sa.Column("overdue_total", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["arrears_case.id"], name=op.f("fk_arrears_case_event_case_id_arrears_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrears_case_event")),
    )
    with op.batch_alter_table("arrears_case_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arrears_case_event_case_id"), ["case_id"], unique=False)

    op.create_table(
        "debt_notice",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["arrears_case.id"], name=op.f("fk_debt_notice_case_id_arrears_case")),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_debt_notice_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debt_notice")),
        sa.UniqueConstraint("number", name=op.f("uq_debt_notice_number")),
    )
    with op.batch_alter_table("debt_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debt_notice_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_debt_notice_taxpayer_id"), ["taxpayer_id"], unique=False)

    op.create_table(
        "instalment_plan",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("debt", sa.BigInteger(), nullable=False),
        sa.Column(
            "schedule", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["arrears_case.id"], name=op.f("fk_instalment_plan_case_id_arrears_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalment_plan")),
    )
    with op.batch_alter_table("instalment_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instalment_plan_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("instalment_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instalment_plan_case_id"))

    op.drop_table("instalment_plan")
    with op.batch_alter_table("debt_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debt_notice_taxpayer_id"))
        batch_op.drop_index(batch_op.f("ix_debt_notice_case_id"))

    op.drop_table("debt_notice")
    with op.batch_alter_table("arrears_case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrears_case_event_case_id"))

    op.drop_table("arrears_case_event")
    with op.batch_alter_table("arrears_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrears_action_case_id"))

    op.drop_table("arrears_action")
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_arrears_case_open", postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'")
        )
        batch_op.drop_index("ix_arrears_case_officer")
        batch_op.drop_index("ix_arrears_case_office")
        batch_op.drop_index("ix_arrears_case_age")

    op.drop_table("arrears_case")
