"""collection_day_delta: reconcile batches' collection sums, folded into collection_day at the end of a run

Revision ID: 5ce86d91845b
Revises: 01738e336ec3
Create Date: 2026-11-28 01:19:57.831659+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5ce86d91845b"
down_revision: str | None = "01738e336ec3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "collection_day_delta",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("tax_office", sa.String(length=20), nullable=False),
        sa.Column("tax_type", sa.String(length=4), nullable=False),
        sa.Column("sub_item", sa.String(length=4), nullable=False),
        sa.Column("component", sa.String(length=10), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_day_delta")),
    )


def downgrade() -> None:
    """Revert."""
    op.drop_table("collection_day_delta")
