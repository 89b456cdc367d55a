"""Debts under enforcement are paid first (DOMAIN.md §7), in the ledger and through arrears actions."""

import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.allocation import under_enforcement
from taxoffice.accounts.ledger import ChargeRow, Ledger, NewAllocation, PaymentState
from taxoffice.accounts.models import Allocation, Enforcement
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.services import NewAction, WorklistService
from taxoffice.auth.roles import Principal, Role
from tests.arrears.test_flagging import M, cases, debtor, flag, open_case, pay, post

D = datetime.date
PAID = D(2026, 3, 10)
# DOMAIN.md §7: (a) CIT 10,000,000 overdue 100 days and under enforcement, (b) VAT 5,000,000 overdue 20 days,
# (c) VAT 8,000,000 not yet due; 13,000,000 paid.
CIT_A = ChargeRow(1, "tax", "CIT", "1052", "2025", 10 * M, D(2025, 11, 30), D(2025, 11, 30))
VAT_B = ChargeRow(2, "tax", "VAT", "1701", "2026-01", 5 * M, D(2026, 2, 18), D(2026, 2, 18))
VAT_C = ChargeRow(3, "tax", "VAT", "1701", "2026-03", 8 * M, D(2026, 4, 20), D(2026, 4, 20))
STARTED = D(2026, 2, 10)  # (a) was overdue then, (b) was not
OFFICER = Principal(user_id=None, username="officer-enforcement", role=Role.OFFICER, tax_office="HNI")


def _settle(enforcements: tuple[tuple[datetime.date, datetime.date | None], ...]) -> list[NewAllocation]:
    ledger = Ledger.build([CIT_A, VAT_B, VAT_C], [], enforcements)
    return ledger.settle([PaymentState(1, 13 * M, PAID)])


def test_the_worked_example_pays_the_enforced_debt_with_its_interest_first() -> None:
    # (a)'s interest on 10 March: 1 Dec to 9 Mar, 99 days at 0.03 % of 10,000,000 = 297,000.
    assert _settle(((STARTED, None),)) == [
        NewAllocation(1, 1, "tax", 10 * M, PAID),
        NewAllocation(1, 1, "interest", 297_000, PAID),
        NewAllocation(1, 2, "tax", 2_703_000, PAID),
    ]
    # Without a recorded measure (a) is still enforceable: 100 days past its deadline (Law 38 Art. 124.1).
    assert _settle(()) == _settle(((STARTED, None),))
    # Even as a plain overdue debt it would come first: its deadline is the earlier one (Art. 57.1), and its
    # interest (same deadline) comes before (b)'s tax.
    assert _settle(((STARTED, D(2026, 3, 1)),)) == _settle(())


@pytest.mark.parametrize(
    ("due_on", "paid_on", "ended", "expected"),
    [
        (D(2026, 2, 9), D(2026, 3, 10), None, True),  # overdue when enforcement started
        (D(2026, 2, 10), D(2026, 3, 10), None, False),  # due on the day it started: not yet overdue then
        (D(2026, 2, 9), D(2026, 2, 9), None, False),  # paid before it started
        (D(2026, 2, 9), D(2026, 3, 1), D(2026, 3, 1), True),  # paid on the day it ended
        (D(2026, 2, 9), D(2026, 3, 2), D(2026, 3, 1), False),  # paid after it ended
    ],
)
def test_which_debts_an_enforcement_covers(
    due_on: datetime.date, paid_on: datetime.date, ended: datetime.date | None, expected: bool
) -> None:
    assert under_enforcement(due_on, paid_on, ((STARTED, ended),)) is expected


async def test_a_bank_deduction_starts_enforcement_and_closing_the_case_ends_it(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # VAT 10,000,000 due 31 Jul 2025 and another 4,000,000 due 20 Nov 2025.
    taxpayer = await debtor(session, "001094000001", (ChargeKind.TAX, 10 * M, D(2025, 7, 31)))
    await post(session, taxpayer, (ChargeKind.TAX, 4 * M, D(2025, 11, 20)), period="2025-10")
    await flag(session_factory, D(2025, 11, 3))
    case = await open_case(session, taxpayer)
    action, _view = await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.BANK_DEDUCTION, details={"bank": "VCB"}), D(2025, 11, 3)
    )
    await session.commit()
    assert action.details["enforcement_started"] is True
    periods = list(await session.scalars(select(Enforcement).where(Enforcement.taxpayer_id == taxpayer.id)))
    assert [(p.started_on, p.ended_on, p.reference) for p in periods] == [(D(2025, 11, 3), None, f"case:{case.id}")]
    # 10,500,000 paid on 1 Dec: the enforced July debt with its interest first (10,000,000 + 122 days x 3,000 =
    # 10,366,000), then November's tax; without enforcement both taxes would come before any interest.
    await pay(session_factory, taxpayer, "VCB-ENF-1", 10_500_000, D(2025, 12, 1))
    paid = list(
        await session.scalars(
            select(Allocation.component).where(Allocation.taxpayer_id == taxpayer.id).order_by(Allocation.id)
        )
    )
    amounts = list(
        await session.scalars(
            select(Allocation.amount).where(Allocation.taxpayer_id == taxpayer.id).order_by(Allocation.id)
        )
    )
    assert list(zip(paid, amounts, strict=True)) == [("tax", 10 * M), ("interest", 366_000), ("tax", 134_000)]
    await pay(session_factory, taxpayer, "VCB-ENF-2", 20 * M, D(2025, 12, 2))
    await flag(session_factory, D(2025, 12, 3))
    assert [c.status for c in await cases(session, taxpayer)] == ["closed"]
    ended = await session.scalar(select(Enforcement.ended_on).where(Enforcement.taxpayer_id == taxpayer.id))
    assert ended == D(2025, 12, 3)
