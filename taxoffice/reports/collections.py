"""The collections report: money applied to charges, by period, tax type, sub-item, component and tax office.

It reads the daily summary (``taxoffice.accounts.collections.collected``, kept by the reconcile job with each
batch of allocations), never the allocation ledger itself: a year is a few hundred thousand summary rows at most. The same days a year earlier give the
growth; the targets managers set give the year's progress. Money counts as collected once it is applied to
a charge (``reconcile-payments``); money waiting as a credit or unmatched is in the payments queue.
"""

import datetime

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.collections import collected
from taxoffice.reports._frames import add_period, cells, frame, year_month
from taxoffice.reports.models import CollectionTarget
from taxoffice.reports.params import ReportQuery, period_labels, shift_year
from taxoffice.reports.tables import (
    PERIOD,
    TAX_OFFICE,
    TAX_TYPE,
    Cell,
    Chart,
    Column,
    Kind,
    Report,
    Section,
    growth,
    rate,
    total_label,
    totals_row,
)

NAME = "collections"
DIMENSIONS: dict[str, Column] = {
    "tax_type": TAX_TYPE,
    "sub_item": Column("sub_item", "Tiểu mục", "Budget sub-item"),
    "component": Column("component", "Khoản", "Component"),
    "tax_office": TAX_OFFICE,
}
FIGURES = (
    Column("collected", "Số đã thu", "Collected", Kind.MONEY, total=True),
    Column("of_arrears", "Trong đó thu nợ", "Of which arrears", Kind.MONEY, total=True),
    Column("collected_year_earlier", "Cùng kỳ năm trước", "Same period last year", Kind.MONEY, total=True),
    Column("growth", "Tăng/giảm", "Change", Kind.MONEY, total=True),
    Column("growth_rate", "Tăng/giảm (%)", "Change (%)", Kind.PERCENT),
)
TARGET_COLUMNS = (
    Column("year", "Năm", "Year"),
    TAX_OFFICE,
    TAX_TYPE,
    Column("target", "Dự toán", "Target", Kind.MONEY, total=True),
    Column("collected", "Lũy kế đã thu", "Collected to date", Kind.MONEY, total=True),
    Column("progress", "Đạt (%)", "Progress", Kind.PERCENT),
    Column("collected_year_earlier", "Cùng kỳ năm trước", "Same span last year", Kind.MONEY, total=True),
    Column("growth_rate", "Tăng/giảm (%)", "Change (%)", Kind.PERCENT),
)
_KEYS = ["tax_office", "tax_type", "sub_item", "component"]


async def _sums(session: AsyncSession, start: datetime.date, end: datetime.date, office: str | None) -> pd.DataFrame:
    """Collected (and of it, arrears) per month and every dimension, ``start`` … ``end``."""
    day = collected().c
    y, m = year_month(day.day)
    dims = [day[name] for name in _KEYS]
    query = (
        select(
            y,
            m,
            *dims,
            func.sum(day.amount).label("collected"),
            func.sum(case((day.overdue, day.amount), else_=0)).label("of_arrears"),
        )
        .where(day.day.between(start, end))
        .group_by(y, m, *dims)
    )
    if office:
        query = query.where(day.tax_office == office)
    rows = (await session.execute(query)).all()
    return frame(rows, ["y", "m", *_KEYS, "collected", "of_arrears"], ["collected", "of_arrears"])


def shape(current: pd.DataFrame, earlier: pd.DataFrame, query: ReportQuery) -> list[tuple[object, ...]]:
    """Rows (period, dimensions, figures) for every period and dimension value with money this year or last."""
    dims = list(query.group_by)
    labels = period_labels(query.start, query.end, query.grain)
    if not earlier.empty:
        earlier = earlier.assign(y=earlier["y"] + 1)  # compared with the same period a year later
    keys = ["period", *dims]
    now = _grouped(current, query, keys, ["collected", "of_arrears"])
    before = _grouped(earlier, query, keys, ["collected"]).rename(columns={"collected": "collected_year_earlier"})
    both = now.merge(before, on=keys, how="outer") if not now.empty or not before.empty else now
    if both.empty:
        return [(label, *([None] * len(dims)), 0, 0, 0, 0, None) for label in labels] if not dims else []
    for name in ("collected", "of_arrears", "collected_year_earlier"):
        both[name] = both[name].fillna(0).astype("int64") if name in both else 0
    both = both[both["period"].isin(labels)].sort_values(keys)
    return [
        (
            *(record[key] for key in keys),
            int(record["collected"]),
            int(record["of_arrears"]),
            int(record["collected_year_earlier"]),
            int(record["collected"]) - int(record["collected_year_earlier"]),
            growth(int(record["collected"]), int(record["collected_year_earlier"])),
        )
        for record in both.to_dict("records")
    ]


