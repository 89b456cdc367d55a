"""One app for a whole test module, on a connection whose transaction is rolled back when the module ends.

Each request's work is a savepoint inside that transaction, so the module's world (users, taxpayers, payments)
is built once and every test sees it unchanged; the calendars cached in the process are forgotten around it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from taxoffice.app import create_app
from taxoffice.config import Settings
from taxoffice.workdays.services import forget_cached_calendars


@asynccontextmanager
async def rolled_back_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction that is rolled back at the end."""
    forget_cached_calendars()
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()
    forget_cached_calendars()


def app_on(connection: AsyncConnection, settings: Settings, engine: AsyncEngine) -> Litestar:
    """The back office with every request's session a savepoint on ``connection``."""
    sessions = async_sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    app = create_app(settings, engine=engine, session_maker=sessions)
    app.state.update(app.state.alchemy.create_app_state_items())
    return app


def client_of(app: Litestar) -> httpx.AsyncClient:
    """A client to ``app`` in this process."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
