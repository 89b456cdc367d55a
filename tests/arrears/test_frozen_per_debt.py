"""A freeze covers the debts it names (Decree 126/2020 Art. 23.3: the decision covers the debt at its start).

Worked, at 0.03 %/day: VAT 100,000,000 due 31 Jul 2025 (30,000 a day), 20,000,000 due 20 Aug (6,000 a day) and
50,000,000 due 22 Sep (15,000 a day). Frozen from 1 Sep 2025, recorded on 1 Oct:
- naming nothing, the freeze covers the debts overdue on 1 Sep (the first two): on 1 Oct the first owes 930,000
  (1-31 Aug), the second 66,000 (21-31 Aug), the third, due after the freeze began, 120,000 (23-30 Sep);
- naming only the first, the second runs on: 246,000 (21 Aug - 30 Sep, 41 days), the others as above;
- the second's deadline extended to 30 Sep beforehand (Art. 62 decision): it is not overdue on 1 Sep, so the
  default freeze covers the first alone; the second owes nothing on 1 Oct (no interest while extended, Art. 62.4).
"""

import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.accrual import accrue_interest
from taxoffice.accounts.models import Allocation, InterestPause, PaymentExtension
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.errors import ActionInvalidError
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.mappers import case_read
from taxoffice.arrears.models import ArrearsCase
from taxoffice.arrears.services import NewAction, WorklistService
from taxoffice.auth.roles import Principal, Role
from tests.arrears.test_flagging import DUE, M, debtor, flag, open_case, pay, post

OFFICER = Principal(user_id=None, username="officer-per-debt", role=Role.OFFICER, tax_office="HNI")
D = datetime.date
RECORDED = D(2025, 10, 1)
FREEZE = {"ground": "bankruptcy", "frozen_from": "2025-09-01"}


async def _debtor(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], number: str
) -> tuple[Taxpayer, list[int], ArrearsCase]:
    """The three debts of the worked example, their charge ids by due date, and the case flagged on 1 Oct."""
    taxpayer = await debtor(session, number, (ChargeKind.TAX, 100 * M, DUE))
    await post(session, taxpayer, (ChargeKind.TAX, 20 * M, D(2025, 8, 20)), period="2025-07")
    await post(session, taxpayer, (ChargeKind.TAX, 50 * M, D(2025, 9, 22)), period="2025-08")
    await accrue_interest(session_factory, RECORDED)
    await flag(session_factory, RECORDED)
    ids = [c.id for c in await AccountService(session).charges(taxpayer.tax_code)]
    return taxpayer, ids, await open_case(session, taxpayer)


async def _interest(session: AsyncSession, taxpayer: Taxpayer) -> list[int]:
    statement = await AccountService(session).statement(taxpayer.tax_code, RECORDED)
    return [item.interest_accrued for item in sorted(statement.items, key=lambda i: i.due_on)]


async def test_by_default_a_freeze_covers_the_debts_overdue_when_it_begins(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer, (first, second, third), case = await _debtor(session, session_factory, "001093000041")
    action, _ = await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, details=FREEZE), RECORDED
    )
    await session.commit()
    assert action.details["charge_ids"] == [first, second]
    pause = await session.scalar(select(InterestPause).where(InterestPause.taxpayer_id == taxpayer.id))
    assert pause is not None
    assert pause.charge_ids == [first, second]
    assert await _interest(session, taxpayer) == [930_000, 66_000, 120_000]
    assert third not in pause.charge_ids
    accounts = AccountService(session)
    assert await accounts.frozen_on(taxpayer.id, RECORDED) == frozenset({first, second})
    assert await accounts.frozen_on(taxpayer.id, D(2025, 8, 31)) == frozenset()  # before the freeze began
    # The third debt, due 22 Sep after the freeze began, is outside it: recording the freeze leaves the case on
    # the ladder from that debt (9 days overdue on 1 Oct: the reminder's stage), in the officers' worklist.
    await session.refresh(case)
    assert (case.category, case.is_frozen, case.ladder_due_on) == ("collectible", True, D(2025, 9, 22))
    shown = case_read(case, "", RECORDED, RECORDED)  # the API's stage for the day
    assert (shown.stage, shown.bucket, shown.days_overdue) == ("reminder", "61-90", 62)
    seen = (await WorklistService(session).get(OFFICER, case.id, RECORDED)).outlook
    assert seen.next_action is not None
    assert seen.next_action.kind is ActionKind.REMINDER


