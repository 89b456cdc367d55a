"""payment_extension (extended deadlines: decrees, Art. 62 decisions) and interest_pause (frozen debts)

Revision ID: 5c2e9a71d0b4
Revises: 5c2e7a91b3d4
Create Date: 2026-12-02 10:50:00.000000+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "5c2e9a71d0b4"
down_revision: str | None = "5c2e7a91b3d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.Identity(always=False, start=1, increment=1),
        nullable=False,
    )


def _stamps() -> tuple[sa.Column[object], sa.Column[object]]:
    return sa.Column("created_at", UTC, nullable=False), sa.Column("updated_at", UTC, nullable=False)


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "payment_extension",
        _id(),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("charge_id", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_to", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("ground", sa.String(length=20), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("granted_by", sa.String(length=80), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["account_charge.id"], name=op.f("fk_payment_extension_charge_id_account_charge")
        ),
        sa.ForeignKeyConstraint(
            ["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_payment_extension_taxpayer_id_taxpayer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_extension")),
    )
    with op.batch_alter_table("payment_extension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_extension_taxpayer_id"), ["taxpayer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_extension_extended_to"), ["extended_to"], unique=False)
        batch_op.create_index(
            "uq_payment_extension_standing",
            ["charge_id"],
            unique=True,
            postgresql_where=sa.text("revoked_on IS NULL"),
            sqlite_where=sa.text("revoked_on IS NULL"),
        )
    op.create_table(
        "interest_pause",
        _id(),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_interest_pause_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_pause")),
    )
    with op.batch_alter_table("interest_pause", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interest_pause_taxpayer_id"), ["taxpayer_id"], unique=False)
        batch_op.create_index(
            "uq_interest_pause_open",
            ["taxpayer_id"],
            unique=True,
            postgresql_where=sa.text("ended_on IS NULL"),
            sqlite_where=sa.text("ended_on IS NULL"),
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("interest_pause", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_interest_pause_open",
            postgresql_where=sa.text("ended_on IS NULL"),
            sqlite_where=sa.text("ended_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_interest_pause_taxpayer_id"))
    op.drop_table("interest_pause")
    with op.batch_alter_table("payment_extension", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_payment_extension_standing",
            postgresql_where=sa.text("revoked_on IS NULL"),
            sqlite_where=sa.text("revoked_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_payment_extension_extended_to"))
        batch_op.drop_index(batch_op.f("ix_payment_extension_taxpayer_id"))
    op.drop_table("payment_extension")
