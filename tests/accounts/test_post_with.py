"""Accepting a return and posting its charge: one statement on PostgreSQL, both or neither.

``AccountService.post_with`` owns "accept the return and post its charge atomically"; filings calls it.
"""

from collections.abc import AsyncIterator
from typing import cast

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from filings.models import FineDecision
from taxoffice.accounts.models import CollectionDayDelta
from taxoffice.db import autocommit_when_free
from taxoffice.fastpaths import copy_rows
from taxoffice.migrations import upgrade_to_head
from tests.support.fastpath_cases import (
    CALENDAR,
    COPY_RECORDS,
    DELTA_COLUMNS,
    NO_SUCH_TAXPAYER,
    NOW,
    UPSERTED,
    accepted,
    charge_of,
    copy_and_sum,
    post_acceptance,
    received_return,
    statements_of,
    stored_state,
    upsert_twice,
)
from tests.support.servers import fresh_database


@pytest.fixture(scope="module")
def own_db_url(pg_server_url: str) -> str:
    url = fresh_database(pg_server_url, "taxoffice_post_with")
    upgrade_to_head(url)
    return url


@pytest.fixture
async def own_engine(own_db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(own_db_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_an_original_return_is_decided_and_charged_in_one_autocommitted_statement(
    own_engine: AsyncEngine,
) -> None:
    sessions = async_sessionmaker(own_engine, expire_on_commit=False)
    async with sessions() as session, sessions() as observer:
        service, checked, ret = await received_return(session, "0109666201")
        with statements_of(own_engine) as statements:
            decided = await service.decide(ret, checked, CALENDAR, NOW)
        assert decided.status == "accepted", decided.findings
        # One statement (no BEGIN, no COMMIT, no second write): the decision, its message and its charge.
        assert len(statements) == 1, statements
        assert "account_charge" in statements[0]
        assert "tax_return" in statements[0]
        # Committed by itself: another session sees the return and its charge together.
        assert await stored_state(observer, ret.id) == ("accepted", [decided.tax_payable])


async def test_a_late_original_is_decided_charged_and_its_fine_drafted_in_one_autocommitted_statement(
    own_engine: AsyncEngine,
) -> None:
    sessions = async_sessionmaker(own_engine, expire_on_commit=False)
    async with sessions() as session, sessions() as observer:
        service, checked, ret = await received_return(session, "0109666209", period="2026-01")
        assert ret.days_late > 0
        with statements_of(own_engine) as statements:
            decided = await service.decide(ret, checked, CALENDAR, NOW)
        assert decided.status == "accepted", decided.findings
        # The draft fine is one more CTE of the decision's statement: no BEGIN, no second INSERT, no COMMIT.
        assert len(statements) == 1, statements
        assert "fine_decision" in statements[0]
        assert await stored_state(observer, ret.id) == ("accepted", [decided.tax_payable])
        drafts = await observer.execute(
            select(FineDecision.status, FineDecision.days_late, FineDecision.created_at).where(
                FineDecision.return_id == ret.id
            )
        )
        assert drafts.all() == [("draft", ret.days_late, NOW)]


async def test_post_with_is_one_statement_in_a_transaction_too(engine: AsyncEngine, session: AsyncSession) -> None:
    _, _, ret = await received_return(session, "0109666202")
    with statements_of(engine) as statements:
        assert await post_acceptance(session, accepted(ret, 5_000_000), [charge_of(accepted(ret, 5_000_000))])
    assert len(statements) == 1, statements
    assert await stored_state(session, ret.id) == ("accepted", [5_000_000])


async def test_a_charge_that_fails_leaves_the_return_undecided(session: AsyncSession) -> None:
    _, _, ret = await received_return(session, "0109666203")
    with pytest.raises(IntegrityError):
        await post_acceptance(session, accepted(ret, 7_000_000), [charge_of(ret, taxpayer_id=NO_SUCH_TAXPAYER)])
    await session.rollback()
    assert await stored_state(session, ret.id) == ("received", [])


async def test_a_failure_in_autocommit_leaves_neither(own_engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(own_engine, expire_on_commit=False)
    async with sessions() as session:
        _, _, ret = await received_return(session, "0109666204")
        assert await autocommit_when_free(session)
        with pytest.raises(IntegrityError):
            await post_acceptance(session, accepted(ret, 7_000_000), [charge_of(ret, taxpayer_id=NO_SUCH_TAXPAYER)])
        await session.rollback()
    async with sessions() as observer:
        assert await stored_state(observer, ret.id) == ("received", [])


async def test_a_return_decided_meanwhile_gets_no_second_charge(session: AsyncSession) -> None:
    _, _, ret = await received_return(session, "0109666205")
    assert await post_acceptance(session, accepted(ret, 5_000_000), [charge_of(ret)])
    assert not await post_acceptance(session, ret, [charge_of(ret)])
    assert await stored_state(session, ret.id) == ("accepted", [5_000_000])


async def test_a_nil_return_is_accepted_with_no_charge(session: AsyncSession) -> None:
    _, _, ret = await received_return(session, "0109666206")
    assert await post_acceptance(session, accepted(ret, 0), [charge_of(accepted(ret, 0))])
    assert await stored_state(session, ret.id) == ("accepted", [])


async def test_copy_rows_is_one_copy(engine: AsyncEngine, connection: AsyncConnection) -> None:
    # COPY goes through asyncpg's own protocol, not a cursor: SQLAlchemy sees one statement only, the one that opens
    # the test's transaction on the driver before the COPY (none had run on it yet).
    assert await copy_and_sum(engine, connection) == (1, 12_000)


async def test_upsert_rows_inserts_new_keys_and_updates_existing_ones(connection: AsyncConnection) -> None:
    # One statement over the columns' arrays: the rows unnested, each key inserted once or updated.
    assert await upsert_twice(connection) == UPSERTED


async def test_copy_rows_first_in_a_transaction_is_rolled_back_with_it(own_engine: AsyncEngine) -> None:
    # asyncpg's adapter opens its transaction at its first statement: a COPY before any must not escape it.
    table = cast("Table", CollectionDayDelta.__table__)
    async with own_engine.connect() as conn:
        await conn.begin()
        await copy_rows(conn, table, DELTA_COLUMNS, COPY_RECORDS)
        await conn.rollback()
    async with own_engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(table)) == 0
