"""The flag-arrears job on PostgreSQL: buckets and ladder stages by date, amounts, categories, closing, reopening."""

import datetime
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.accrual import accrue_interest
from taxoffice.accounts.models import Payment
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.flagging import FlagCounts, Previous, flag_arrears
from taxoffice.arrears.models import ArrearsAction, ArrearsCase, ArrearsCaseEvent, InstalmentPlan
from tests.registry.helpers import register_enterprise

M = 1_000_000
D = datetime.date
DUE = D(2025, 7, 31)  # DOMAIN.md §8's worked example: 91 days overdue on 30 Oct 2025

Charge = tuple[ChargeKind, int, datetime.date]
# (tax type, kind, amount, due on)
Typed = tuple[str, ChargeKind, int, datetime.date]
SUB_ITEMS = {"VAT": "1701", "CIT": "1052", "PIT": "1001", "TTDB": "1757"}


async def debtor(session: AsyncSession, id_number: str, *charges: Charge, period: str = "2025-06") -> Taxpayer:
    """A registered taxpayer with the charges posted (VAT 1701 or fine 4254, one period)."""
    taxpayer = await register_enterprise(session, id_number)
    await post(session, taxpayer, *charges, period=period)
    return taxpayer


async def post(session: AsyncSession, taxpayer: Taxpayer, *charges: Charge, period: str = "2025-06") -> None:
    """Post VAT charges to the taxpayer's account and commit."""
    await post_typed(
        session, taxpayer, *(("VAT", kind, amount, due_on) for kind, amount, due_on in charges), period=period
    )


async def post_typed(session: AsyncSession, taxpayer: Taxpayer, *charges: Typed, period: str = "2025-06") -> None:
    """Post charges of any tax type (a fine under sub-item 4254) and commit."""
    await AccountService(session).post(
        [
            NewCharge(
                taxpayer.id,
                taxpayer.tax_code,
                tax_type,
                "4254" if kind is ChargeKind.FINE else SUB_ITEMS[tax_type],
                period,
                kind,
                amount,
                due_on,
                due_on,
                "test",
            )
            for tax_type, kind, amount, due_on in charges
        ]
    )
    await session.commit()


async def pay(
    session_factory: async_sessionmaker[AsyncSession], taxpayer: Taxpayer, ref: str, amount: int, paid_on: datetime.date
) -> None:
    """A bank payment, applied by the reconcile job in the legal order."""
    async with session_factory() as session:
        session.add(
            Payment(
                bank_ref=ref,
                tax_code=taxpayer.tax_code,
                taxpayer_id=taxpayer.id,
                amount=amount,
                paid_on=paid_on,
                source="bank",
                status="unallocated",
                unallocated=amount,
                received_by="tests",
            )
        )
        await session.commit()
    await Reconciler(session_factory).run(f"test:{ref}")


async def flag(
    session_factory: async_sessionmaker[AsyncSession], day: datetime.date, previous: Previous | None = None
) -> FlagCounts:
    """One run of the job as of ``day``: a full run unless ``previous`` is given."""
    return await flag_arrears(session_factory, day, previous=previous, full=previous is None)


