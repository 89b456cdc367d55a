"""The compliance report: returns filed on time, tax paid on time, registration applications decided on time.

Every section counts deadlines that have passed: those from the report's start to its end, but before the
as-of day (``query.as_of``, default today in Hanoi; a deadline on that day may still be met). Events (returns
received, decisions) count up to the end of the as-of day, so a report run again later for the same as-of day
gives the same figures, payments recorded late with an earlier payment date aside. Periods are those of the
deadline (``query.grain``).

- ``filing``: returns owed (from the obligation rules, see ``_compliance_filing``) against accepted originals.
- ``payment``: tax charges (kind ``tax``, amount above zero) by due date, against what allocations dated on or
  before the due date paid of their tax (capped at the charge). A reduction of a charge (a negative charge)
  is not netted against it: a charge later reduced counts at its first amount.
- ``registrations``: applications by due date, decided (approved or rejected) on time, late, or not yet.
  Each application names the office it is sent to: with ``query.tax_office`` the section counts that office's
  applications, without it every office's.

Groupings: ``form`` (filing only), ``tax_type`` (the form's, or the charge's), ``tax_period`` (the return's or
the charge's own period), ``tax_office`` (the taxpayer's office now); each section uses those that apply to it.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from registry.models import RegistrationApplication, Taxpayer
from taxoffice.accounts.models import Allocation, Charge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.calendar import VN_TZ
from taxoffice.reports._compliance_filing import FILING_DIMENSIONS, Window, filed_in, filing_rows, owed_in
from taxoffice.reports._frames import cells, year_month
from taxoffice.reports.params import Grain, ReportQuery, period_label, period_labels
from taxoffice.reports.tables import (
    TAX_OFFICE,
    TAX_TYPE,
    Cell,
    Chart,
    Column,
    Kind,
    Lang,
    Report,
    Section,
    rate,
    total_label,
    totals_row,
)
from taxoffice.workdays.services import CalendarService

NAME = "compliance"
DIMENSIONS: dict[str, Column] = {
    "form": Column("form", "Mẫu tờ khai", "Form"),
    "tax_type": TAX_TYPE,
    "tax_period": Column("tax_period", "Kỳ tính thuế", "Tax period"),
    "tax_office": TAX_OFFICE,
}
PAYMENT_DIMENSIONS = ("tax_type", "tax_period", "tax_office")
PERIOD = Column("period", "Kỳ (theo hạn)", "Period (of the deadline)")
FILING_FIGURES = (
    Column("due", "Tờ khai phải nộp", "Returns due", Kind.COUNT, total=True),
    Column("on_time", "Nộp đúng hạn", "Filed on time", Kind.COUNT, total=True),
    Column("late", "Nộp chậm", "Filed late", Kind.COUNT, total=True),
    Column("not_filed", "Chưa nộp", "Not filed", Kind.COUNT, total=True),
    Column("on_time_rate", "Tỷ lệ nộp đúng hạn (%)", "On-time rate", Kind.PERCENT),
    Column("by_taxpayer", "NNT tự nộp điện tử", "Filed by the taxpayer", Kind.COUNT, total=True),
    Column("e_filed_share", "Tỷ lệ NNT tự nộp (%)", "E-filed share", Kind.PERCENT),
)
PAYMENT_FIGURES = (
    Column("charges", "Khoản thuế đến hạn", "Tax charges due", Kind.COUNT, total=True),
    Column("amount_due", "Số thuế đến hạn", "Amount due", Kind.MONEY, total=True),
    Column("paid_count", "Khoản nộp đủ đúng hạn", "Paid in full on time", Kind.COUNT, total=True),
    Column("paid_amount", "Số nộp đúng hạn", "Amount paid on time", Kind.MONEY, total=True),
    Column("count_rate", "Tỷ lệ theo số khoản (%)", "Rate by count", Kind.PERCENT),
    Column("amount_rate", "Tỷ lệ theo số tiền (%)", "Rate by amount", Kind.PERCENT),
)
REGISTRATION_COLUMNS = (
    PERIOD,
    Column("due", "Hồ sơ đến hạn giải quyết", "Applications due", Kind.COUNT, total=True),
    Column("on_time", "Giải quyết đúng hạn", "Decided on time", Kind.COUNT, total=True),
    Column("late", "Giải quyết quá hạn", "Decided late", Kind.COUNT, total=True),
    Column("undecided", "Quá hạn chưa giải quyết", "Undecided past due", Kind.COUNT, total=True),
    Column("on_time_rate", "Tỷ lệ đúng hạn (%)", "On-time rate", Kind.PERCENT),
)


def window_of(query: ReportQuery, now: datetime.datetime) -> Window:
    """The deadlines the report counts: ``query.start`` … ``query.end``, before the as-of day."""
    as_of = query.as_of or now.astimezone(VN_TZ).date()
    end = min(query.end, as_of - datetime.timedelta(days=1))
    return Window(start=query.start, end=end, as_of=as_of, tax_office=query.tax_office)


def _dims(query: ReportQuery, applicable: Sequence[str]) -> list[str]:
    """The groupings asked for that a section can use, in the order asked."""
    return [name for name in query.group_by if name in applicable]


async def payment_rows(
    session: AsyncSession, window: Window, dims: Sequence[str], grain: Grain
) -> list[tuple[object, ...]]:
    """Rows (period of the due date, dimensions, charges, due, paid in full, paid, rate by count, by amount)."""
    if window.empty:
        return []
    due = Charge.due_on.between(window.start, window.end)
    charged = aliased(Charge)
    paid = (
        select(Allocation.charge_id.label("charge_id"), func.sum(Allocation.amount).label("paid"))
        .join(charged, charged.id == Allocation.charge_id)
        .where(
            Allocation.component == ChargeKind.TAX.value,
            Allocation.paid_on <= charged.due_on,
            charged.kind == ChargeKind.TAX.value,
            charged.amount > 0,
            charged.due_on.between(window.start, window.end),
        )
        .group_by(Allocation.charge_id)
        .subquery("paid")
    )
    paid_in = func.coalesce(paid.c.paid, 0)
    y, m = year_month(Charge.due_on)
    by_name: dict[str, InstrumentedAttribute[str]] = {
        "tax_type": Charge.tax_type,
        "tax_period": Charge.period,
        "tax_office": Taxpayer.tax_office,
    }
    keys = [by_name[name] for name in dims]
    query = (
        select(
            y,
            m,
            *keys,
            func.count(),
            func.sum(Charge.amount),
            func.sum(case((paid_in >= Charge.amount, 1), else_=0)),
            func.sum(case((paid_in >= Charge.amount, Charge.amount), (paid_in > 0, paid_in), else_=0)),
        )
        .select_from(Charge)
        .outerjoin(paid, paid.c.charge_id == Charge.id)
        .where(Charge.kind == ChargeKind.TAX.value, Charge.amount > 0, due)
        .group_by(y, m, *keys)
    )
    if "tax_office" in dims or window.tax_office:
        query = query.join(Taxpayer, Taxpayer.id == Charge.taxpayer_id)
    if window.tax_office:
        query = query.where(Taxpayer.tax_office == window.tax_office)
    sums: dict[tuple[object, ...], list[int]] = {}
    for row in await session.execute(query):
        key = (period_label(int(row[0]), int(row[1]), grain), *row[2 : 2 + len(keys)])
        figures = sums.setdefault(key, [0, 0, 0, 0])
        for index, value in enumerate(row[2 + len(keys) :]):
            figures[index] += int(value or 0)
    if not dims:
        for label in period_labels(window.start, window.end, grain):
            sums.setdefault((label,), [0, 0, 0, 0])
    return [
        (*key, count, amount, full, paid_amount, rate(full, count), rate(paid_amount, amount))
        for key, (count, amount, full, paid_amount) in sorted(sums.items(), key=lambda item: [str(v) for v in item[0]])
    ]


def _hanoi_date(column: Any, dialect: str) -> ColumnElement[Any]:  # noqa: ANN401 - any instant column
    """The date in Hanoi of a UTC instant column."""
    if dialect == "postgresql":
        return cast(func.timezone(VN_TZ.key, column), Date)
    return func.date(column, "+7 hours")  # SQLite keeps UTC text; Hanoi is UTC+7 all year (no summer time)


async def registration_rows(session: AsyncSession, window: Window, grain: Grain) -> list[tuple[object, ...]]:
    """Rows (period of the due date, due, decided on time, decided late, undecided past due, on-time rate)."""
    if window.empty:
        return []
    app = RegistrationApplication
    decided = and_(app.decided_at.is_not(None), app.decided_at < window.until)
    decided_on = _hanoi_date(app.decided_at, session.get_bind().dialect.name)
    y, m = year_month(app.due_on)
    query = (
        select(
            y,
            m,
            func.count(),
            func.sum(case((and_(decided, decided_on <= app.due_on), 1), else_=0)),
            func.sum(case((and_(decided, decided_on > app.due_on), 1), else_=0)),
        )
        .where(app.due_on.between(window.start, window.end))
        .group_by(y, m)
    )
    if window.tax_office:
        query = query.where(app.tax_office == window.tax_office)
    sums = {label: [0, 0, 0] for label in period_labels(window.start, window.end, grain)}
    for row in await session.execute(query):
        figures = sums.setdefault(period_label(int(row[0]), int(row[1]), grain), [0, 0, 0])
        for index, value in enumerate(row[2:]):
            figures[index] += int(value or 0)
    return [
        (label, due, on_time, late, due - on_time - late, rate(on_time, due))
        for label, (due, on_time, late) in sorted(sums.items())
    ]


def _with_rates(
    totals: tuple[Cell, ...], columns: Sequence[Column], rates: dict[str, tuple[str, ...]]
) -> tuple[Cell, ...]:
    """The totals row with each rate column filled in: ``rates[key]`` names its part and the whole's parts."""
    keys = [column.key for column in columns]
    values = list(totals)

    def total(key: str) -> int:
        value = values[keys.index(key)]
        return value if isinstance(value, int) else 0

    for key, (part, *whole) in rates.items():
        values[keys.index(key)] = rate(total(part), sum(total(name) for name in whole))
    return tuple(values)


