"""The embedded path's side of each PostgreSQL fast path (``taxoffice.fastpaths``), on SQLite.

Accepting a return and posting its charge: on SQLite the decision, its message and the charge are statements of
the caller's transaction; a failure of the charge leaves the return undecided. ``COPY``'s counterpart writes the
same rows with one statement. There is no autocommit switch and no one-statement write here.
"""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from taxoffice.db import autocommit_when_free
from taxoffice.fastpaths import on_postgres, one_statement_writes
from tests.support.fastpath_cases import (
    NO_SUCH_TAXPAYER,
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


async def test_the_embedded_path_takes_no_fast_path(session: AsyncSession, connection: AsyncConnection) -> None:
    assert not on_postgres(session)
    assert not one_statement_writes(connection)
    assert not await autocommit_when_free(session)


async def test_the_acceptance_and_its_charge_are_written_in_the_callers_transaction(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    _, _, ret = await received_return(session, "0109777301")
    with statements_of(engine) as statements:
        assert await post_acceptance(session, accepted(ret, 5_000_000), [charge_of(accepted(ret, 5_000_000))])
    # The decision, its message, the charge: three statements, one transaction.
    assert len(statements) == 3, statements
    assert await stored_state(session, ret.id) == ("accepted", [5_000_000])


async def test_a_charge_that_fails_after_the_decision_leaves_neither(session: AsyncSession) -> None:
    _, _, ret = await received_return(session, "0109777302")
    with pytest.raises(IntegrityError):
        await post_acceptance(session, accepted(ret, 7_000_000), [charge_of(ret, taxpayer_id=NO_SUCH_TAXPAYER)])
    await session.rollback()
    assert await stored_state(session, ret.id) == ("received", [])


async def test_a_return_decided_meanwhile_gets_no_second_charge(session: AsyncSession) -> None:
    _, _, ret = await received_return(session, "0109777303")
    assert await post_acceptance(session, accepted(ret, 5_000_000), [charge_of(ret)])
    assert not await post_acceptance(session, ret, [charge_of(ret)])
    assert await stored_state(session, ret.id) == ("accepted", [5_000_000])


async def test_copy_rows_writes_the_rows_with_one_insert(engine: AsyncEngine, connection: AsyncConnection) -> None:
    assert await copy_and_sum(engine, connection) == (1, 12_000)


async def test_upsert_rows_inserts_new_keys_and_updates_existing_ones(connection: AsyncConnection) -> None:
    assert await upsert_twice(connection) == UPSERTED
