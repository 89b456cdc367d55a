"""account_enforcement: periods in which a taxpayer's overdue debts are under enforcement

Revision ID: 01738e336ec3
Revises: 0954e4138275
Create Date: 2026-11-28 01:10:59.024877+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "01738e336ec3"
down_revision: str | None = "0954e4138275"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "account_enforcement",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_account_enforcement_taxpayer_id_taxpayer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_enforcement")),
    )
    with op.batch_alter_table("account_enforcement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_enforcement_taxpayer_id"), ["taxpayer_id"], unique=False)
        batch_op.create_index(
            "uq_account_enforcement_open",
            ["taxpayer_id"],
            unique=True,
            postgresql_where=sa.text("ended_on IS NULL"),
            sqlite_where=sa.text("ended_on IS NULL"),
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("account_enforcement", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_account_enforcement_open",
            postgresql_where=sa.text("ended_on IS NULL"),
            sqlite_where=sa.text("ended_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_account_enforcement_taxpayer_id"))
    op.drop_table("account_enforcement")
