"""Returns as received: the original bytes with their SHA-256, what was read about the file, and the place that
tells several originals of one period apart

Revision ID: b7d41e2a9c30
Revises: 9c4d2e71b5f3
Create Date: 2026-12-02 06:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taxoffice.db import JsonB

revision: str = "b7d41e2a9c30"
down_revision: str | None = "9c4d2e71b5f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACCEPTED = "status = 'accepted'"


def upgrade() -> None:
    """Apply."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("tax_return") as batch:
        batch.add_column(sa.Column("place", sa.String(length=60), server_default="", nullable=False))
        batch.add_column(sa.Column("document_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("source", JsonB, nullable=True))
        batch.alter_column(
            "document",
            existing_type=sa.Text(),
            type_=sa.LargeBinary(),
            existing_nullable=False,
            postgresql_using="convert_to(document, 'UTF8')",
        )
        batch.drop_index("uq_tax_return_accepted")
    op.execute(
        "UPDATE tax_return SET source = '{}'" if not postgresql else "UPDATE tax_return SET source = '{}'::jsonb"
    )
    with op.batch_alter_table("tax_return") as batch:
        batch.alter_column("source", existing_type=JsonB, nullable=False)
        batch.create_index(
            "uq_tax_return_accepted",
            ["tax_code", "form_code", "period", "place", "amendment_no"],
            unique=True,
            postgresql_where=sa.text(_ACCEPTED),
            sqlite_where=sa.text(_ACCEPTED),
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("tax_return") as batch:
        batch.drop_index("uq_tax_return_accepted")
        batch.create_index(
            "uq_tax_return_accepted",
            ["tax_code", "form_code", "period", "amendment_no"],
            unique=True,
            postgresql_where=sa.text(_ACCEPTED),
            sqlite_where=sa.text(_ACCEPTED),
        )
        batch.alter_column(
            "document",
            existing_type=sa.LargeBinary(),
            type_=sa.Text(),
            existing_nullable=False,
            postgresql_using="convert_from(document, 'UTF8')",
        )
        batch.drop_column("source")
        batch.drop_column("document_sha256")
        batch.drop_column("place")
