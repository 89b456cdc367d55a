"""Alembic environment: runs migrations on the configured database (SQLite or PostgreSQL), async."""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from taxoffice.all_models import metadata
from taxoffice.config import Settings
from taxoffice.db import create_engine

config = context.config
# Indexes made by hand in migrations for PostgreSQL only (full-text search); not in the models.
PG_ONLY_INDEXES = {"ix_taxpayer_name_words"}


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:  # noqa: ARG001 - alembic's hook signature
    return not (type_ == "index" and name in PG_ONLY_INDEXES)


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    return url or Settings.from_env().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    settings = Settings(database_url=_database_url())
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    """Run migrations against a live database; a caller may hand over its own connection."""
    connection: Any = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    asyncio.run(_run_async())


def run_migrations_offline() -> None:
    """Emit SQL without a database."""
    context.configure(url=_database_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
