"""PostgreSQL: a batch of statement rows inserted as payments by ``COPY`` and one ``INSERT … SELECT``.

This replaces binding every value of every row through SQLAlchemy. The batch (references already unique within it) is copied into ``statement_batch``, a temporary table of the
connection emptied at each batch; one statement then joins the registry for each row's taxpayer and inserts the
payments whose reference is new (``ON CONFLICT DO NOTHING``), returning those references. The transaction is the
caller's, as on the generic path.
"""

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.fastpaths import on_driver

_COLUMNS = ("bank_ref", "tax_code", "payer_name", "amount", "paid_on", "period", "sub_item", "chapter", "tax_office")
_CREATE = text(
    "CREATE TEMPORARY TABLE IF NOT EXISTS statement_batch (bank_ref text, tax_code text, payer_name text,"
    " amount bigint, paid_on date, period text, sub_item text, chapter text, tax_office text)"
)
_EMPTY = text("TRUNCATE statement_batch")
_INSERT = text(
    "INSERT INTO payment (bank_ref, tax_code, taxpayer_id, payer_name, amount, paid_on, period, sub_item, chapter,"
    " tax_office, source, status, unallocated, received_by, note, created_at, updated_at)"
    " SELECT s.bank_ref, s.tax_code, t.id, s.payer_name, s.amount, s.paid_on, s.period, s.sub_item, s.chapter,"
    " s.tax_office, :source, CASE WHEN t.id IS NULL THEN 'unmatched' ELSE 'unallocated' END, s.amount,"
    " :received_by, '', now(), now()"
    " FROM statement_batch s LEFT JOIN taxpayer t ON t.tax_code = s.tax_code"
    " ON CONFLICT (bank_ref) DO NOTHING RETURNING bank_ref, taxpayer_id IS NULL"
)


async def insert_copied(
    session: AsyncSession, items: Sequence[PaymentRecord], *, source: str, received_by: str
) -> dict[str, bool]:
    """Insert the payments of ``items`` whose reference is new: those references → whether unmatched."""
    await session.execute(_CREATE)
    await session.execute(_EMPTY)
    conn = await session.connection()
    records = [tuple(getattr(item, name) for name in _COLUMNS) for item in items]
    async with on_driver(conn) as raw:
        await raw.copy_records_to_table("statement_batch", records=records, columns=list(_COLUMNS))
    rows = await session.execute(_INSERT, {"source": source, "received_by": received_by})
    return {row[0]: bool(row[1]) for row in rows}
