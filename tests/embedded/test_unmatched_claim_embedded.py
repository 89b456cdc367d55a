"""Unmatched payments claimed once their tax code is registered, on the embedded SQLite database."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.accounts.unmatched_claim_flow import run_claim_flow
from tests.support.clock import Clock
from tests.support.users import Login


async def test_reconcile_claims_a_payment_whose_code_was_registered_since_on_sqlite(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await run_claim_flow(client, login, session, session_factory, clock, ("0100109106", "0100000123"))