def _table(
    columns: tuple[Column, ...], raw: list[tuple[object, ...]], lang: Lang, rates: dict[str, tuple[str, ...]]
) -> tuple[list[tuple[Cell, ...]], tuple[Cell, ...]]:
    """A section's rows as cells, and its totals row with the overall rates."""
    rows = [cells(row, columns) for row in raw]
    totals = totals_row(columns, rows, total_label(lang))
    return rows, _with_rates(totals, columns, rates)


async def compliance_report(
    session: AsyncSession, query: ReportQuery, *, generated_by: str, now: datetime.datetime
) -> Report:
    """The compliance report for ``query``."""
    window = window_of(query, now)
    calendar = await CalendarService(session).calendar()
    filing_dims = _dims(query, FILING_DIMENSIONS)
    by_office = "tax_office" in filing_dims
    owed_ = await owed_in(session, window, by_office, calendar.is_working_day)
    filed = await filed_in(session, window, owed_, by_office)
    filing_columns = (PERIOD, *(DIMENSIONS[name] for name in filing_dims), *FILING_FIGURES)
    filing = _table(
        filing_columns,
        filing_rows(owed_, filed, filing_dims, query.grain, window),
        query.lang,
        {"on_time_rate": ("on_time", "due"), "e_filed_share": ("by_taxpayer", "on_time", "late")},
    )
    payment_dims = _dims(query, PAYMENT_DIMENSIONS)
    payment_columns = (PERIOD, *(DIMENSIONS[name] for name in payment_dims), *PAYMENT_FIGURES)
    payment = _table(
        payment_columns,
        await payment_rows(session, window, payment_dims, query.grain),
        query.lang,
        {"count_rate": ("paid_count", "charges"), "amount_rate": ("paid_amount", "amount_due")},
    )
    registrations = _table(
        REGISTRATION_COLUMNS,
        await registration_rows(session, window, query.grain),
        query.lang,
        {"on_time_rate": ("on_time", "due")},
    )
    sections = (
        Section(
            "filing",
            "Nộp tờ khai đúng hạn",
            "On-time filing",
            filing_columns,
            *filing,
            Chart(
                "bar",
                "period",
                ("on_time", "late", "not_filed"),
                "Tờ khai nộp đúng hạn, nộp chậm, chưa nộp",
                "Returns filed on time, late, not filed",
            ),
        ),
        Section(
            "payment",
            "Nộp thuế đúng hạn",
            "On-time payment",
            payment_columns,
            *payment,
            Chart(
                "bar",
                "period",
                ("amount_due", "paid_amount"),
                "Số thuế đến hạn và số nộp đúng hạn",
                "Tax due and paid on time",
            ),
        ),
        Section(
            "registrations",
            "Giải quyết hồ sơ đăng ký thuế đúng hạn",
            "Registration applications decided on time",
            REGISTRATION_COLUMNS,
            *registrations,
            Chart(
                "bar",
                "period",
                ("on_time", "late", "undecided"),
                "Hồ sơ giải quyết đúng hạn, quá hạn, chưa giải quyết",
                "Applications decided on time, late, undecided",
            ),
        ),
    )
    parameters = query.describe() | {"as_of": window.as_of.isoformat()}
    return Report(NAME, "Báo cáo tuân thủ", "Compliance report", parameters, now, generated_by, sections)
