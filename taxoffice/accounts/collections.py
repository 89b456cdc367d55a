"""The daily collections summary (``collection_day``): money applied to charges, summed as it is posted.

The reconcile job adds each batch's allocations here in the batch's own transaction, so the summary always
agrees with ``payment_allocation`` and the collections report reads a few hundred rows a day instead of
millions of allocation lines. ``rebuild`` recomputes it from the ledger (after a repair, or to check it).
"""

import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Subquery, Table, delete, select, text, union_all
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from taxoffice.accounts.models import CollectionDay, CollectionDayDelta
from taxoffice.fastpaths import copy_rows, on_postgres


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
        # Plain tuples in ``DayKey`` order: a batch adds thousands of them.
        self.sums: dict[tuple[datetime.date, str, str, str, str, bool], list[int]] = {}

    def add(
        self,
        paid_on: datetime.date,
        due_on: datetime.date,
        tax_office: str,
        tax_type: str,
        sub_item: str,
        component: str,
        amount: int,
    ) -> None:
        """Count one allocation (negative when money is taken back); paid after ``due_on`` is arrears collected."""
        key = (paid_on, tax_office, tax_type, sub_item, component, paid_on > due_on)
        entry = self.sums.get(key)
        if entry is None:
            self.sums[key] = [amount, 1]
        else:
            entry[0] += amount
            entry[1] += 1

    def records(self) -> list[tuple[Any, ...]]:
        """The sums as ``DayKey`` fields, amount and lines, in no particular order (appended with ``COPY``)."""
        return [(*key, amount, lines) for key, (amount, lines) in self.sums.items()]

    def rows(self) -> list[tuple[DayKey, int, int]]:
        """The sums as (key, amount, lines), in key order (writers lock the summary rows in one order: no deadlock)."""
        return [(DayKey(*key), amount, lines) for key, (amount, lines) in sorted(self.sums.items())]


_DELTA_COLUMNS = [*DayKey._fields, "amount", "lines"]
# The deltas folded into the summary in one statement (concurrent folds take disjoint rows: DELETE locks them).
_FOLD = text(
    "WITH moved AS (DELETE FROM collection_day_delta"
    " RETURNING day, tax_office, tax_type, sub_item, component, overdue, amount, lines)"
    " INSERT INTO collection_day AS c (day, tax_office, tax_type, sub_item, component, overdue, amount, lines)"
    " SELECT day, tax_office, tax_type, sub_item, component, overdue, sum(amount), sum(lines) FROM moved"
    " GROUP BY day, tax_office, tax_type, sub_item, component, overdue"
    " ORDER BY day, tax_office, tax_type, sub_item, component, overdue"
    " ON CONFLICT (day, tax_office, tax_type, sub_item, component, overdue) DO UPDATE"
    " SET amount = c.amount + excluded.amount, lines = c.lines + excluded.lines"
)


async def post(conn: AsyncConnection, days: CollectionDays) -> None:
    """Add ``days`` to the summary in the transaction ``conn`` has open.

    PostgreSQL: appended to ``collection_day_delta`` with ``COPY`` (``fold`` moves them into ``collection_day``);
    SQLite (one writer, small data): added to ``collection_day`` at once.
    """
    if not days.sums:
        return
    if on_postgres(conn):
        await copy_rows(conn, cast("Table", CollectionDayDelta.__table__), _DELTA_COLUMNS, days.records())
        return
    rows = days.rows()
    statement = sqlite_insert(CollectionDay)
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=list(DayKey._fields),
            set_={
                "amount": CollectionDay.amount + statement.excluded.amount,
                "lines": CollectionDay.lines + statement.excluded.lines,
            },
        ),
        [{**key._asdict(), "amount": amount, "lines": lines} for key, amount, lines in rows],
    )


async def fold(session: AsyncSession) -> None:
    """Move the batches' sums into ``collection_day`` (PostgreSQL; nothing to do elsewhere). Caller commits."""
    if on_postgres(session):
        await session.execute(_FOLD)


def collected() -> Subquery:
    """The summary as readers must take it: ``collection_day`` and the sums not folded in yet, row by row."""
    names = [*DayKey._fields, "amount"]
    day = CollectionDay.__table__.c
    delta = CollectionDayDelta.__table__.c
    return union_all(select(*(day[name] for name in names)), select(*(delta[name] for name in names))).subquery(
        "collected"
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
    await session.execute(delete(CollectionDayDelta))
    await session.execute(delete(CollectionDay))
    result = await session.execute(_REBUILD)
    return int(getattr(result, "rowcount", 0) or 0)
