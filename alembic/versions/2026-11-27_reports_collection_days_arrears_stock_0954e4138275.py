"""reports: collection days, arrears stock and split by tax type, collection targets, report files

Revision ID: 0954e4138275
Revises: d41c7a9e2b15
Create Date: 2026-11-27 23:48:36.308485+00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0954e4138275"
down_revision: str | None = "d41c7a9e2b15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The allocations already posted, summed into collection_day (the reconcile job keeps it from now on).
_BACKFILL = (
    "INSERT INTO collection_day (day, tax_office, tax_type, sub_item, component, overdue, amount, lines) "
    "SELECT a.paid_on, t.tax_office, c.tax_type, c.sub_item, a.component, a.paid_on > c.due_on, "
    "sum(a.amount), count(*) FROM payment_allocation a "
    "JOIN account_charge c ON c.id = a.charge_id JOIN taxpayer t ON t.id = a.taxpayer_id "
    "GROUP BY a.paid_on, t.tax_office, c.tax_type, c.sub_item, a.component, a.paid_on > c.due_on"
)


def _identity_id() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.Identity(always=False, start=1, increment=1),
        nullable=False,
    )


def _audit_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "arrears_stock",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("tax_office", sa.String(length=20), nullable=False),
        sa.Column("bucket", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("tax_type", sa.String(length=4), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("as_of", "tax_office", "bucket", "category", "tax_type", name=op.f("pk_arrears_stock")),
    )
    op.create_table(
        "collection_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("tax_office", sa.String(length=20), nullable=False),
        sa.Column("tax_type", sa.String(length=4), nullable=False),
        sa.Column("sub_item", sa.String(length=4), nullable=False),
        sa.Column("component", sa.String(length=10), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "tax_office", "tax_type", "sub_item", "component", "overdue", name=op.f("pk_collection_day")
        ),
    )
    op.create_table(
        "collection_target",
        _identity_id(),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("tax_office", sa.String(length=20), nullable=False),
        sa.Column("tax_type", sa.String(length=4), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(length=80), nullable=False),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_target")),
        sa.UniqueConstraint("year", "tax_office", "tax_type", name=op.f("uq_collection_target_year")),
    )
    op.create_table(
        "report_file",
        _identity_id(),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("file_format", sa.String(length=4), nullable=False),
        sa.Column(
            "parameters", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column("generated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("generated_by", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
        sa.UniqueConstraint("name", "period", "file_format", name=op.f("uq_report_file_name")),
    )
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_vat", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("overdue_cit", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("overdue_pit", sa.BigInteger(), nullable=True))
    op.execute(_BACKFILL)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("arrears_case", schema=None) as batch_op:
        batch_op.drop_column("overdue_pit")
        batch_op.drop_column("overdue_cit")
        batch_op.drop_column("overdue_vat")
    op.drop_table("report_file")
    op.drop_table("collection_target")
    op.drop_table("collection_day")
    op.drop_table("arrears_stock")
