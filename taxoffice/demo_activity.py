"""Demo activity: two years of VAT returns and bank payments, the officer's queues, then the nightly jobs.

Run after ``demo load``. Monthly VAT filers among the demo enterprises (those of the officer's own tax office
first, the demo taxpayer login the very first) file their 01/GTGT returns through the real filing service and
their banks report payments through the real payment service, on the days ``filings.demo_plan`` gives for
``today``: every one before ``today``, after the period's end, on working days for banks. Registration
applications wait in the officer's office, a few payments name no registered taxpayer, and
``reconcile-payments``, ``accrue-interest`` and ``flag-arrears`` run for ``today``, recorded like any run. Accounts,
the arrears worklist and every report then show something. Deterministic for a seed and a day; once per database.
"""

import datetime
import json
import random
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from filings import demo_plan
from filings.demo import vat_values
from filings.errors import AlreadyFiledError
from filings.fine_service import DRAFT, FineService
from filings.forms import find_form
from filings.models import TaxReturn
from filings.periods import parse_period
from filings.services import FilingService
from filings.vocabulary import ReturnStatus
from jobs.runner import run_job_now
from registry import taxcode
from registry.applications import ApplicationService
from registry.models import Taxpayer
from registry.schemas import Address, RegistrationCreate
from registry.services import TaxpayerService
from registry.statuses import TaxpayerStatus
from registry.vocabulary import TaxpayerKind
from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.accounts.payments import PaymentService
from taxoffice.accounts.services import AccountService
from taxoffice.arrears.flagging import latest_day
from taxoffice.arrears.models import DebtorPublication
from taxoffice.arrears.publication_service import PublicationService
from taxoffice.auth import audit
from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, principal_of
from taxoffice.calendar import VN_TZ, WorkingCalendar
from taxoffice.commands import DEMO_TAXPAYER, demo_done
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.demo_instalments import agree_for_demo_taxpayer
from taxoffice.workdays.services import CalendarService

BANK = Principal(user_id=None, username="demo-bank", role=Role.BANK)
DEMO = Principal.system("demo")
M = 1_000_000
# The nightly jobs run once history is in place: reconcile as of today, then interest and arrears as of the last
# fiscal year's end and as of today (in that order: flag-arrears never goes back in time), so the arrears report
# has the year's indicators as well as today's stock.
DATED_JOBS = ("accrue-interest", "flag-arrears")
# Late-filing fines: decided three days after the return, except those of the last 60 days (the officer's queue).
FINES_LEFT_DAYS = datetime.timedelta(days=60)
FINISHED = "demo.activity.finished"  # the audit action marking the whole activity done
FINE_DECIDED_AFTER = datetime.timedelta(days=3)
PUBLISHED_DEBTORS = 5  # at most, the largest qualifying debtors of the office: selected and confirmed for /debtors
# Registration applications left waiting for the officer (the first one past its due date).
APPLICANTS = [
    ("Công ty TNHH Thương mại Hồ Tây", "0109000011", "Quảng An"),
    ("Công ty Cổ phần Dịch vụ Sông Hồng", "0109000012", "Nhật Tân"),
    ("Công ty TNHH Kỹ thuật Long Biên", "0109000013", "Bồ Đề"),
]


@dataclass
class ActivityCounts:
    """What the demo activity made."""

    filers: int = 0
    returns: int = 0
    late_returns: int = 0
    payments: int = 0
    late_payments: int = 0
    applications: int = 0
    unmatched: int = 0
    published: int = 0
    plans: int = 0
    resumed: bool = False
    fines_decided: int = 0
    already_done: bool = False


async def _filers(session: AsyncSession, count: int, first_day: datetime.date, home_office: str) -> list[Taxpayer]:
    """Up to ``count`` active monthly VAT enterprises registered before ``first_day``.

    The demo taxpayer login's enterprise first, then those of ``home_office``, then the others.
    """
    login_code = select(User.tax_code).where(User.username == DEMO_TAXPAYER[0]).scalar_subquery()
    rows = await session.scalars(
        select(Taxpayer)
        .where(
            Taxpayer.kind == TaxpayerKind.ENTERPRISE,
            Taxpayer.status == TaxpayerStatus.ACTIVE,
            Taxpayer.vat_frequency == "monthly",
            Taxpayer.registered_on < first_day,
        )
        .order_by(
            case((Taxpayer.tax_code == login_code, 0), (Taxpayer.tax_office == home_office, 1), else_=2), Taxpayer.id
        )
        .limit(count * 4)
    )
    return [tp for tp in rows if "VAT" in tp.tax_types][:count]


