"""A frozen debt (khoanh nợ, Law 38/2019 Art. 83) off the ladder, the worklist and the public list, with its interest.

Worked: VAT 100,000,000 due Thu 31 Jul 2025, frozen on the ground ``bankruptcy`` from 1 Sep 2025 (recorded 1 Oct),
lifted on 1 Dec 2025. Interest runs 1-31 Aug (31 days x 30,000 = 930,000), stops for 1 Sep - 30 Nov (Art. 59.6,
Decree 126/2020 Art. 23.3), and runs again from 1 Dec (10 more days to 11 Dec: 1,230,000). While frozen the case is
``frozen``, on no stage of the ladder (no stage, no proposal: Art. 124.5 forbids enforcement), left out of the
officers' worklist unless asked for (``category=frozen``), refused an enforcement measure and never a candidate for
the public list; lifted, it is back at the stage its age gives, with its next step due the day it was lifted.
"""

import datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.accrual import accrue_interest
from taxoffice.accounts.models import InterestPause
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.categories import Category
from taxoffice.arrears.errors import ActionInvalidError
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.mappers import case_read
from taxoffice.arrears.models import ArrearsCaseEvent
from taxoffice.arrears.publication_service import PublicationService
from taxoffice.arrears.services import NewAction, WorklistQuery, WorklistService
from taxoffice.auth.roles import Principal, Role
from taxoffice.errors import RuleViolationError
from tests.arrears.test_flagging import DUE, M, cases, debtor, flag, open_case, pay, post

OFFICER = Principal(user_id=None, username="officer-frozen", role=Role.OFFICER, tax_office="HNI")
D = datetime.date
FROZEN_FROM = D(2025, 9, 1)
RECORDED = D(2025, 10, 1)
LIFTED = D(2025, 12, 1)
FREEZE = {"ground": "bankruptcy", "frozen_from": FROZEN_FROM.isoformat()}


async def _night(session_factory: async_sessionmaker[AsyncSession], day: datetime.date) -> None:
    await accrue_interest(session_factory, day)
    await flag(session_factory, day)


async def _listed(session: AsyncSession, day: datetime.date, **filters: object) -> list[int]:
    rows, _cursor, _cutoff = await WorklistService(session).search(OFFICER, WorklistQuery(**filters), day)  # type: ignore[arg-type]
    return [case.id for case, _name in rows]


async def _frozen_case(session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]) -> Taxpayer:
    taxpayer = await debtor(session, "001093000031", (ChargeKind.TAX, 100 * M, DUE))
    await _night(session_factory, RECORDED)
    case = await open_case(session, taxpayer)
    assert (case.category, case.stage, case.overdue_interest) == ("collectible", "warning_letter", 1_830_000)
    await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, details=FREEZE), RECORDED
    )
    await session.commit()
    return taxpayer


