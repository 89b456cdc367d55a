"""Fixtures of the arrears tests: an embedded SQLite database, migrated, for the tests of the embedded path."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.migrations import upgrade_to_head


@pytest.fixture
async def sqlite_factory(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a fresh SQLite file migrated to head."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'arrears.db'}"
    await asyncio.to_thread(upgrade_to_head, url)  # alembic drives its own event loop
    engine = create_engine(Settings(database_url=url, secret_key="test-secret-key-not-for-production"))
    yield create_session_factory(engine)
    await engine.dispose()
