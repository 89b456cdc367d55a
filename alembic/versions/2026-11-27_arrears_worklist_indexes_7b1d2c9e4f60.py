"""arrears worklist indexes: across offices by amount, and the unassigned queue

Revision ID: 7b1d2c9e4f60
Revises: 4340e3df7d56
Create Date: 2026-11-27 22:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b1d2c9e4f60"
down_revision: str | None = "4340e3df7d56"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNASSIGNED = "status = 'open' AND officer_id IS NULL"


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.create_index("ix_arrears_case_amount", ["status", "overdue_total", "id"], unique=False)
        batch_op.create_index(
            "ix_arrears_case_unassigned_age",
            ["oldest_due_on", "id"],
            unique=False,
            postgresql_where=sa.text(_UNASSIGNED),
            sqlite_where=sa.text(_UNASSIGNED),
        )
        batch_op.create_index(
            "ix_arrears_case_unassigned_amount",
            ["overdue_total", "id"],
            unique=False,
            postgresql_where=sa.text(_UNASSIGNED),
            sqlite_where=sa.text(_UNASSIGNED),
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.drop_index("ix_arrears_case_unassigned_amount")
        batch_op.drop_index("ix_arrears_case_unassigned_age")
        batch_op.drop_index("ix_arrears_case_amount")
