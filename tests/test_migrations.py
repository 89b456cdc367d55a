"""The migrations are the schema: they build it from nothing, match the models, and run down again."""

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from taxoffice.all_models import metadata
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import alembic_config, upgrade_to_head


def _diff(connection: Connection) -> list[object]:
    # SQLite reports identity columns as changed defaults: server defaults are compared on PostgreSQL.
    on_pg = connection.dialect.name == "postgresql"
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": on_pg, "include_object": _skip_pg_only}
    )
    return list(compare_metadata(context, metadata))


_PG_ONLY_INDEXES = {"ix_taxpayer_name_words", "ix_taxpayer_name_pairs", "ix_taxpayer_id_name"}


def _skip_pg_only(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "index" and name in _PG_ONLY_INDEXES)


async def test_postgres_schema_matches_models(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
        indexes = await conn.run_sync(lambda c: {i["name"] for i in inspect(c).get_indexes("taxpayer")})
    assert indexes >= _PG_ONLY_INDEXES
    # Half-full pages, so that accrue-interest's nightly rewrite of every row stays on the page (a HOT update).
    async with engine.connect() as conn:
        options = await conn.scalar(text("SELECT reloptions FROM pg_class WHERE relname = 'interest_accrual'"))
    assert options == ["fillfactor=50"]


async def test_sqlite_up_matches_and_down(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    # alembic drives its own event loop: run it in a thread of its own.
    import asyncio  # noqa: PLC0415

    await asyncio.to_thread(upgrade_to_head, url)
    engine = create_engine(Settings(database_url=url))
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    await engine.dispose()
    await asyncio.to_thread(command.downgrade, alembic_config(url), "base")
    engine = create_engine(Settings(database_url=url))
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    assert tables == {"alembic_version"}
