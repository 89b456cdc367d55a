"""payments, allocations and interest accruals

Revision ID: 0e5527d55bf7
Revises: eaa4e546dfda
Create Date: 2026-11-27 21:44:29.256219+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0e5527d55bf7"
down_revision: str | None = "eaa4e546dfda"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "payment",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column(
            "bank_ref",
            sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "tax_code",
            sa.String(length=14).with_variant(sa.String(length=14, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=True),
        sa.Column("payer_name", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=True),
        sa.Column("sub_item", sa.String(length=4), nullable=True),
        sa.Column("chapter", sa.String(length=3), nullable=True),
        sa.Column("tax_office", sa.String(length=20), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("unallocated", sa.BigInteger(), nullable=False),
        sa.Column("received_by", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_payment_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("bank_ref", name=op.f("uq_payment_bank_ref")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_open",
            ["taxpayer_id"],
            unique=False,
            postgresql_where=sa.text("unallocated > 0"),
            sqlite_where=sa.text("unallocated > 0"),
        )
        batch_op.create_index("ix_payment_status", ["status"], unique=False)

    op.create_table(
        "interest_accrual",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("charge_id", sa.BigInteger(), nullable=False),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("accrued", sa.BigInteger(), nullable=False),
        sa.Column("outstanding", sa.BigInteger(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["account_charge.id"], name=op.f("fk_interest_accrual_charge_id_account_charge")
        ),
        sa.ForeignKeyConstraint(
            ["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_interest_accrual_taxpayer_id_taxpayer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_accrual")),
        sa.UniqueConstraint("charge_id", name=op.f("uq_interest_accrual_charge_id")),
    )
    with op.batch_alter_table("interest_accrual", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interest_accrual_taxpayer_id"), ["taxpayer_id"], unique=False)

    op.create_table(
        "payment_allocation",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("payment_id", sa.BigInteger(), nullable=False),
        sa.Column("charge_id", sa.BigInteger(), nullable=False),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("component", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("run", sa.String(length=40), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["account_charge.id"], name=op.f("fk_payment_allocation_charge_id_account_charge")
        ),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"], name=op.f("fk_payment_allocation_payment_id_payment")),
        sa.ForeignKeyConstraint(
            ["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_payment_allocation_taxpayer_id_taxpayer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocation")),
    )
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_allocation_payment_id"), ["payment_id"], unique=False)
        batch_op.create_index("ix_payment_allocation_taxpayer", ["taxpayer_id", "charge_id"], unique=False)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_allocation_taxpayer")
        batch_op.drop_index(batch_op.f("ix_payment_allocation_payment_id"))

    op.drop_table("payment_allocation")
    with op.batch_alter_table("interest_accrual", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_accrual_taxpayer_id"))

    op.drop_table("interest_accrual")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_status")
        batch_op.drop_index(
            "ix_payment_open", postgresql_where=sa.text("unallocated > 0"), sqlite_where=sa.text("unallocated > 0")
        )

    op.drop_table("payment")
