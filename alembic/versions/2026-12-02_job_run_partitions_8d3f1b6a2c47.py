"""Partitioned job runs: a whole run's number of partitions, and each partition's number and whole run

Revision ID: 8d3f1b6a2c47
Revises: a7d3c9e5f218
Create Date: 2026-12-02 13:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d3f1b6a2c47"
down_revision: str | None = "a7d3c9e5f218"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("job_run") as batch:
        batch.add_column(sa.Column("parts", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("part", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_job_run_parent_id_job_run"), "job_run", ["parent_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index(batch.f("ix_job_run_parent_id"), ["parent_id"], unique=False)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("job_run") as batch:
        batch.drop_index(batch.f("ix_job_run_parent_id"))
        batch.drop_constraint(batch.f("fk_job_run_parent_id_job_run"), type_="foreignkey")
        batch.drop_column("parent_id")
        batch.drop_column("part")
        batch.drop_column("parts")
