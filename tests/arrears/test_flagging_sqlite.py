"""The flag-arrears job on the embedded SQLite database: the same statements, full and incremental."""

import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.services import AccountService
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.flagging import FlagCounts, Previous
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.services import NewAction, WorklistService
from taxoffice.auth.roles import Principal, Role
from tests.arrears.test_flagging import DUE, M, cases, debtor, events, flag, open_case, pay, post

pytestmark = pytest.mark.embedded

D = datetime.date


async def test_open_move_close_and_continue_on_sqlite(sqlite_factory: async_sessionmaker[AsyncSession]) -> None:
    async with sqlite_factory() as session:
        payer = await debtor(session, "001090000001", (ChargeKind.TAX, 10 * M, DUE), (ChargeKind.FINE, 2 * M, DUE))
        quiet = await debtor(session, "001090000002", (ChargeKind.TAX, 5 * M, DUE))
    started = datetime.datetime.now(datetime.UTC)
    first = await flag(sqlite_factory, D(2025, 8, 20))
    assert (first.full, first.opened, first.events) == (1, 2, 2)
    assert await flag(sqlite_factory, D(2025, 8, 20)) == FlagCounts(full=1, examined=2, unchanged=2, stock_rows=2)

    # Tax, then the interest the reconcile job computes (60,000), then the fine: all paid.
    await pay(sqlite_factory, payer, "VCB-SQLITE-1", 12_100_000, D(2025, 8, 21))
    counts = await flag(sqlite_factory, D(2025, 8, 22), Previous(D(2025, 8, 20), started))
    assert (counts.full, counts.scope, counts.closed, counts.unchanged) == (0, 1, 1, 0)

    started = datetime.datetime.now(datetime.UTC)
    counts = await flag(sqlite_factory, D(2025, 8, 31), Previous(D(2025, 8, 22), started))
    assert (counts.scope, counts.updated, counts.events) == (1, 1, 2)
    async with sqlite_factory() as session:
        case = await open_case(session, quiet)
        assert (case.bucket, case.stage, case.next_action, case.is_stalled) == (
            "31-60",
            "debt_notice",
            "reminder",
            True,
        )
        (closed,) = await cases(session, payer)
        assert (closed.status, closed.closed_on) == ("closed", D(2025, 8, 22))
        assert [e[1] for e in await events(session, closed)] == ["opened", "closed"]


async def test_a_freeze_in_the_ledger_takes_the_case_off_the_ladder_on_sqlite(
    sqlite_factory: async_sessionmaker[AsyncSession],
) -> None:
    # A freeze the ledger keeps (interest_pause) from 1 Sep 2025 makes the case it opens frozen; lifted on the case on
    # 1 Dec, an incremental run finds it collectible again.
    async with sqlite_factory() as session:
        frozen = await debtor(session, "001090000011", (ChargeKind.TAX, 100 * M, DUE))
        await AccountService(session).pause_interest(frozen.id, D(2025, 9, 1), "freeze", "case:0")
        await session.commit()
    started = datetime.datetime.now(datetime.UTC)
    await flag(sqlite_factory, D(2025, 11, 3))
    async with sqlite_factory() as session:
        case = await open_case(session, frozen)
        assert (case.category, case.is_frozen, case.stage, case.next_action) == ("frozen", True, None, None)
        officer = Principal(user_id=None, username="officer-sqlite", role=Role.OFFICER, tax_office="HNI")
        lift = NewAction(ActionKind.FREEZE, frozen=False)
        await WorklistService(session).record_action(officer, case.id, lift, D(2025, 12, 1))
        await session.commit()
    counts = await flag(sqlite_factory, D(2025, 12, 1), Previous(D(2025, 11, 3), started))
    assert (counts.scope, counts.updated) == (1, 1)
    async with sqlite_factory() as session:
        case = await open_case(session, frozen)
        assert (case.category, case.is_frozen, case.stage) == ("collectible", False, "invoice_invalidation")


async def test_a_freeze_covers_the_debts_it_names_on_sqlite(sqlite_factory: async_sessionmaker[AsyncSession]) -> None:
    # Debts due 31 Jul and 22 Sep 2025; the freeze from 1 Sep names the first (Decree 126/2020 Art. 23.3). The
    # same statements as on PostgreSQL, the membership read with json_each: on 30 Sep the second is 8 days overdue,
    # so the case is collectible on the reminder's stage; an incremental run on 22 Oct (30 days: still the reminder)
    # and on 23 Oct (31 days: the debt notice's stage) follows the second debt's age, not the first's (84 days).
    async with sqlite_factory() as session:
        taxpayer = await debtor(session, "001090000021", (ChargeKind.TAX, 100 * M, DUE))
        await post(session, taxpayer, (ChargeKind.TAX, 50 * M, D(2025, 9, 22)), period="2025-08")
        first, _second = [c.id for c in await AccountService(session).charges(taxpayer.tax_code)]
        await AccountService(session).pause_interest(taxpayer.id, D(2025, 9, 1), "freeze", "case:0", [first])
        await session.commit()
    await flag(sqlite_factory, D(2025, 9, 30))
    async with sqlite_factory() as session:
        case = await open_case(session, taxpayer)
        assert (case.category, case.is_frozen, case.ladder_due_on) == ("collectible", True, D(2025, 9, 22))
        assert (case.bucket, case.stage) == ("61-90", "reminder")
    started = datetime.datetime.now(datetime.UTC)
    await flag(sqlite_factory, D(2025, 10, 22), Previous(D(2025, 9, 30), started))
    started = datetime.datetime.now(datetime.UTC)
    counts = await flag(sqlite_factory, D(2025, 10, 23), Previous(D(2025, 10, 22), started))
    assert counts.scope == 1
    async with sqlite_factory() as session:
        case = await open_case(session, taxpayer)
        assert (case.bucket, case.stage, case.ladder_due_on) == ("61-90", "debt_notice", D(2025, 9, 22))
