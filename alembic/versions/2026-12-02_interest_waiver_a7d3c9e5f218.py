"""interest_waiver (interest cancelled by a write-off, Law 38/2019 Art. 85); vat_frequency_year (Decree 126 Art. 9)

Revision ID: a7d3c9e5f218
Revises: 5f0c2a7e9b14
Create Date: 2026-12-02 13:45:00.000000+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "a7d3c9e5f218"
down_revision: str | None = "5f0c2a7e9b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "interest_waiver",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("charge_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("waived_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["account_charge.id"], name=op.f("fk_interest_waiver_charge_id_account_charge")
        ),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_interest_waiver_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_waiver")),
    )
    with op.batch_alter_table("interest_waiver", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interest_waiver_taxpayer_id"), ["taxpayer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interest_waiver_charge_id"), ["charge_id"], unique=False)
    op.create_table(
        "vat_frequency_year",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("year_from", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_vat_frequency_year_taxpayer_id_taxpayer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vat_frequency_year")),
    )
    with op.batch_alter_table("vat_frequency_year", schema=None) as batch_op:
        batch_op.create_index("uq_vat_frequency_year", ["taxpayer_id", "year_from"], unique=True)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("vat_frequency_year", schema=None) as batch_op:
        batch_op.drop_index("uq_vat_frequency_year")
    op.drop_table("vat_frequency_year")
    with op.batch_alter_table("interest_waiver", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_waiver_charge_id"))
        batch_op.drop_index(batch_op.f("ix_interest_waiver_taxpayer_id"))
    op.drop_table("interest_waiver")