async def test_a_frozen_debt_bears_no_interest_and_leaves_the_ladder_until_lifted(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await _frozen_case(session, session_factory)
    statement = await AccountService(session).statement(taxpayer.tax_code, RECORDED)
    assert (statement.outstanding, statement.interest) == (100 * M, 930_000)  # 1-31 Aug only, not 61 days

    await _night(session_factory, RECORDED)
    case = await open_case(session, taxpayer)
    assert (case.category, case.is_frozen, case.bucket) == ("frozen", True, "61-90")
    assert (case.stage, case.next_action, case.is_stalled, case.overdue_interest) == (None, None, False, 930_000)
    assert await _listed(session, RECORDED) == []  # not among the debts worked
    assert await _listed(session, RECORDED, category=Category.FROZEN) == [case.id]  # shown apart
    assert await _listed(session, RECORDED, stage=ActionKind.WARNING_LETTER, category=Category.FROZEN) == []

    # 3 Nov 2025, 95 days after the deadline: still frozen, no enforcement stage, no interest, not publishable.
    day = D(2025, 11, 3)
    await _night(session_factory, day)
    case = await open_case(session, taxpayer)
    assert (case.category, case.bucket, case.stage, case.overdue_interest) == ("frozen", "91-120", None, 930_000)
    assert await PublicationService(session).candidates(OFFICER, day) == []
    assert case_read(case, "", day, day).stage is None  # the API shows no stage for today either
    with pytest.raises(ActionInvalidError) as refused:
        await WorklistService(session).record_action(OFFICER, case.id, NewAction(ActionKind.BANK_DEDUCTION), day)
    assert [e.code for e in refused.value.errors] == ["action.frozen"]

    # Lifted on 1 Dec 2025 (123 days): collectible again, at the stage its age gives, the step due that day.
    case = await open_case(session, taxpayer)
    await WorklistService(session).record_action(OFFICER, case.id, NewAction(ActionKind.FREEZE, frozen=False), LIFTED)
    await session.commit()
    await _night(session_factory, LIFTED)
    case = await open_case(session, taxpayer)
    assert (case.category, case.is_frozen, case.stage) == ("collectible", False, "invoice_invalidation")
    assert (case.next_action_due_on, case.is_stalled) == (LIFTED, False)
    assert await _listed(session, LIFTED) == [case.id]
    assert [c.case_id for c in await PublicationService(session).candidates(OFFICER, LIFTED)] == [case.id]
    statement = await AccountService(session).statement(taxpayer.tax_code, D(2025, 12, 11))
    assert statement.interest == 930_000 + 300_000  # interest again from 1 Dec: 1-10 Dec

    moved = (
        await session.execute(
            select(
                ArrearsCaseEvent.event_on, ArrearsCaseEvent.kind, ArrearsCaseEvent.from_value, ArrearsCaseEvent.to_value
            )
            .where(ArrearsCaseEvent.case_id == case.id, ArrearsCaseEvent.kind.in_(("stage", "category")))
            .order_by(ArrearsCaseEvent.id)
        )
    ).all()
    # No stage event while frozen: the ladder is left on the freeze and taken up again when it is lifted.
    assert [tuple(m) for m in moved] == [
        (RECORDED, "category", "collectible", "frozen"),
        (RECORDED, "stage", "warning_letter", None),
        (LIFTED, "category", "frozen", "collectible"),
        (LIFTED, "stage", None, "invoice_invalidation"),
    ]


async def _reopened(session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]) -> Taxpayer:
    """The frozen debt paid (100,000,000 and its 930,000 of interest) on 3 Nov: the case closes; a supplementary
    return then raises the same period's tax by 5,000,000 (due, like it, on 31 Jul 2025) while the freeze runs."""
    taxpayer = await _frozen_case(session, session_factory)
    await pay(session_factory, taxpayer, "VCB-FROZEN-1", 100 * M + 930_000, D(2025, 11, 3))
    await _night(session_factory, D(2025, 11, 3))
    assert [c.status for c in await cases(session, taxpayer)] == ["closed"]
    await post(session, taxpayer, (ChargeKind.TAX, 5 * M, DUE))
    return taxpayer


async def test_a_case_opened_while_a_freeze_of_every_debt_runs_is_frozen(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # A freeze recorded before freezes named their debts covers every debt, the new one too: the case it opens is
    # frozen at once: off the ladder, the worklist and the list, and its officer can lift it.
    taxpayer = await _reopened(session, session_factory)
    await session.execute(update(InterestPause).where(InterestPause.taxpayer_id == taxpayer.id).values(charge_ids=None))
    await session.commit()
    assert await AccountService(session).frozen_on(taxpayer.id, D(2025, 11, 4)) is None  # every debt
    await _night(session_factory, D(2025, 11, 4))
    case = await open_case(session, taxpayer)
    assert (case.category, case.is_frozen, case.stage, case.next_action) == ("frozen", True, None, None)
    assert case.ladder_due_on is None
    assert await _listed(session, D(2025, 11, 4)) == []
    _action, view = await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, frozen=False), D(2025, 11, 5)
    )
    assert view.case.category == Category.COLLECTIBLE.value


async def test_a_debt_the_freeze_does_not_name_is_collected_as_usual(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # The freeze names the debt overdue when it began (Decree 126/2020 Art. 23.3); the 5,000,000 came later, so it
    # bears interest (1 Aug - 3 Nov, 95 days x 1,500 = 142,500) and is collected: the case is marked frozen
    # but collectible, on the ladder at the stage its 96 days give (enforcement, from day 91), in the worklist, and
    # an enforcement measure may be recorded.
    taxpayer = await _reopened(session, session_factory)
    day = D(2025, 11, 4)
    await _night(session_factory, day)
    case = await open_case(session, taxpayer)
    assert (case.category, case.is_frozen, case.ladder_due_on) == ("collectible", True, DUE)
    assert (case.bucket, case.stage, case.overdue_tax, case.overdue_interest) == (
        "91-120",
        "enforcement",
        5 * M,
        142_500,
    )
    assert case.next_action is not None
    assert await _listed(session, day) == [case.id]
    assert await _listed(session, day, stage=ActionKind.ENFORCEMENT) == [case.id]
    # Not published, though 96 days overdue: the case's figures hold the frozen debts too (``publication``).
    publications = PublicationService(session)
    assert await publications.candidates(OFFICER, day) == []
    with pytest.raises(RuleViolationError) as refused:
        await publications.select(OFFICER, [case.id], day)
    assert [e.code for e in refused.value.errors] == ["publication.frozen"]
    _action, view = await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.ACCOUNT_FREEZE, note="Lệnh phong tỏa tài khoản"), day
    )
    assert view.case.stage == "enforcement"
