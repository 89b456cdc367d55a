"""The PostgreSQL-only fast paths, each named once, with the plain path the embedded (SQLite) mode takes instead.

| fast path (PostgreSQL) | counterpart (SQLite) | named |
|---|---|---|
| ``COPY`` of many rows (asyncpg ``copy_records_to_table``) | one ``INSERT`` with many parameter sets | ``copy_rows`` |
| the raw asyncpg connection (typed binary reads, ``COPY``) | SQLAlchemy Core statements | ``driver`` |
| several writes as one statement (data-modifying CTEs), atomic by itself | the statements one by one, in the caller's transaction | ``one_statement_writes`` |
| a single statement in autocommit, with no ``BEGIN``/``COMMIT`` round trips | the session's own transaction | ``taxoffice.db.autocommit_when_free`` |
| ``INSERT … ON CONFLICT`` | SQLite's ``INSERT … ON CONFLICT`` | ``taxoffice.db.dialect_insert`` |

Callers ask these functions which path to take instead of testing the dialect's name themselves; the embedded
path's tests (``tests/embedded/test_fastpaths.py``) run each counterpart on SQLite.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

POSTGRESQL = "postgresql"


def on_postgres(bind: AsyncConnection | AsyncSession | AsyncEngine) -> bool:
    """Whether ``bind`` (a connection, a session or an engine) talks to PostgreSQL."""
    engine = bind.get_bind() if isinstance(bind, AsyncSession) else bind
    return engine.dialect.name == POSTGRESQL


def one_statement_writes(connection: AsyncConnection) -> bool:
    """Whether several writes may go as one statement (PostgreSQL's data-modifying CTEs), atomic by itself."""
    return on_postgres(connection)


async def driver(connection: AsyncConnection) -> Any:  # noqa: ANN401 - asyncpg's Connection (asyncpg ships no types)
    """The asyncpg connection under ``connection`` (PostgreSQL only: the fast paths' own reads and ``COPY``).

    Inside ``connection``'s transaction: SQLAlchemy's asyncpg adapter opens its transaction lazily, at its first
    statement, so when none has run yet one cheap statement opens it first; else a ``COPY`` there would commit
    by itself, outside the transaction it belongs to.
    """
    fairy = await connection.get_raw_connection()
    raw = fairy.driver_connection
    assert raw is not None  # noqa: S101 - an open connection has its driver's connection
    adapter: Any = fairy.dbapi_connection
    if connection.in_transaction() and not adapter.autocommit and not raw.is_in_transaction():
        await connection.exec_driver_sql("SELECT 1")
    return raw


async def copy_rows(
    connection: AsyncConnection, table: Table, columns: Sequence[str], records: Sequence[tuple[Any, ...]]
) -> None:
    """Append ``records`` (tuples in the order of ``columns``) to ``table`` in the caller's transaction.

    PostgreSQL: ``COPY`` (binary, one round trip, no per-row parsing); elsewhere: one ``INSERT`` with a parameter set
    a row. Both write the same rows; ``records`` may be empty.
    """
    if not records:
        return
    if on_postgres(connection):
        raw = await driver(connection)
        await raw.copy_records_to_table(table.name, records=list(records), columns=list(columns))
        return
    await connection.execute(insert(table), [dict(zip(columns, record, strict=True)) for record in records])