async def cases(session: AsyncSession, taxpayer: Taxpayer) -> list[ArrearsCase]:
    """The taxpayer's cases, oldest first, as stored now."""
    rows = await session.scalars(
        select(ArrearsCase)
        .where(ArrearsCase.taxpayer_id == taxpayer.id)
        .order_by(ArrearsCase.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def open_case(session: AsyncSession, taxpayer: Taxpayer) -> ArrearsCase:
    (found,) = [case for case in await cases(session, taxpayer) if case.status == "open"]
    return found


async def events(session: AsyncSession, case: ArrearsCase) -> list[tuple[Any, ...]]:
    rows = await session.execute(
        select(ArrearsCaseEvent.event_on, ArrearsCaseEvent.kind, ArrearsCaseEvent.from_value, ArrearsCaseEvent.to_value)
        .where(ArrearsCaseEvent.case_id == case.id)
        .order_by(ArrearsCaseEvent.id)
    )
    return [tuple(row) for row in rows]


# Every bucket and ladder boundary for a debt due Thu 31 Jul 2025 with nothing done: bucket, stage, next action.
# The next action is the earliest due: the reminder until the warning letter's day supersedes it, then the
# monthly notice due since 31 Aug. Stalled: more than 5 working days late.
BOUNDARIES = [
    (D(2025, 8, 1), "1-30", "reminder", "reminder", D(2025, 8, 1), False),
    (D(2025, 8, 8), "1-30", "reminder", "reminder", D(2025, 8, 1), False),
    (D(2025, 8, 11), "1-30", "reminder", "reminder", D(2025, 8, 1), True),
    (D(2025, 8, 30), "1-30", "reminder", "reminder", D(2025, 8, 1), True),
    (D(2025, 8, 31), "31-60", "debt_notice", "reminder", D(2025, 8, 1), True),
    (D(2025, 9, 29), "31-60", "debt_notice", "reminder", D(2025, 8, 1), True),
    (D(2025, 9, 30), "61-90", "warning_letter", "debt_notice", D(2025, 8, 31), True),
    (D(2025, 10, 29), "61-90", "warning_letter", "debt_notice", D(2025, 8, 31), True),
    (D(2025, 10, 30), "91-120", "enforcement", "debt_notice", D(2025, 8, 31), True),
    (D(2025, 11, 28), "91-120", "enforcement", "debt_notice", D(2025, 8, 31), True),
    (D(2025, 11, 29), "121-365", "invoice_invalidation", "debt_notice", D(2025, 8, 31), True),
    (D(2026, 7, 31), "121-365", "invoice_invalidation", "debt_notice", D(2025, 8, 31), True),
    (D(2026, 8, 1), "over-365", "invoice_invalidation", "debt_notice", D(2025, 8, 31), True),
]


@pytest.mark.parametrize(("day", "bucket", "stage", "action", "action_due", "stalled"), BOUNDARIES)
async def test_bucket_and_stage_boundaries(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    day: datetime.date,
    bucket: str,
    stage: str,
    action: str,
    action_due: datetime.date,
    stalled: bool,
) -> None:
    taxpayer = await debtor(session, "001088000001", (ChargeKind.TAX, 10 * M, DUE))
    counts = await flag(session_factory, day)
    assert counts.opened == 1
    case = await open_case(session, taxpayer)
    assert (case.bucket, case.stage, case.oldest_due_on, case.opened_on, case.as_of) == (bucket, stage, DUE, day, day)
    assert (case.next_action, case.next_action_due_on, case.is_stalled) == (action, action_due, stalled)
    assert (case.category, case.overdue_tax, case.overdue_total) == ("collectible", 10 * M, 10 * M)
    assert (case.tax_code, case.tax_office, case.officer_id) == (taxpayer.tax_code, taxpayer.tax_office, None)


async def test_not_yet_due_amounts_make_no_case(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(session, "001088000002", (ChargeKind.TAX, 10 * M, DUE))
    counts = await flag(session_factory, DUE)  # due on the day itself: 0 days overdue
    assert (counts.opened, counts.examined) == (0, 0)
    assert await cases(session, taxpayer) == []
    await flag(session_factory, D(2025, 8, 1))
    assert (await open_case(session, taxpayer)).bucket == "1-30"


async def test_amounts_tax_interest_fines_and_a_reduction(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(
        session,
        "001088000003",
        (ChargeKind.TAX, 10 * M, DUE),
        (ChargeKind.FINE, 3_500_000, DUE),
        (ChargeKind.TAX, 5 * M, D(2025, 11, 20)),  # not yet due on 30 Oct
        period="2025-06",
    )
    day = D(2025, 10, 30)
    await accrue_interest(session_factory, day)
    await flag(session_factory, day)
    case = await open_case(session, taxpayer)
    # Interest: 10,000,000 x 0.03 % x 90 days (1 Aug to 29 Oct) = 270,000.
    assert (case.overdue_tax, case.overdue_interest, case.overdue_fines) == (10 * M, 270_000, 3_500_000)
    assert (case.overdue_total, case.interest_as_of) == (13_770_000, day)
    # A supplementary return lowers the period's VAT by 4,000,000: netted against the latest VAT charge of the
    # line first (the 5,000,000 not yet due), so what is overdue does not move; 6,000,000 more reaches the old one.
    await post(session, taxpayer, (ChargeKind.TAX, -4 * M, D(2025, 10, 1)))
    counts = await flag(session_factory, day)
    assert counts.unchanged == 1
    await post(session, taxpayer, (ChargeKind.TAX, -3 * M, D(2025, 10, 1)))
    await accrue_interest(session_factory, day)
    counts = await flag(session_factory, day)
    assert counts.updated == 1
    case = await open_case(session, taxpayer)
    # 7,000,000 reduced: 5,000,000 from the newer charge, 2,000,000 from the overdue one; interest on 8,000,000.
    assert (case.overdue_tax, case.overdue_interest) == (8 * M, 216_000)


@pytest.mark.parametrize(
    ("status", "category"),
    [
        ("00", "collectible"),
        ("02", "collectible"),
        ("04", "collectible"),
        ("05", "collectible"),
        ("01", "difficult"),
        ("03", "difficult"),
        ("06", "difficult"),
        ("07", "difficult"),
    ],
)
async def test_categories_from_registry_statuses(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], status: str, category: str
) -> None:
    taxpayer = await debtor(session, "001088000004", (ChargeKind.TAX, 10 * M, DUE))
    await session.execute(update(Taxpayer).where(Taxpayer.id == taxpayer.id).values(status=status))
    await session.commit()
    await flag(session_factory, D(2025, 10, 30))
    case = await open_case(session, taxpayer)
    assert case.category == category
    # Only collectible cases get ladder proposals.
    assert (case.next_action is None) is (category != "collectible")
    assert case.stage == "enforcement"


async def test_status_change_reclassifies_with_an_event(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(session, "001088000005", (ChargeKind.TAX, 10 * M, DUE))
    await flag(session_factory, D(2025, 9, 1))
    await session.execute(update(Taxpayer).where(Taxpayer.id == taxpayer.id).values(status="07"))
    await session.commit()
    await flag(session_factory, D(2025, 9, 2))
    case = await open_case(session, taxpayer)
    assert (case.category, case.next_action, case.is_stalled) == ("difficult", None, False)
    assert (await events(session, case))[-1] == (D(2025, 9, 2), "category", "collectible", "difficult")


async def test_frozen_case_is_tracked_not_escalated(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(session, "001088000006", (ChargeKind.TAX, 10 * M, DUE))
    await flag(session_factory, D(2025, 9, 1))
    case = await open_case(session, taxpayer)
    case.is_frozen = True
    session.add(ArrearsAction(case_id=case.id, kind="freeze", taken_on=D(2025, 9, 1), officer="o", details={}))
    await session.commit()
    await flag(session_factory, D(2025, 11, 3))
    case = await open_case(session, taxpayer)
    assert (case.category, case.next_action, case.is_stalled) == ("frozen", None, False)
    # Aged by its debt, but on no stage of the ladder: no enforcement while frozen (Art. 124.5).
    assert (case.bucket, case.stage) == ("91-120", None)


async def test_instalment_plan_kept_then_missed(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(session, "001088000007", (ChargeKind.TAX, 12 * M, DUE))
    await flag(session_factory, D(2025, 9, 1))
    case = await open_case(session, taxpayer)
    schedule = [{"due_on": f"2025-{month:02d}-15", "amount": 4 * M} for month in (9, 10, 11)]
    plan = InstalmentPlan(
        case_id=case.id, agreed_on=D(2025, 9, 1), debt=12 * M, schedule=schedule, status="kept", is_active=True
    )
    session.add(plan)
    session.add(ArrearsAction(case_id=case.id, kind="instalment_plan", taken_on=D(2025, 9, 1), officer="o"))
    await session.commit()
    await pay(session_factory, taxpayer, "VCB-PLAN-1", 4 * M, D(2025, 9, 15))

    await flag(session_factory, D(2025, 9, 16))
    case = await open_case(session, taxpayer)
    assert (case.category, case.overdue_tax, case.next_action, case.is_stalled) == ("instalment", 8 * M, None, False)

    # Nothing paid for the 15 Oct instalment: missed on 16 Oct, collectible again, the ladder resumes that day
    # (the warning letter, due since 30 Sep, and the notice both move onto 16 Oct; the later stage first).
    await flag(session_factory, D(2025, 10, 16))
    case = await open_case(session, taxpayer)
    assert (case.category, case.next_action, case.next_action_due_on) == (
        "collectible",
        "warning_letter",
        D(2025, 10, 16),
    )
    assert not case.is_stalled
    stored = await session.scalar(
        select(InstalmentPlan.status).where(InstalmentPlan.id == plan.id).execution_options(populate_existing=True)
    )
    assert stored == "missed"
    moved = [e for e in await events(session, case) if e[1] == "category"]
    assert moved == [
        (D(2025, 9, 16), "category", "collectible", "instalment"),
        (D(2025, 10, 16), "category", "instalment", "collectible"),
    ]


async def test_payment_closes_and_a_new_debt_reopens(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(session, "001088000008", (ChargeKind.TAX, 10 * M, DUE))
    await flag(session_factory, D(2025, 8, 4))
    first = await open_case(session, taxpayer)
    await pay(session_factory, taxpayer, "VCB-CLOSE-1", 6 * M, D(2025, 8, 5))
    await flag(session_factory, D(2025, 8, 6))
    assert (await open_case(session, taxpayer)).overdue_tax == 4 * M
    await pay(session_factory, taxpayer, "VCB-CLOSE-2", 4 * M, D(2025, 8, 7))
    counts = await flag(session_factory, D(2025, 8, 8))
    assert counts.closed == 1
    (closed,) = await cases(session, taxpayer)
    assert (closed.id, closed.status, closed.closed_on, closed.overdue_total) == (first.id, "closed", D(2025, 8, 8), 0)
    assert await flag(session_factory, D(2025, 8, 9)) == FlagCounts(full=1)

    await post(session, taxpayer, (ChargeKind.TAX, 2 * M, D(2025, 8, 20)), period="2025-07")
    counts = await flag(session_factory, D(2025, 8, 21))
    assert counts.opened == 1
    old, new = await cases(session, taxpayer)
    assert (old.status, new.status, new.opened_on, new.oldest_due_on) == (
        "closed",
        "open",
        D(2025, 8, 21),
        D(2025, 8, 20),
    )
    assert (new.overdue_tax, new.bucket, new.next_action) == (2 * M, "1-30", "reminder")
    assert await events(session, old) == [
        (D(2025, 8, 4), "opened", None, "1-30"),
        (D(2025, 8, 6), "amounts", "10000000", "4000000"),
        (D(2025, 8, 8), "closed", "4000000", "0"),
    ]
