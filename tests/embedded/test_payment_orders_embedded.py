"""The payment-order flow on the embedded SQLite database (the same steps as on PostgreSQL)."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.accounts.payment_order_flow import debtor, run_flow
from tests.support.clock import Clock
from tests.support.users import Login


async def test_order_paid_by_reference_on_sqlite(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    taxpayer = await debtor(session, clock, "0109777091")
    await run_flow(client, login, session, session_factory, taxpayer)
