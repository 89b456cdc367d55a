"""The arrears report: the stock of overdue debt as a ``flag-arrears`` run saw it, its age, and how it moved.

Every successful ``flag-arrears`` run leaves the open cases' amounts summed by tax office, ageing bucket,
category and tax type in ``arrears_stock``; the report reads the last run on or before the day asked for (a
few thousand rows whatever the number of taxpayers). The indicators are TADAT's stock of arrears (P5, "stock and
flow of arrears"): the arrears at the end of the last complete fiscal year (its last run on or before 31
December) over that year's whole collections, not the year so far; the collectible part apart (frozen and
difficult debts left out); and the collectible arrears more than 12 months overdue as a share of the
collectible arrears, by amount (each debt by its own due date, not its case's oldest). Benchmarks of DOMAIN.md
§8: arrears under 10 % of collections, under 20 % of them older than a year. Movement: the stock at the previous month's last run, what was collected of overdue debt since, what was
written off by decision (``write_off`` actions), and the rest of the change (new debts and interest).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.collections import collected
from taxoffice.arrears.ageing import BUCKETS
from taxoffice.arrears.categories import Category
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.models import ArrearsAction, ArrearsCase, ArrearsStock
from taxoffice.arrears.stock import ALL
from taxoffice.arrears.vocabulary import FLAG_JOB
from taxoffice.jobruns.models import JobRun, JobStatus
from taxoffice.reports._frames import cells
from taxoffice.reports.errors import NoArrearsRunError
from taxoffice.reports.params import ReportQuery
from taxoffice.reports.tables import (
    TAX_OFFICE,
    TAX_TYPE,
    Cell,
    Chart,
    Column,
    Kind,
    Report,
    Section,
    rate,
    total_label,
    totals_row,
)

NAME = "arrears"
DIMENSIONS: dict[str, Column] = {
    "bucket": Column("bucket", "Tuổi nợ (ngày)", "Days overdue"),
    "category": Column("category", "Phân loại", "Category"),
    "tax_type": TAX_TYPE,
    "tax_office": TAX_OFFICE,
}
STOCK_FIGURES = (
    Column("cases", "Số hồ sơ nợ", "Cases", Kind.COUNT, total=True),
    Column("amount", "Số tiền nợ", "Amount overdue", Kind.MONEY, total=True),
    Column("share", "Tỷ trọng (%)", "Share", Kind.PERCENT),
)
INDICATOR_COLUMNS = (
    Column("indicator", "Chỉ tiêu", "Indicator"),
    Column("amount", "Số tiền", "Amount", Kind.MONEY),
    Column("rate", "Tỷ lệ (%)", "Rate", Kind.PERCENT),
    Column("benchmark", "Ngưỡng (%)", "Benchmark", Kind.PERCENT),
    Column("met", "Đạt", "Met"),
)
MOVEMENT_COLUMNS = (
    TAX_TYPE,
    Column("opening", "Nợ đầu kỳ", "Opening stock", Kind.MONEY, total=True),
    Column("collected", "Đã thu nợ", "Collected", Kind.MONEY, total=True),
    Column("written_off", "Đã xóa nợ", "Written off", Kind.MONEY, total=True),
    Column("new", "Phát sinh mới và điều chỉnh", "New and other changes", Kind.MONEY, total=True),
    Column("closing", "Nợ cuối kỳ", "Closing stock", Kind.MONEY, total=True),
)
ARREARS_RATIO = Decimal("0.10")
OLD_SHARE = Decimal("0.20")


async def run_day(session: AsyncSession, on_or_before: datetime.date) -> datetime.date | None:
    """The day of the last successful ``flag-arrears`` run on or before ``on_or_before``."""
    return await session.scalar(
        select(func.max(JobRun.as_of)).where(
            JobRun.name == FLAG_JOB, JobRun.status == JobStatus.SUCCEEDED.value, JobRun.as_of <= on_or_before
        )
    )


async def _stock(session: AsyncSession, day: datetime.date, office: str | None) -> pd.DataFrame:
    query = select(
        ArrearsStock.tax_office,
        ArrearsStock.bucket,
        ArrearsStock.category,
        ArrearsStock.tax_type,
        ArrearsStock.cases,
        ArrearsStock.amount,
        ArrearsStock.amount_over_year,
    ).where(ArrearsStock.as_of == day)
    if office:
        query = query.where(ArrearsStock.tax_office == office)
    rows = [tuple(row) for row in await session.execute(query)]
    names = ["tax_office", "bucket", "category", "tax_type", "cases", "amount", "amount_over_year"]
    data = pd.DataFrame(rows, columns=names)
    return data.astype({"cases": "int64", "amount": "int64", "amount_over_year": "Int64"})


async def _collected(
    session: AsyncSession, start: datetime.date, end: datetime.date, office: str | None, *, overdue_only: bool
) -> dict[str, int]:
    """Collected ``start`` … ``end`` per tax type (only arrears: ``overdue_only``)."""
    day = collected().c
    where: list[ColumnElement[bool]] = [day.day.between(start, end)]
    if office:
        where.append(day.tax_office == office)
    if overdue_only:
        where.append(day.overdue.is_(True))
    query = select(day.tax_type, func.sum(day.amount)).where(and_(*where))
    return {row[0]: int(row[1]) for row in await session.execute(query.group_by(day.tax_type))}


def stock_rows(stock: pd.DataFrame, dims: list[str]) -> list[tuple[object, ...]]:
    """The stock grouped by ``dims`` (cases, amount, share of the whole); one line for the whole when none."""
    by_type = "tax_type" in dims
    data = stock[stock["tax_type"] != ALL] if by_type else stock[stock["tax_type"] == ALL]
    whole = int(data["amount"].sum())
    if not dims:
        return [(int(data["cases"].sum()), whole, rate(whole, whole))]
    grouped = data.groupby(dims, as_index=False, sort=True)[["cases", "amount"]].sum()
    rows = [
        (*(record[d] for d in dims), int(record["cases"]), int(record["amount"]), rate(int(record["amount"]), whole))
        for record in grouped.to_dict("records")
    ]
    return sorted(rows, key=lambda row: tuple(_order(d, row[i]) for i, d in enumerate(dims)))


_BUCKET_ORDER = {bucket.value: index for index, (bucket, _first, _last) in enumerate(BUCKETS)}


def _order(dimension: str, value: object) -> tuple[int, str]:
    """Sort key of a dimension's value: buckets youngest first, anything else alphabetically."""
    if dimension == "bucket":
        return _BUCKET_ORDER.get(str(value), len(_BUCKET_ORDER)), ""
    return 0, str(value)