async def _file_and_pay(
    session: AsyncSession,
    rng: random.Random,
    filer: tuple[str, str],
    planned: demo_plan.FilingPlan,
    today: datetime.date,
    calendar: WorkingCalendar,
    counts: ActivityCounts,
) -> None:
    if planned.received_on is None:
        return
    tax_code, tax_office = filer  # plain values: a rollback below expires the session's objects
    sales = rng.randint(80, 2_500) * M
    values = vat_values(sales_10=sales, input_vat=sales // 10 * rng.randint(55, 92) // 100)
    body = json.dumps({"tax_code": tax_code, "form": "01-GTGT", "period": planned.period, "values": values}).encode()
    actor = Principal(user_id=None, username=tax_code, role=Role.TAXPAYER, tax_code=tax_code, tax_office=tax_office)
    at = datetime.datetime.combine(planned.received_on, datetime.time(9, rng.randint(0, 59)), VN_TZ)
    try:
        ret, _new = await FilingService(session, AccountService(session)).submit(
            actor, body, "application/json", None, at.astimezone(datetime.UTC), calendar
        )
        await session.commit()
        counts.returns += 1
        counts.late_returns += ret.days_late > 0
    except AlreadyFiledError:  # filed by a run interrupted part-way: its fine and payment may still be missing
        await session.rollback()
        ret = await _filed(session, tax_code, planned.period)
    fine = await _decide_fine(session, ret, at, today, calendar) if ret.status == ReturnStatus.ACCEPTED else 0
    counts.fines_decided += fine > 0
    if ret.status != ReturnStatus.ACCEPTED or not ret.tax_payable or planned.paid_on is None:
        return
    payment = PaymentRecord(
        bank_ref=f"DEMO-{ret.transaction_code}",
        tax_code=tax_code,
        amount=ret.tax_payable + fine,
        paid_on=planned.paid_on,
        period=planned.period,
        sub_item=find_form(demo_plan.FORM, parse_period(planned.period).end).sub_item,
        tax_office=tax_office,
    )
    await PaymentService(session).record(BANK, payment, today)
    await session.commit()
    counts.payments += 1
    counts.late_payments += planned.paid_on > planned.due_on


async def _filed(session: AsyncSession, tax_code: str, period: str) -> TaxReturn:
    """The accepted original of ``tax_code`` for ``period``, filed by an earlier run."""
    found = await session.scalar(
        select(TaxReturn).where(
            TaxReturn.tax_code == tax_code,
            TaxReturn.period == period,
            TaxReturn.status == ReturnStatus.ACCEPTED,
            TaxReturn.amendment_no == 0,
        )
    )
    if found is None:  # pragma: no cover - AlreadyFiledError means it exists
        raise LookupError(f"no accepted original of {tax_code} for {period}")
    return found


async def _decide_fine(
    session: AsyncSession,
    ret: TaxReturn,
    received_at: datetime.datetime,
    today: datetime.date,
    calendar: WorkingCalendar,
) -> int:
    """The fine decided on a late return received before the last ``FINES_LEFT_DAYS`` days; the amount charged.

    The officer decides it a few days after the return, without circumstances (the fine the text sets); the drafts
    of the last weeks wait on the officer's page (``/officer/fines``).
    """
    if ret.days_late <= 0 or received_at.astimezone(VN_TZ).date() >= today - FINES_LEFT_DAYS:
        return 0
    fines = FineService(session, AccountService(session))
    draft = await fines.for_return(DEMO, ret.id)
    if draft is None:
        return 0
    if draft.status != DRAFT:  # decided by a run interrupted before the payment: the bank pays it still
        return draft.amount if draft.due_on is not None else 0
    decided = await fines.confirm(
        DEMO,
        draft.id,
        mitigating=0,
        aggravating=0,
        paid_before_record=False,
        circumstances="",
        now=(received_at + FINE_DECIDED_AFTER).astimezone(datetime.UTC),
        calendar=calendar,
    )
    await session.commit()
    return decided.amount if decided.due_on is not None else 0


async def _officer_queues(
    session: AsyncSession, settings: Settings, plan: demo_plan.DemoPlan, calendar: WorkingCalendar
) -> tuple[int, int]:
    """Registration applications and payments naming no registered taxpayer, for the officer's office."""
    taxpayers = TaxpayerService(session, default_tax_office=settings.tax_office, code_prefix=settings.tax_code_prefix)
    applications = ApplicationService(session, taxpayers, UserService(session, settings))
    for (name, id_number, ward), day in zip(APPLICANTS, plan.applications, strict=True):
        applicant = Principal.anonymous("demo")
        address = Address(street=f"{len(name)} {ward}", ward=ward)
        data = RegistrationCreate(kind=TaxpayerKind.ENTERPRISE, name=name, id_number=id_number, address=address)
        await applications.submit(applicant, data, datetime.datetime.combine(day, datetime.time(9), VN_TZ), calendar)
    prefix = "79" if settings.tax_code_prefix != "79" else "48"  # codes of another province: never registered here
    unknown, _last = taxcode.codes_for_block(prefix, 0, len(plan.unmatched))
    payments = PaymentService(session)
    for number, (code, day) in enumerate(zip(unknown, plan.unmatched, strict=True), start=1):
        ref = f"DEMO-UNMATCHED-{day:%Y%m%d}-{number}"
        item = PaymentRecord(
            bank_ref=ref, tax_code=code, amount=number * 1_500_000, paid_on=day, tax_office=settings.tax_office
        )
        await payments.record(BANK, item, plan.today)
    return len(plan.applications), len(plan.unmatched)  # committed with the step's mark (load_activity)


async def load_activity(
    settings: Settings, *, filers: int, months: int, seed: int, today: datetime.date
) -> ActivityCounts:
    """File, pay and run the nightly jobs as of ``today``; returns what was made (nothing when already done).

    Two steps, each marked in the audit log when it is complete: the filings, payments and officer's queues
    (``demo.activity``, committed with the queues), then the nightly jobs, the instalment plan and the public list
    (``demo.activity.finished``). A run killed part-way is taken up again by the next: returns already filed are
    found rather than filed again, and each later step runs only what the killed run did not.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    counts = ActivityCounts()
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            finished, filed = await demo_done(session, FINISHED), await demo_done(session, "demo.activity")
            interrupted = await session.scalar(select(TaxReturn.id).where(TaxReturn.status == ReturnStatus.RECEIVED))
        if finished:
            counts.already_done = True
            return counts
        counts.resumed = filed
        if not filed:
            if interrupted is not None:  # a receipt whose decision a killed run never made: decided as the office does
                await run_job_now(settings, "decide-received", None, DEMO)
            async with create_session_factory(engine)() as session:
                await _file_pay_and_queue(session, settings, rng, counts, filers, months, seed, today)
                await audit.record(
                    session, DEMO, "demo.activity", "tax_return", "*", {"as_of": today.isoformat(), "seed": seed}
                )
                await session.commit()
    finally:
        await engine.dispose()
    await _nightly_jobs(settings, today)
    counts.plans = int(await agree_for_demo_taxpayer(settings, today) > 0)  # before the public list: it excludes plans
    counts.published = await _publish_debtors(settings, today)
    await _mark_finished(settings, today)
    return counts


async def _file_pay_and_queue(
    session: AsyncSession,
    settings: Settings,
    rng: random.Random,
    counts: ActivityCounts,
    filers: int,
    months: int,
    seed: int,
    today: datetime.date,
) -> None:
    """The filings and payments of the plan for ``today``, then the officer's queues (left uncommitted)."""
    calendar = await CalendarService(session).calendar()
    plan = demo_plan.plan(today, filers=filers, months=months, seed=seed, is_working_day=calendar.is_working_day)
    chosen = [
        (tp.tax_code, tp.tax_office)
        for tp in await _filers(session, filers, parse_period(plan.periods[0]).start, settings.tax_office)
    ]
    counts.filers = len(chosen)
    for filer, row in zip(chosen, plan.filings, strict=False):
        for planned in row:
            await _file_and_pay(session, rng, filer, planned, today, calendar, counts)
    counts.applications, counts.unmatched = await _officer_queues(session, settings, plan, calendar)


async def _nightly_jobs(settings: Settings, today: datetime.date) -> None:
    """Reconcile as of today; interest and arrears as of last year's end, then today, skipping days flagged already.

    ``flag-arrears`` never goes back in time, so a day before the latest one flagged (by a run killed after it)
    is not run again; today's jobs always run last, and running them again changes nothing.
    """
    await run_job_now(settings, "reconcile-payments", today, DEMO)
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            flagged = await latest_day(session)
    finally:
        await engine.dispose()
    for day in (datetime.date(today.year - 1, 12, 31), today):
        if flagged is not None and day < flagged:
            continue
        for name in DATED_JOBS:
            await run_job_now(settings, name, day, DEMO)


async def _mark_finished(settings: Settings, today: datetime.date) -> None:
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            await audit.record(session, DEMO, FINISHED, "tax_return", "*", {"as_of": today.isoformat()})
            await session.commit()
    finally:
        await engine.dispose()


async def _publish_debtors(settings: Settings, today: datetime.date) -> int:
    """The demo officer selects the office's largest qualifying debtors and the demo manager confirms them.

    At most five, and at most half of those qualifying: the others wait on the officer's page (``/officer/debtors``).
    The public list (``/debtors``) then has entries, put there by the same two steps as in an office.
    """
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            people = {
                user.username: principal_of(user)
                for user in await session.scalars(select(User).where(User.username.in_(["officer", "manager"])))
            }
            if len(people) < 2:  # noqa: PLR2004 - the two demo logins
                return 0
            published = await session.scalar(select(func.count()).select_from(DebtorPublication))
            if published:  # chosen by a run killed after this step
                return int(published)
            publication = PublicationService(session)
            chosen = await publication.candidates(people["officer"], today)
            largest = chosen[: min(PUBLISHED_DEBTORS, len(chosen) // 2)]  # the rest left for the officer to select
            selected = await publication.select(people["officer"], [c.case_id for c in largest], today)
            for entry in selected:
                await publication.confirm(people["manager"], entry.id, today)
            await session.commit()
            return len(selected)
    finally:
        await engine.dispose()
