"""Demo activity: months of VAT returns and bank payments, then the nightly jobs, so every screen has data.

Run after ``demo load``. Some monthly VAT filers among the demo enterprises file their 01/GTGT returns through the
real filing service, as of days around each deadline (most on time, some late with their fine, a few never);
banks report payments through the real payment service (most on time, some late, some never); then
``reconcile-payments``, ``accrue-interest`` and ``flag-arrears`` run for today, recorded like any run. Accounts,
the arrears worklist and every report then show something. Deterministic for a seed; run it once (a second run
skips the periods already filed).
"""

import datetime
import json
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.demo import vat_values
from filings.errors import AlreadyFiledError
from filings.forms import find_form
from filings.periods import PeriodKind, effective_deadline, parse_period
from filings.services import FilingService
from jobs.runner import run_job_now
from registry.models import Taxpayer
from taxoffice.accounts.payments import PaymentRecord, PaymentService
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import VN_TZ, WorkingCalendar, today_vn
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.workdays.services import CalendarService

BANK = Principal(user_id=None, username="demo-bank", role=Role.BANK)
M = 1_000_000
JOBS = ("reconcile-payments", "accrue-interest", "flag-arrears")


@dataclass
class ActivityCounts:
    """What the demo activity made."""

    filers: int = 0
    returns: int = 0
    late_returns: int = 0
    payments: int = 0
    late_payments: int = 0


def month_labels(today: datetime.date, months: int) -> list[str]:
    """The ``months`` whole months before ``today``'s month, oldest first (``2026-10``)."""
    labels: list[str] = []
    year, month = today.year, today.month
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        labels.append(f"{year}-{month:02d}")
    return labels[::-1]


async def _filers(session: AsyncSession, count: int, first_day: datetime.date) -> list[tuple[str, str]]:
    """Up to ``count`` active monthly VAT enterprises registered before ``first_day``: (tax code, tax office)."""
    rows = await session.execute(
        select(Taxpayer.tax_code, Taxpayer.tax_office, Taxpayer.tax_types)
        .where(
            Taxpayer.kind == "enterprise",
            Taxpayer.status == "00",
            Taxpayer.vat_frequency == "monthly",
            Taxpayer.registered_on < first_day,
        )
        .order_by(Taxpayer.id)
        .limit(count * 4)
    )
    return [(row.tax_code, row.tax_office) for row in rows if "VAT" in row.tax_types][:count]


def _received_on(rng: random.Random, due_on: datetime.date, today: datetime.date) -> datetime.date | None:
    """When the return arrives: mostly in the ten days up to the deadline, some late, a few never (None)."""
    roll = rng.random()
    if roll < 0.08:  # noqa: PLR2004 - the share that never files
        return None
    if roll < 0.20:  # noqa: PLR2004 - the share that files late
        return min(due_on + datetime.timedelta(days=rng.randint(1, 75)), today - datetime.timedelta(days=1))
    return due_on - datetime.timedelta(days=rng.randint(0, 10))


def _paid_on(rng: random.Random, due_on: datetime.date, today: datetime.date) -> datetime.date | None:
    """When the tax is paid: mostly by the deadline, some late, some not yet (None)."""
    roll = rng.random()
    if roll < 0.12:  # noqa: PLR2004 - the share not paid yet
        return None
    if roll < 0.27:  # noqa: PLR2004 - the share paid late
        late = due_on + datetime.timedelta(days=rng.randint(3, 150))
        return late if late < today else None
    on_time = due_on - datetime.timedelta(days=rng.randint(0, 5))
    return on_time if on_time <= today else None  # a deadline still ahead: not paid yet


async def _file_and_pay(
    session: AsyncSession,
    rng: random.Random,
    filer: tuple[str, str],
    label: str,
    today: datetime.date,
    calendar: WorkingCalendar,
    counts: ActivityCounts,
) -> None:
    tax_code, tax_office = filer
    period = parse_period(label)
    form = find_form("01/GTGT", period.end)
    due_on = effective_deadline(form.deadline_rules[PeriodKind.MONTH], period, calendar.is_working_day)
    received_on = _received_on(rng, due_on, today)
    if received_on is None or received_on >= today:
        return
    sales = rng.randint(80, 2_500) * M
    values = vat_values(sales_10=sales, input_vat=sales // 10 * rng.randint(55, 92) // 100)
    body = json.dumps({"tax_code": tax_code, "form": "01-GTGT", "period": label, "values": values}).encode()
    actor = Principal(user_id=None, username=tax_code, role=Role.TAXPAYER, tax_code=tax_code, tax_office=tax_office)
    at = datetime.datetime.combine(received_on, datetime.time(9, rng.randint(0, 59)), VN_TZ)
    try:
        ret, _new = await FilingService(session, AccountService(session)).submit(
            actor, body, "application/json", None, at.astimezone(datetime.UTC), calendar
        )
    except AlreadyFiledError:  # filed by an earlier run
        await session.rollback()
        return
    await session.commit()
    counts.returns += 1
    counts.late_returns += ret.days_late > 0
    paid_on = _paid_on(rng, due_on, today)
    if ret.status != "accepted" or not ret.tax_payable or paid_on is None:
        return
    payment = PaymentRecord(
        bank_ref=f"DEMO-{ret.transaction_code}",
        tax_code=tax_code,
        amount=ret.tax_payable + (ret.fine or 0),
        paid_on=paid_on,
        period=label,
        sub_item=form.sub_item,
        tax_office=tax_office,
    )
    await PaymentService(session).record(BANK, payment, today)
    await session.commit()
    counts.payments += 1
    counts.late_payments += paid_on > due_on


async def load_activity(settings: Settings, *, filers: int, months: int, seed: int) -> ActivityCounts:
    """File, pay and run the nightly jobs for today (Hanoi); returns what was made."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    today = today_vn()
    labels = month_labels(today, months)
    counts = ActivityCounts()
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            calendar = await CalendarService(session).calendar()
            chosen = await _filers(session, filers, parse_period(labels[0]).start)
            counts.filers = len(chosen)
            for label in labels:
                for filer in chosen:
                    await _file_and_pay(session, rng, filer, label, today, calendar, counts)
    finally:
        await engine.dispose()
    for name in JOBS:
        await run_job_now(settings, name, today, Principal.system("demo"))
    return counts