# Arrears that can be collected: not frozen and not difficult (a kept instalment plan is being collected).
COLLECTIBLE = frozenset({Category.COLLECTIBLE.value, Category.INSTALMENT.value})
# Rows of the indicators section the manager's page shows as headlines.
YEAR_RATIO_ROW = 3
OLD_SHARE_ROW = 7


@dataclass(frozen=True)
class YearEnd:
    """The fiscal year's figures: the stock its last run left (None without a run) and the year's collections."""

    year: int
    stock: pd.DataFrame | None
    collected: int
    run: datetime.date | None


def fiscal_year(day: datetime.date) -> int:
    """The last fiscal year complete on ``day``: the budget year is the calendar year (Law 83/2015 Art. 14)."""
    return day.year if (day.month, day.day) == (12, 31) else day.year - 1


def _figures(stock: pd.DataFrame) -> tuple[int, int, int]:
    """Total arrears, the collectible part, and what of the collectible part is more than a year overdue."""
    whole = stock[stock["tax_type"] == ALL]
    collectible = whole[whole["category"].isin(COLLECTIBLE)]
    old = collectible["amount_over_year"].fillna(0)
    return int(whole["amount"].sum()), int(collectible["amount"].sum()), int(old.sum())


def indicators(stock: pd.DataFrame, run: datetime.date, year_end: YearEnd, lang: str) -> list[tuple[object, ...]]:
    """The TADAT stock-of-arrears indicators of the fiscal year, then the same stock figures on the run's day.

    Ratios are by amount: a 1,000,000 đ debt 400 days overdue beside a 1,000,000,000 đ debt 10 days overdue is
    0.1 % old, however the two fall into cases. Collectible arrears leave out frozen and difficult debts.
    """
    yes, no = ("Đạt", "Không đạt") if lang == "vi" else ("yes", "no")

    def met(value: Decimal | None, limit: Decimal | None) -> str | None:
        return None if value is None or limit is None else (yes if value < limit else no)

    def row(
        name: tuple[str, str], amount: int | None, ratio: Decimal | None, limit: Decimal | None
    ) -> tuple[object, ...]:
        return (name[0] if lang == "vi" else name[1], amount, ratio, limit, met(ratio, limit))

    fy, day = year_end.year, f"{run:%d/%m/%Y}"
    total = collectible = old = None
    if year_end.stock is not None:
        total, collectible, old = _figures(year_end.stock)
    now_total, now_collectible, now_old = _figures(stock)

    def share(part: int | None, whole: int | None) -> Decimal | None:
        return None if part is None or whole is None else rate(part, whole)

    return [
        row((f"Tổng nợ thuế cuối năm {fy}", f"Total arrears at the end of {fy}"), total, None, None),
        row((f"Nợ có khả năng thu cuối năm {fy}", f"Collectible arrears at the end of {fy}"), collectible, None, None),
        row((f"Tổng số thu năm {fy}", f"Collections in {fy}"), year_end.collected, None, None),
        row(
            (f"Tổng nợ / tổng số thu năm {fy}", f"Arrears / collections of {fy}"),
            None,
            share(total, year_end.collected),
            ARREARS_RATIO,
        ),
        row(
            (f"Nợ có khả năng thu / tổng số thu năm {fy}", f"Collectible arrears / collections of {fy}"),
            None,
            share(collectible, year_end.collected),
            None,
        ),
        row(
            (f"Nợ có khả năng thu quá hạn trên 12 tháng, cuối năm {fy}", f"Collectible, over 12 months, end of {fy}"),
            old,
            share(old, collectible),
            OLD_SHARE,
        ),
        row((f"Tổng nợ thuế ngày {day}", f"Total arrears on {day}"), now_total, None, None),
        row(
            (f"Nợ có khả năng thu quá hạn trên 12 tháng, ngày {day}", f"Collectible, over 12 months, on {day}"),
            now_old,
            rate(now_old, now_collectible),
            OLD_SHARE,
        ),
    ]


