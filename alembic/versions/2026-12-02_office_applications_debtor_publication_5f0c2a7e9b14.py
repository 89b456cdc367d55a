"""Registration applications name the tax office they are sent to; the public debtor list is selected by officers
and confirmed by the head of the office

Revision ID: 5f0c2a7e9b14
Revises: 5c2e9a71d0b4
Create Date: 2026-12-02 10:45:00+00:00
"""

import os
from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

revision: str = "5f0c2a7e9b14"
down_revision: str | None = "5c2e9a71d0b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Applications submitted before they named an office: a branch's goes to its parent's office, an approved one to the
# office its taxpayer was registered in, the rest to the installation's default office (as taxoffice.config reads it).
_BACKFILL = """
UPDATE registration_application SET tax_office = COALESCE(
    (SELECT t.tax_office FROM taxpayer t WHERE t.tax_code = registration_application.tax_code),
    (SELECT t.tax_office FROM taxpayer t WHERE t.tax_code = registration_application.parent_tax_code),
    :default_office
)
"""


def _code(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length=length).with_variant(sa.String(length=length, collation="C"), "postgresql")


def _id() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.Identity(always=False, start=1, increment=1),
        nullable=False,
    )


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("registration_application") as batch:
        batch.add_column(sa.Column("tax_office", sa.String(length=16), nullable=True))
    op.get_bind().execute(sa.text(_BACKFILL), {"default_office": os.environ.get("TAXOFFICE_TAX_OFFICE", "HNI")})
    with op.batch_alter_table("registration_application") as batch:
        batch.alter_column("tax_office", existing_type=sa.String(length=16), nullable=False)
        batch.create_index("ix_registration_office_due", ["tax_office", "status", "due_on"], unique=False)

    op.create_table(
        "debtor_publication",
        _id(),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("taxpayer_id", sa.BigInteger(), nullable=False),
        sa.Column("tax_office", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("tax_code", _code(14), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_search", _code(300), nullable=False),
        sa.Column("address", sa.String(length=700), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("overdue_since", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("selected_by", sa.String(length=80), nullable=False),
        sa.Column("selected_on", sa.Date(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=80), nullable=True),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["arrears_case.id"], name=op.f("fk_debtor_publication_case_id_arrears_case")
        ),
        sa.ForeignKeyConstraint(
            ["taxpayer_id"], ["taxpayer.id"], name=op.f("fk_debtor_publication_taxpayer_id_taxpayer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debtor_publication")),
        sa.UniqueConstraint("case_id", name=op.f("uq_debtor_publication_case_id")),
    )
    with op.batch_alter_table("debtor_publication") as batch:
        batch.create_index("ix_debtor_publication_list", ["status", "amount", "tax_code"], unique=False)
        batch.create_index(batch.f("ix_debtor_publication_tax_office"), ["tax_office"], unique=False)
        batch.create_index(batch.f("ix_debtor_publication_taxpayer_id"), ["taxpayer_id"], unique=False)


def downgrade() -> None:
    """Revert."""
    op.drop_table("debtor_publication")
    with op.batch_alter_table("registration_application") as batch:
        batch.drop_index("ix_registration_office_due")
        batch.drop_column("tax_office")
