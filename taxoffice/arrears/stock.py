"""The arrears stock: the open cases' overdue amounts summed by tax office, bucket, category and tax type.

``write_stock`` replaces one day's ``arrears_stock`` rows with one ``INSERT … SELECT``: the open cases grouped by
(tax office, bucket, category) in one pass, each group's counts and sums per tax type side by side, then
unpivoted into a row per tax type by a cross join with the type names (portable: no ``VALUES`` alias
list, which SQLite lacks). Only tax types owed by at least one case make a row; ``ALL`` rows hold every case once, and what
the cases owe on debts more than a year overdue (``amount_over_year``: ageing by amount). The flag-arrears job calls it at
the end of every successful run, in the run's transaction.
"""

import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Date,
    Insert,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears.models import ArrearsCase, ArrearsStock
from taxoffice.arrears.vocabulary import SPLIT_TAX_TYPES, CaseStatus

OTHER = "OTH"
ALL = "ALL"
# The stock's tax types: the split columns of ``arrears_case``, the rest of the total, and every type together
# (``ALL``: each case once, however many types it owes; reports that do not split by tax type read these rows).
TAX_TYPES = (*SPLIT_TAX_TYPES, OTHER, ALL)
_STOCK = cast("Table", ArrearsStock.__table__)


def _amounts() -> dict[str, ColumnElement[int]]:
    """A case's overdue amount of each stock tax type (an uncomputed split counts as 0: all of it is other)."""
    vat = func.coalesce(ArrearsCase.overdue_vat, 0)
    cit = func.coalesce(ArrearsCase.overdue_cit, 0)
    pit = func.coalesce(ArrearsCase.overdue_pit, 0)
    total = cast("ColumnElement[int]", ArrearsCase.overdue_total)
    return {"VAT": vat, "CIT": cit, "PIT": pit, OTHER: total - vat - cit - pit, ALL: total}


def stock_insert(as_of: datetime.date) -> Insert:
    """``INSERT INTO arrears_stock SELECT …``: the stock of ``as_of`` from the open cases as they are now."""
    columns: list[ColumnElement[Any]] = []
    for tax_type, amount in _amounts().items():
        owed = amount > 0
        columns.append(func.count(case((owed, 1))).label(f"cases_{tax_type.lower()}"))
        columns.append(func.sum(case((owed, amount), else_=0)).label(f"amount_{tax_type.lower()}"))
    keys = (ArrearsCase.tax_office, ArrearsCase.bucket, ArrearsCase.category)
    columns.append(func.sum(ArrearsCase.overdue_over_year).label("over_year"))
    groups = select(*keys, *columns).where(ArrearsCase.status == CaseStatus.OPEN).group_by(*keys).subquery("groups")
    types = union_all(*(select(literal(tax_type).label("tax_type")) for tax_type in TAX_TYPES)).subquery("types")

    def picked(measure: str) -> ColumnElement[int]:
        return case(*((types.c.tax_type == name, groups.c[f"{measure}_{name.lower()}"]) for name in TAX_TYPES), else_=0)

    cases = picked("cases")
    over_year = case((types.c.tax_type == ALL, groups.c.over_year), else_=None)
    unpivoted = (
        select(
            literal(as_of, Date).label("as_of"),
            groups.c.tax_office,
            groups.c.bucket,
            groups.c.category,
            types.c.tax_type,
            cases.label("cases"),
            picked("amount").label("amount"),
            over_year.label("amount_over_year"),
        )
        .select_from(groups.join(types, true()))
        .where(cases > 0)
    )
    names = ["as_of", "tax_office", "bucket", "category", "tax_type", "cases", "amount", "amount_over_year"]
    return insert(_STOCK).from_select(names, unpivoted)


async def write_stock(session: AsyncSession, as_of: datetime.date) -> int:
    """Replace the ``arrears_stock`` rows of ``as_of`` by the open cases' stock now; returns the rows written.

    Runs in the session's transaction and does not commit; other days' rows are left as they are.
    """
    await session.execute(delete(_STOCK).where(_STOCK.c.as_of == as_of))
    result = cast("CursorResult[Any]", await session.execute(stock_insert(as_of)))
    return int(result.rowcount)
