"""name_word: the words of taxpayers' names, kept by a trigger (PostgreSQL)

Revision ID: d41c7a9e2b15
Revises: 7b1d2c9e4f60
Create Date: 2026-11-27 23:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d41c7a9e2b15"
down_revision: str | None = "7b1d2c9e4f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORDS_OF_NEW = (
    "INSERT INTO name_word (word) SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('simple', name_search)))"
    " FROM new_taxpayer ON CONFLICT DO NOTHING"
)


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "name_word",
        sa.Column("word", sa.String(length=300).with_variant(sa.String(length=300, collation="C"), "postgresql")),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_name_word")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # One statement per INSERT, COPY or UPDATE (a transition table), so a COPY of 50,000 rows pays once.
    op.execute(
        "CREATE FUNCTION taxpayer_name_words() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {_WORDS_OF_NEW}; RETURN NULL; END $$"
    )
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER tr_taxpayer_name_words_{event.lower()} AFTER {event} ON taxpayer"
            " REFERENCING NEW TABLE AS new_taxpayer FOR EACH STATEMENT EXECUTE FUNCTION taxpayer_name_words()"
        )
    op.execute(_WORDS_OF_NEW.replace("new_taxpayer", "taxpayer"))


def downgrade() -> None:
    """Revert."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tr_taxpayer_name_words_insert ON taxpayer")
        op.execute("DROP TRIGGER IF EXISTS tr_taxpayer_name_words_update ON taxpayer")
        op.execute("DROP FUNCTION IF EXISTS taxpayer_name_words()")
    op.drop_table("name_word")
