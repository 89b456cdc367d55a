"""interest_pause.charge_ids: the debts a freeze covers (Decree 126/2020 Art. 23.3); NULL is every debt

Revision ID: 4b95d8394f8f
Revises: 243aa0506a7c
Create Date: 2026-12-03 07:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4b95d8394f8f"
down_revision: str | None = "243aa0506a7c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("interest_pause", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "charge_ids",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("interest_pause", schema=None) as batch_op:
        batch_op.drop_column("charge_ids")
