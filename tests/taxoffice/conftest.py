"""The real app on its own database and pool: committed data, one session per request, real concurrency."""

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from taxoffice.app import create_app
from taxoffice.auth.models import AuditEvent, LoginThrottle, User
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head
from tests.support.clock import Clock
from tests.support.servers import fresh_database


@pytest.fixture(scope="session")
def own_settings(pg_server_url: str) -> Settings:
    """Settings of a database of its own (users and throttles are emptied after each test)."""
    url = fresh_database(pg_server_url, "taxoffice_concurrent")
    upgrade_to_head(url)
    return Settings(database_url=url, secret_key="test-secret-key-not-for-production", password_hash="fast")


@pytest.fixture
async def own_engine(own_settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine with a real pool on that database."""
    engine = create_engine(own_settings)
    yield engine
    async with AsyncSession(engine) as session:
        for model in (LoginThrottle, AuditEvent, User):
            await session.execute(delete(model))
        await session.commit()
    await engine.dispose()


@pytest.fixture
def own_app(own_settings: Settings, own_engine: AsyncEngine, clock: Clock) -> Litestar:
    """The real app on its own pool: every request has its own session and commits for real."""
    app = create_app(own_settings, engine=own_engine, clock=clock)
    app.state.update(app.state.alchemy.create_app_state_items())
    return app
