"""late-filing fines by decision; lateness from a wrongly rejected first receipt

Revision ID: 5c2e7a91b3d4
Revises: c4e19b7a2d55
Create Date: 2026-12-02 10:40:00+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "5c2e7a91b3d4"
down_revision: str | None = "c4e19b7a2d55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "fine_decision",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("tax_code", sa.String(length=14), nullable=False),
        sa.Column("form_code", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("is_organisation", sa.Boolean(), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("tax_payable", sa.BigInteger(), nullable=False),
        sa.Column("violated_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposed_amount", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("warning", sa.Boolean(), nullable=False),
        sa.Column("clause", sa.String(length=8), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("mitigating", sa.Integer(), nullable=False),
        sa.Column("aggravating", sa.Integer(), nullable=False),
        sa.Column("paid_before_record", sa.Boolean(), nullable=False),
        sa.Column("circumstances", sa.String(length=1000), nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["tax_return.id"], name=op.f("fk_fine_decision_return_id_tax_return")),
        sa.ForeignKeyConstraint(["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_fine_decision_taxpayer_id_taxpayer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fine_decision")),
        sa.UniqueConstraint("return_id", name=op.f("uq_fine_decision_return_id")),
    )
    op.create_index("ix_fine_decision_status", "fine_decision", ["status", "id"], unique=False)
    op.create_index(op.f("ix_fine_decision_tax_code"), "fine_decision", ["tax_code"], unique=False)
    with op.batch_alter_table("tax_return", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late_from_return_id", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tax_return_late_from_return_id_tax_return"), "tax_return", ["late_from_return_id"], ["id"]
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("tax_return", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tax_return_late_from_return_id_tax_return"), type_="foreignkey")
        batch_op.drop_column("late_from_return_id")
    op.drop_index(op.f("ix_fine_decision_tax_code"), table_name="fine_decision")
    op.drop_index("ix_fine_decision_status", table_name="fine_decision")
    op.drop_table("fine_decision")
