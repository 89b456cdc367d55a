"""e-returns and account charges

Revision ID: eaa4e546dfda
Revises: c043c30882ad
Create Date: 2026-11-24 12:00:50.391477+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "eaa4e546dfda"
down_revision: str | None = "c043c30882ad"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "account_charge",
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
        sa.Column("tax_type", sa.String(length=4), nullable=False),
        sa.Column("sub_item", sa.String(length=4), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("interest_from", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_account_charge_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_charge")),
    )
    with op.batch_alter_table("account_charge", schema=None) as batch_op:
        batch_op.create_index("ix_account_charge_code_period", ["tax_code", "period"], unique=False)
        batch_op.create_index("ix_account_charge_due", ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_charge_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_charge_taxpayer_id"), ["taxpayer_id"], unique=False)

    op.create_table(
        "tax_return",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column(
            "transaction_code",
            sa.String(length=17).with_variant(sa.String(length=17, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "tax_code",
            sa.String(length=14).with_variant(sa.String(length=14, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("form_code", sa.String(length=16), nullable=False),
        sa.Column("form_valid_from", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=14), nullable=False),
        sa.Column("amendment_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("received_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("source_format", sa.String(length=4), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False),
        sa.Column(
            "computed", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "findings", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column("tax_payable", sa.BigInteger(), nullable=True),
        sa.Column("posted_amount", sa.BigInteger(), nullable=True),
        sa.Column("fine", sa.BigInteger(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=80), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_tax_return_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_return")),
        sa.UniqueConstraint("transaction_code", name=op.f("uq_tax_return_transaction_code")),
    )
    with op.batch_alter_table("tax_return", schema=None) as batch_op:
        batch_op.create_index("ix_tax_return_code_form_period", ["tax_code", "form_code", "period"], unique=False)
        batch_op.create_index("ix_tax_return_received_at", ["received_at"], unique=False)
        batch_op.create_index(
            "uq_tax_return_accepted",
            ["tax_code", "form_code", "period", "amendment_no"],
            unique=True,
            postgresql_where=sa.text("status = 'accepted'"),
            sqlite_where=sa.text("status = 'accepted'"),
        )
        batch_op.create_index(
            "uq_tax_return_idempotency",
            ["submitted_by", "idempotency_key"],
            unique=True,
            postgresql_where=sa.text("idempotency_key IS NOT NULL"),
            sqlite_where=sa.text("idempotency_key IS NOT NULL"),
        )


def downgrade() -> None:
    """Revert."""

    with op.batch_alter_table("tax_return", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tax_return_idempotency",
            postgresql_where=sa.text("idempotency_key IS NOT NULL"),
            sqlite_where=sa.text("idempotency_key IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_tax_return_accepted",
            postgresql_where=sa.text("status = 'accepted'"),
            sqlite_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_index("ix_tax_return_received_at")
        batch_op.drop_index("ix_tax_return_code_form_period")

    op.drop_table("tax_return")
    with op.batch_alter_table("account_charge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_charge_taxpayer_id"))
        batch_op.drop_index(batch_op.f("ix_account_charge_source"))
        batch_op.drop_index("ix_account_charge_due")
        batch_op.drop_index("ix_account_charge_code_period")

    op.drop_table("account_charge")
