"""The reliefs that take a debt out of collection (taxoffice/accounts/reliefs.py): Art. 59.5.a's no-interest relief."""

import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.models import InterestPause
from taxoffice.accounts.reliefs import RELIEFS, Relief, covers, frozen_since, no_enforcement_basis
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.categories import Category, escalates
from taxoffice.arrears.errors import ActionInvalidError
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.publication import NOT_PUBLISHED
from taxoffice.arrears.services import NewAction, WorklistService
from taxoffice.auth.roles import Principal, Role
from tests.arrears.test_flagging import DUE, M, debtor, flag, open_case, post

OFFICER = Principal(user_id=None, username="officer-relief", role=Role.OFFICER, tax_office="HNI")
D = datetime.date
DAY = D(2025, 8, 20)


def test_every_relief_names_its_basis_and_stops_interest_escalation_and_publication() -> None:
    assert set(RELIEFS) == set(Relief)
    assert all(rule.legal_basis and rule.stops_interest and rule.stops_escalation for rule in RELIEFS.values())
    assert "Art. 59.5.a" in RELIEFS[Relief.NO_INTEREST].legal_basis
    # Recorded through a freeze, both taxpayer-wide reliefs land in the frozen category: no ladder, no list.
    assert not escalates(Category.FROZEN)
    assert Category.FROZEN in NOT_PUBLISHED
    assert covers(10 * M, 10 * M)
    assert not covers(9 * M, 10 * M)


async def test_no_interest_while_the_state_budget_owes_the_taxpayer(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # VAT 10,000,000 due 31 Jul 2025; the budget has owed the taxpayer 15,000,000 for its works since 11 Aug.
    taxpayer = await debtor(session, "001093000011", (ChargeKind.TAX, 10 * M, DUE))
    await flag(session_factory, DAY)
    case = await open_case(session, taxpayer)
    service = WorklistService(session)
    for details, code in (
        ({"relief": "complaint"}, "relief.disputed"),  # a pending complaint stops nothing (Art. 61)
        ({"relief": "lawsuit"}, "relief.disputed"),
        ({"relief": "amnesty"}, "relief.unknown"),
        ({"relief": "no_interest", "budget_unpaid": 9 * M}, "relief.budget_unpaid"),  # not all the tax
        ({"relief": "no_interest"}, "relief.budget_unpaid"),
    ):
        with pytest.raises(ActionInvalidError) as raised:
            await service.record_action(OFFICER, case.id, NewAction(ActionKind.FREEZE, details=details), DAY)
        assert [e.code for e in raised.value.errors] == [code]

    relief = {"relief": "no_interest", "budget_unpaid": 15 * M, "frozen_from": "2025-08-11"}
    _action, view = await service.record_action(OFFICER, case.id, NewAction(ActionKind.FREEZE, details=relief), DAY)
    await session.commit()
    assert view.case.category == Category.FROZEN.value
    pause = (await session.execute(select(InterestPause.started_on, InterestPause.reason))).one()
    assert tuple(pause) == (D(2025, 8, 11), "no_interest")
    # On 1 Oct: interest for 1-10 Aug only (10 days x 3,000 = 30,000), not the 61 days to 30 Sep (183,000).
    statement = await AccountService(session).statement(taxpayer.tax_code, D(2025, 10, 1))
    assert (statement.outstanding, statement.interest) == (10 * M, 30_000)
    # The budget pays on 1 Oct: the relief is lifted and interest runs again from that day.
    _action, view = await service.record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, frozen=False), D(2025, 10, 1)
    )
    assert view.case.category == Category.COLLECTIBLE.value
    statement = await AccountService(session).statement(taxpayer.tax_code, D(2025, 10, 11))
    assert statement.interest == 30_000 + 30_000  # 10 more days, 1-10 Oct


def test_a_freeze_runs_from_its_first_day_to_the_day_before_it_is_lifted() -> None:
    spans = [(D(2025, 9, 1), D(2025, 12, 1)), (D(2026, 3, 1), None)]
    assert frozen_since(spans, D(2025, 8, 31)) is None
    assert frozen_since(spans, D(2025, 9, 1)) == D(2025, 9, 1)
    assert frozen_since(spans, D(2025, 11, 30)) == D(2025, 9, 1)
    assert frozen_since(spans, D(2025, 12, 1)) is None  # lifted: collectible again that day
    assert frozen_since(spans, D(2027, 1, 1)) == D(2026, 3, 1)


def test_the_article_barring_enforcement_is_dated() -> None:
    assert no_enforcement_basis(D(2026, 6, 30)) == "Law 38/2019/QH14 Art. 124.5"
    assert no_enforcement_basis(D(2026, 7, 1)) == "Law 108/2025/QH15 Art. 48"


async def test_a_budget_owing_less_than_the_tax_relieves_the_debts_it_covers(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # VAT 10,000,000 due 31 Jul 2025 and 8,000,000 due 15 Aug; the budget has owed the taxpayer 12,000,000 since
    # 11 Aug (recorded 1 Sep). Art. 59.5.a relieves tax "not more than" what the budget owes: not all 18,000,000,
    # but the officer may name the first debt (10,000,000 <= 12,000,000). The second bears interest and is collected.
    taxpayer = await debtor(session, "001093000012", (ChargeKind.TAX, 10 * M, DUE))
    await post(session, taxpayer, (ChargeKind.TAX, 8 * M, D(2025, 8, 15)), period="2025-07")
    recorded = D(2025, 9, 1)
    await flag(session_factory, recorded)
    case = await open_case(session, taxpayer)
    first, second = [c.id for c in await AccountService(session).charges(taxpayer.tax_code)]
    service = WorklistService(session)
    relief = {"relief": "no_interest", "budget_unpaid": 12 * M, "frozen_from": "2025-08-11"}
    for named in (None, [first, second]):
        details = relief if named is None else relief | {"charge_ids": named}
        with pytest.raises(ActionInvalidError) as raised:
            await service.record_action(OFFICER, case.id, NewAction(ActionKind.FREEZE, details=details), recorded)
        assert [e.code for e in raised.value.errors] == ["relief.budget_unpaid"]
        assert "18,000,000" in raised.value.errors[0].message
    await service.record_action(
        OFFICER, case.id, NewAction(ActionKind.FREEZE, details=relief | {"charge_ids": [first]}), recorded
    )
    await session.commit()
    # On 1 Oct: the first 1-10 Aug only (10 x 3,000 = 30,000); the second 16 Aug - 30 Sep (46 x 2,400 = 110,400).
    statement = await AccountService(session).statement(taxpayer.tax_code, D(2025, 10, 1))
    assert sorted((i.due_on, i.interest_accrued) for i in statement.items) == [(DUE, 30_000), (D(2025, 8, 15), 110_400)]
    await flag(session_factory, D(2025, 10, 1))
    case = await open_case(session, taxpayer)
    assert (case.category, case.is_frozen, case.ladder_due_on, case.stage) == (
        "collectible",
        True,
        D(2025, 8, 15),
        "debt_notice",
    )
