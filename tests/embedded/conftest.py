"""The embedded default: the same app and fixtures on a SQLite file, migrated once."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file migrated to head."""
    path: Path = tmp_path_factory.mktemp("embedded") / "taxoffice.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade_to_head(url)
    return url


@pytest.fixture(scope="session")
def settings(db_url: str) -> Settings:
    """Settings for the embedded app."""
    return Settings(database_url=db_url, secret_key="test-secret-key-not-for-production", password_hash="fast")


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The SQLite engine, with the embedded mode's listeners."""
    engine = create_engine(settings)
    yield engine
    await engine.dispose()
    await asyncio.sleep(0)
