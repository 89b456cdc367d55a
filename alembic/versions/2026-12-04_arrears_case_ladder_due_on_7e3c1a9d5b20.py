"""arrears_case.ladder_due_on: the oldest overdue debt outside a running freeze, the day the ladder counts from

Revision ID: 7e3c1a9d5b20
Revises: 4b95d8394f8f
Create Date: 2026-12-04 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e3c1a9d5b20"
down_revision: str | None = "4b95d8394f8f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply: a case not frozen counts from its oldest debt; a frozen one from none until flag-arrears looks again."""
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ladder_due_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_arrears_case_ladder", ["status", "ladder_due_on"], unique=False)
    op.execute(sa.text("UPDATE arrears_case SET ladder_due_on = oldest_due_on WHERE NOT is_frozen"))


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.drop_index("ix_arrears_case_ladder")
        batch_op.drop_column("ladder_due_on")
