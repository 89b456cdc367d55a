"""payment orders

Revision ID: 3e8a6c0d4f21
Revises: 5f2c8a91d3e7
Create Date: 2026-12-02 07:43:00.000000+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "3e8a6c0d4f21"
down_revision: str | None = "5f2c8a91d3e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _code(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length=length).with_variant(sa.String(length=length, collation="C"), "postgresql")


def _id() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.Identity(always=False, start=1, increment=1),
        nullable=False,
    )


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "payment_order",
        _id(),
        sa.Column("reference", _code(16), nullable=False),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("tax_code", _code(14), nullable=False),
        sa.Column("payer_name", sa.String(length=300), nullable=False),
        sa.Column("payer_address", sa.String(length=500), nullable=False),
        sa.Column("tax_office", sa.String(length=16), nullable=False),
        sa.Column("chapter", sa.String(length=3), nullable=False),
        sa.Column("treasury_name", sa.String(length=200), nullable=False),
        sa.Column("treasury_account", sa.String(length=19), nullable=False),
        sa.Column("bank_bin", sa.String(length=6), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_payment_order_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_order")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_order_reference")),
    )
    with op.batch_alter_table("payment_order", schema=None) as batch_op:
        batch_op.create_index("ix_payment_order_taxpayer", ["taxpayer_id", "id"], unique=False)

    op.create_table(
        "payment_order_line",
        _id(),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.BigInteger(), nullable=False),
        sa.Column("component", sa.String(length=10), nullable=False),
        sa.Column("tax_type", sa.String(length=4), nullable=False),
        sa.Column("sub_item", sa.String(length=4), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["account_charge.id"], name=op.f("fk_payment_order_line_charge_id_account_charge")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["payment_order.id"],
            name=op.f("fk_payment_order_line_order_id_payment_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_order_line")),
    )
    with op.batch_alter_table("payment_order_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_order_line_order_id"), ["order_id"], unique=False)

    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_payment_order_id"), ["order_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_payment_order_id_payment_order"), "payment_order", ["order_id"], ["id"]
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_payment_order_id_payment_order"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_payment_order_id"))
        batch_op.drop_column("order_id")
    with op.batch_alter_table("payment_order_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_order_line_order_id"))
    op.drop_table("payment_order_line")
    with op.batch_alter_table("payment_order", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_order_taxpayer")
    op.drop_table("payment_order")
