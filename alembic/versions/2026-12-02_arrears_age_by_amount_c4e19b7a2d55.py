"""arrears aged by amount: each case's and each stock row's part more than a year overdue

Revision ID: c4e19b7a2d55
Revises: d895feb1adb5
Create Date: 2026-12-02 11:05:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e19b7a2d55"
down_revision: str | None = "d895feb1adb5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("arrears_case") as batch:
        batch.add_column(sa.Column("overdue_over_year", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("arrears_stock") as batch:
        batch.add_column(sa.Column("amount_over_year", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("arrears_stock") as batch:
        batch.drop_column("amount_over_year")
    with op.batch_alter_table("arrears_case") as batch:
        batch.drop_column("overdue_over_year")