async def test_a_freeze_naming_one_debt_leaves_the_others_bearing_interest(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer, (first, _second, _third), case = await _debtor(session, session_factory, "001093000042")
    service = WorklistService(session)
    for wrong in ([999_999_999], [], ["x"], first):
        with pytest.raises(ActionInvalidError) as refused:
            await service.record_action(
                OFFICER, case.id, NewAction(ActionKind.FREEZE, details=FREEZE | {"charge_ids": wrong}), RECORDED
            )
        assert [e.code for e in refused.value.errors] == ["freeze.charges"]
    await service.record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, details=FREEZE | {"charge_ids": [first]}), RECORDED
    )
    await session.commit()
    assert await _interest(session, taxpayer) == [930_000, 246_000, 120_000]
    # The interest snapshot and the case read the same per-debt pause.
    await accrue_interest(session_factory, RECORDED)
    await flag(session_factory, RECORDED)
    await session.refresh(case)
    # The debts outside the freeze are collected as usual: the ladder counts from the oldest of them (20 Aug, 42
    # days overdue on 1 Oct: the debt notice's stage, from day 31); the case's age is still its oldest debt's.
    assert (case.category, case.is_frozen, case.overdue_interest) == ("collectible", True, 930_000 + 246_000 + 120_000)
    assert (case.ladder_due_on, case.stage, case.bucket) == (D(2025, 8, 20), "debt_notice", "61-90")


async def test_a_debt_whose_deadline_was_extended_past_the_freeze_is_not_covered_by_default(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer, (first, second, _third), case = await _debtor(session, session_factory, "001093000043")
    session.add(
        PaymentExtension(
            taxpayer_id=taxpayer.id,
            charge_id=second,
            due_on=D(2025, 8, 20),
            extended_to=D(2025, 9, 30),
            basis="decision",
            reference="123/QĐ-CT",
            ground="force_majeure",
            requested_on=D(2025, 8, 10),
            granted_by=OFFICER.username,
        )
    )
    await session.commit()
    action, _ = await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, details=FREEZE), RECORDED
    )
    await session.commit()
    assert action.details["charge_ids"] == [first]
    # By deadline: the first, the third (22 Sep), the second (extended to 30 Sep).
    assert await _interest(session, taxpayer) == [930_000, 120_000, 0]


async def test_enforcement_reaches_the_debts_outside_the_freeze_and_never_the_frozen_one(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # The freeze names the first debt only; the second (20 Aug) is overdue outside it, so a bank deduction may be
    # recorded on 1 Oct (Law 38/2019 Art. 124.5 protects the frozen debt, not the case). Paid 20,000,000 on 2 Oct,
    # the money goes to the debts under enforcement first (Art. 57.2): the second's tax, not the older frozen first.
    taxpayer, (first, second, _third), case = await _debtor(session, session_factory, "001093000044")
    service = WorklistService(session)
    await service.record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, details=FREEZE | {"charge_ids": [first]}), RECORDED
    )
    action, _ = await service.record_action(OFFICER, case.id, NewAction(ActionKind.BANK_DEDUCTION), RECORDED)
    await session.commit()
    assert action.details["enforcement_started"] is True
    await pay(session_factory, taxpayer, "VCB-PER-DEBT-1", 20 * M, D(2025, 10, 2))
    paid = await session.execute(
        select(Allocation.charge_id, Allocation.component, Allocation.amount).where(
            Allocation.taxpayer_id == taxpayer.id
        )
    )
    assert sorted(tuple(row) for row in paid) == [(second, "tax", 20 * M)]


async def test_a_freeze_of_every_overdue_debt_still_refuses_enforcement(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # Recorded on 21 Sep (before the third debt falls due), the default freeze covers both debts then overdue.
    taxpayer, (first, second, _third), case = await _debtor(session, session_factory, "001093000045")
    day = D(2025, 9, 21)
    service = WorklistService(session)
    await service.record_action(OFFICER, case.id, NewAction(ActionKind.FREEZE, details=FREEZE), day)
    await session.commit()
    await session.refresh(case)
    assert (case.category, case.ladder_due_on) == ("frozen", None)
    with pytest.raises(ActionInvalidError) as refused:
        await service.record_action(OFFICER, case.id, NewAction(ActionKind.BANK_DEDUCTION), day)
    assert [e.code for e in refused.value.errors] == ["action.frozen"]
    pause = await session.scalar(select(InterestPause).where(InterestPause.taxpayer_id == taxpayer.id))
    assert pause is not None
    assert pause.charge_ids == [first, second]
