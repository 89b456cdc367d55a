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
from tests.arrears.test_flagging import DUE, M, cases, debtor, events, flag, open_case, pay

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
