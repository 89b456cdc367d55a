"""The daily collections summary (``collection_day``): money applied to charges, summed as it is posted.

The reconcile job adds each batch's allocations here in the batch's own transaction, so the summary always
agrees with ``payment_allocation`` and the collections report reads a few hundred rows a day instead of
millions of allocation lines. ``rebuild`` recomputes it from the ledger (after a repair, or to check it).
"""

import datetime
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import delete, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from taxoffice.accounts.models import CollectionDay


class DayKey(NamedTuple):
    """What a ``collection_day`` row sums over."""

    day: datetime.date
    tax_office: str
    tax_type: str
    sub_item: str
    component: str
    overdue: bool


class CollectionDays:
    """Allocations of one batch summed by ``DayKey``: amount and number of lines."""

    def __init__(self) -> None:
        self.sums: dict[DayKey, list[int]] = defaultdict(lambda: [0, 0])

    def add(
        self,
        *,
        paid_on: datetime.date,
        due_on: datetime.date,
        tax_office: str,
        tax_type: str,
        sub_item: str,
        component: str,
        amount: int,
    ) -> None:
        """Count one allocation (negative when money is taken back); paid after ``due_on`` is arrears collected."""
        entry = self.sums[DayKey(paid_on, tax_office, tax_type, sub_item, component, paid_on > due_on)]
        entry[0] += amount
        entry[1] += 1

    def rows(self) -> list[dict[str, object]]:
        """The sums as rows, in key order (writers lock the summary rows in one order: no deadlock)."""
        return [
            {**key._asdict(), "amount": amount, "lines": lines} for key, (amount, lines) in sorted(self.sums.items())
        ]


async def post(conn: AsyncConnection, days: CollectionDays) -> None:
    """Add ``days`` to ``collection_day`` in the transaction ``conn`` has open."""
    rows = days.rows()
    if not rows:
        return
    statement = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(CollectionDay)
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=list(DayKey._fields),
            set_={
                "amount": CollectionDay.amount + statement.excluded.amount,
                "lines": CollectionDay.lines + statement.excluded.lines,
            },
        ),
        rows,
    )


_REBUILD = text(
    "INSERT INTO collection_day (day, tax_office, tax_type, sub_item, component, overdue, amount, lines) "
    "SELECT a.paid_on, t.tax_office, c.tax_type, c.sub_item, a.component, a.paid_on > c.due_on, "
    "sum(a.amount), count(*) FROM payment_allocation a "
    "JOIN account_charge c ON c.id = a.charge_id JOIN taxpayer t ON t.id = a.taxpayer_id "
    "GROUP BY a.paid_on, t.tax_office, c.tax_type, c.sub_item, a.component, a.paid_on > c.due_on"
)


async def rebuild(session: AsyncSession) -> int:
    """Recompute the whole summary from the allocation ledger; returns the rows written. Caller commits.

    Taxpayers are counted under their tax office of today (the job counts them under the office they had
    when the money was applied).
    """
    await session.execute(delete(CollectionDay))
    result = await session.execute(_REBUILD)
    return int(getattr(result, "rowcount", 0) or 0)