def _grouped(data: pd.DataFrame, query: ReportQuery, keys: list[str], sums: list[str]) -> pd.DataFrame:
    if data.empty:
        return pd.DataFrame(columns=[*keys, *sums])
    return add_period(data, query.grain).groupby(keys, as_index=False)[sums].sum()


async def _targets(session: AsyncSession, query: ReportQuery) -> list[tuple[object, ...]]:
    """Each target of the years the report covers, against what was collected from 1 January to the report's end."""
    wanted = select(CollectionTarget).where(CollectionTarget.year.between(query.start.year, query.end.year))
    if query.tax_office:
        wanted = wanted.where(CollectionTarget.tax_office == query.tax_office)
    targets = list(await session.scalars(wanted.order_by(CollectionTarget.year, CollectionTarget.tax_office)))
    rows: list[tuple[object, ...]] = []
    for year in sorted({target.year for target in targets}):
        end = min(query.end, datetime.date(year, 12, 31))
        start = datetime.date(year, 1, 1)
        now = await _totals(session, start, end, query.tax_office)
        before = await _totals(session, shift_year(start), shift_year(end), query.tax_office)
        for target in (t for t in targets if t.year == year):
            collected, earlier = _match(now, target), _match(before, target)
            office, tax_type = target.tax_office or "*", target.tax_type or "*"
            rows.append(
                (
                    str(year),
                    office,
                    tax_type,
                    target.amount,
                    collected,
                    rate(collected, target.amount),
                    earlier,
                    growth(collected, earlier),
                )
            )
    return rows


async def _totals(
    session: AsyncSession, start: datetime.date, end: datetime.date, office: str | None
) -> dict[tuple[str, str], int]:
    """Collected ``start`` … ``end`` per (tax office, tax type)."""
    day = collected().c
    query = (
        select(day.tax_office, day.tax_type, func.sum(day.amount))
        .where(day.day.between(start, end))
        .group_by(day.tax_office, day.tax_type)
    )
    if office:
        query = query.where(day.tax_office == office)
    return {(row[0], row[1]): int(row[2]) for row in await session.execute(query)}


def _match(totals: dict[tuple[str, str], int], target: CollectionTarget) -> int:
    """What was collected under ``target``'s office and tax type (``""``: any)."""
    return sum(
        amount
        for (office, tax_type), amount in totals.items()
        if target.tax_office in {"", office} and target.tax_type in {"", tax_type}
    )


async def collections_report(
    session: AsyncSession, query: ReportQuery, *, generated_by: str, now: datetime.datetime
) -> Report:
    """The collections report for ``query``."""
    current = await _sums(session, query.start, query.end, query.tax_office)
    earlier = await _sums(session, shift_year(query.start), shift_year(query.end), query.tax_office)
    columns = (PERIOD, *(DIMENSIONS[name] for name in query.group_by), *FIGURES)
    rows = [cells(row, columns) for row in shape(current, earlier, query)]
    target_rows = [cells(row, TARGET_COLUMNS) for row in await _targets(session, query)]
    sections = (
        Section(
            "collections",
            "Số thu theo kỳ",
            "Collections by period",
            columns,
            rows,
            _with_rate(totals_row(columns, rows, total_label(query.lang)), columns),
            Chart(
                "bar",
                "period",
                ("collected", "collected_year_earlier"),
                "Số thu so với cùng kỳ",
                "Collections vs last year",
            ),
        ),
        Section(
            "targets",
            "Tiến độ dự toán",
            "Progress against targets",
            TARGET_COLUMNS,
            target_rows,
            None,
            Chart("bar", "tax_type", ("target", "collected"), "Dự toán và số đã thu", "Targets and collections"),
        ),
    )
    return Report(NAME, "Báo cáo số thu", "Collections report", query.describe(), now, generated_by, sections)


def _with_rate(totals: tuple[Cell, ...], columns: tuple[Column, ...]) -> tuple[Cell, ...]:
    """The totals row with the overall change rate filled in."""
    keys = [column.key for column in columns]
    values = list(totals)
    collected, earlier = values[keys.index("collected")], values[keys.index("collected_year_earlier")]
    if isinstance(collected, int) and isinstance(earlier, int):
        values[keys.index("growth_rate")] = growth(collected, earlier)
    return tuple(values)
