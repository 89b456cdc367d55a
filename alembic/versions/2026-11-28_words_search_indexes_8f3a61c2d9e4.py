"""Words search indexes: every pair of words of a name, and ids with names in id order (PostgreSQL)

Revision ID: 8f3a61c2d9e4
Revises: 5ce86d91845b
Create Date: 2026-11-28 02:10:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8f3a61c2d9e4"
down_revision: str | None = "5ce86d91845b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words as `to_tsvector('simple', …)` splits them, in the tsvector's (byte) order; each pair `a_b` with a < b.
# The parser never leaves `_` in a word, so a pair reads back unambiguously. registry/words.py builds the same
# pairs from the words searched for.
_PAIRS_FUNCTION = """
CREATE FUNCTION taxpayer_name_pairs(name text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    words text[] := tsvector_to_array(to_tsvector('simple', name));
    n integer := cardinality(words);
    pairs text[] := '{}';
BEGIN
    FOR i IN 1 .. n - 1 LOOP
        FOR j IN i + 1 .. n LOOP
            pairs := pairs || (words[i] || '_' || words[j]);
        END LOOP;
    END LOOP;
    RETURN array_to_tsvector(pairs);
END $$
"""


def upgrade() -> None:
    """Apply."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_PAIRS_FUNCTION)
    # An expression index, not a stored column: every way a row is written keeps it, and rows stay as narrow.
    op.execute("CREATE INDEX ix_taxpayer_name_pairs ON taxpayer USING gin (taxpayer_name_pairs(name_search))")
    # A words search's probe reads ids and names in id order from here alone (an index-only scan), not the table.
    op.execute("CREATE INDEX ix_taxpayer_id_name ON taxpayer (id) INCLUDE (name_search)")


def downgrade() -> None:
    """Revert."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_taxpayer_id_name")
    op.execute("DROP INDEX IF EXISTS ix_taxpayer_name_pairs")
    op.execute("DROP FUNCTION IF EXISTS taxpayer_name_pairs(text)")
