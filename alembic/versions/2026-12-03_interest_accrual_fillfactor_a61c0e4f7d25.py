"""interest_accrual: pages half full (PostgreSQL), so that the nightly rewrite of every row is a HOT update

accrue-interest rewrites every row each night (as_of, the figures, updated_at), none of them an indexed column:
with room left on each page the new version stays on the page and no index gets a new entry. Pages already full
take the setting as their rows move (or at once with ``VACUUM FULL interest_accrual``).

Revision ID: a61c0e4f7d25
Revises: 4b7e2d9c1a63
Create Date: 2026-12-03 07:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a61c0e4f7d25"
down_revision: str | None = "4b7e2d9c1a63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE interest_accrual SET (fillfactor = 50)")


def downgrade() -> None:
    """Revert."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE interest_accrual RESET (fillfactor)")
