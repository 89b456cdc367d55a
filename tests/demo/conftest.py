"""A SQLite file migrated once; each demo test starts from a copy of it."""

import shutil
from pathlib import Path

import pytest

from taxoffice.config import Settings
from taxoffice.migrations import upgrade_to_head


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the head revision."""
    path: Path = tmp_path_factory.mktemp("demo") / "migrated.db"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def fresh_settings(migrated_file: Path, tmp_path: Path) -> Settings:
    """Settings on a fresh, migrated, empty SQLite file of this test's own."""
    path = tmp_path / "taxoffice.db"
    shutil.copyfile(migrated_file, path)
    return Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        secret_key="demo-test-secret-key-0123456789abcdef",
        password_hash="fast",
    )