async def _year_end(session: AsyncSession, year: int, office: str | None) -> YearEnd:
    """The fiscal year's collections and the stock of its last ``flag-arrears`` run (none: no stock)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    collected = await _collected(session, start, end, office, overdue_only=False)
    run = await run_day(session, end)
    stock = await _stock(session, run, office) if run is not None and run >= start else None
    return YearEnd(year, stock, sum(collected.values()), run if stock is not None else None)


async def _written_off(
    session: AsyncSession, start: datetime.date, end: datetime.date, office: str | None
) -> dict[str, int]:
    """Written off ``start`` … ``end`` per tax type, from the write-off actions' details (a handful a month)."""
    query = (
        select(ArrearsAction.details)
        .join(ArrearsCase, ArrearsCase.id == ArrearsAction.case_id)
        .where(ArrearsAction.kind == ActionKind.WRITE_OFF.value, ArrearsAction.taken_on.between(start, end))
    )
    if office:
        query = query.where(ArrearsCase.tax_office == office)
    written: dict[str, int] = {}
    for details in await session.scalars(query):
        for tax_type, amount in dict(details.get("written_off") or {}).items():
            written[tax_type] = written.get(tax_type, 0) + int(amount)
    return written


def movement_rows(
    opening: pd.DataFrame, closing: pd.DataFrame, collected: dict[str, int], written_off: dict[str, int]
) -> list[tuple[object, ...]]:
    """Per tax type: opening stock, arrears collected, written off, the rest of the change, closing stock."""

    def per_type(stock: pd.DataFrame) -> dict[str, int]:
        data = stock[stock["tax_type"] != ALL]
        return {str(k): int(v) for k, v in data.groupby("tax_type")["amount"].sum().items()}

    before, after = per_type(opening), per_type(closing)
    rows: list[tuple[object, ...]] = []
    for tax_type in sorted(set(before) | set(after) | set(collected) | set(written_off)):
        start, end, paid = before.get(tax_type, 0), after.get(tax_type, 0), collected.get(tax_type, 0)
        gone = written_off.get(tax_type, 0)
        rows.append((tax_type, start, paid, gone, end - start + paid + gone, end))
    return rows


async def arrears_report(
    session: AsyncSession, query: ReportQuery, *, generated_by: str, now: datetime.datetime
) -> Report:
    """The arrears report as of ``query.as_of`` (default: the report's end day)."""
    asked = query.as_of or query.end
    day = await run_day(session, asked)
    if day is None:
        raise NoArrearsRunError(asked)
    month_start = day.replace(day=1)
    opening_day = await run_day(session, month_start - datetime.timedelta(days=1))
    stock = await _stock(session, day, query.tax_office)
    opening = await _stock(session, opening_day, query.tax_office) if opening_day else stock.iloc[0:0]
    year_end = await _year_end(session, fiscal_year(asked), query.tax_office)
    since = (opening_day or month_start - datetime.timedelta(days=1)) + datetime.timedelta(days=1)
    collected = await _collected(session, since, day, query.tax_office, overdue_only=True)
    written_off = await _written_off(session, since, day, query.tax_office)
    dims = list(query.group_by)
    stock_columns = (*(DIMENSIONS[d] for d in dims), *STOCK_FIGURES)
    rows = [cells(row, stock_columns) for row in stock_rows(stock, dims)]
    moves = [cells(row, MOVEMENT_COLUMNS) for row in movement_rows(opening, stock, collected, written_off)]
    first = stock_columns[0].key
    sections = (
        Section(
            "stock",
            "Tồn nợ",
            "Arrears stock",
            stock_columns,
            rows,
            _totals(stock_columns, rows, total_label(query.lang)) if dims else None,
            Chart("bar", first, ("amount",), "Số tiền nợ", "Amount overdue") if dims else None,
        ),
        Section(
            "indicators",
            "Chỉ tiêu",
            "Indicators",
            INDICATOR_COLUMNS,
            [cells(row, INDICATOR_COLUMNS) for row in indicators(stock, day, year_end, query.lang)],
        ),
        Section(
            "movement",
            "Biến động nợ",
            "Movement",
            MOVEMENT_COLUMNS,
            moves,
            totals_row(MOVEMENT_COLUMNS, moves, total_label(query.lang)),
            Chart(
                "bar", "tax_type", ("opening", "collected", "written_off", "new", "closing"), "Biến động nợ", "Movement"
            ),
        ),
    )
    parameters = query.describe() | {
        "flag_arrears_run": day.isoformat(),
        "opening_run": opening_day.isoformat() if opening_day else "-",
        "fiscal_year": str(year_end.year),
        "fiscal_year_end_run": year_end.run.isoformat() if year_end.run else "-",
    }
    return Report(NAME, "Báo cáo nợ thuế", "Arrears report", parameters, now, generated_by, sections)


def _totals(columns: tuple[Column, ...], rows: list[tuple[Cell, ...]], label: str) -> tuple[Cell, ...]:
    values = list(totals_row(columns, rows, label))
    values[[c.key for c in columns].index("share")] = rate(1, 1) if rows else None
    return tuple(values)
