"""The PostgreSQL-only fast paths, each named once, with the plain path the embedded (SQLite) mode takes instead.

| fast path (PostgreSQL) | counterpart (SQLite) | named |
|---|---|---|
| ``COPY`` of many rows (asyncpg ``copy_records_to_table``) | one ``INSERT`` with many parameter sets | ``copy_rows`` |
| the raw asyncpg connection (typed binary reads, ``COPY``), invalidated when the server ended it | SQLAlchemy Core statements | ``on_driver`` |
| several writes as one statement (data-modifying CTEs), atomic by itself | the statements one by one, in the caller's transaction | ``one_statement_writes`` |
| a single statement in autocommit, with no ``BEGIN``/``COMMIT`` round trips | the session's own transaction | ``taxoffice.db.autocommit_when_free`` |
| ``INSERT … ON CONFLICT`` | SQLite's ``INSERT … ON CONFLICT`` | ``taxoffice.db.dialect_insert`` |
| many rows upserted by one statement over arrays (``unnest``), no per-row parameter processing | one ``INSERT … ON CONFLICT`` with many parameter sets | ``upsert_rows`` |
| a hot statement compiled once and run on the driver (no per-call SQLAlchemy execution) | the same statement through SQLAlchemy | ``Prepared`` |
| a pooled connection lent for a request's few statements, with no session (``Prepared.fetch_on``) | a session | ``driver_of`` |

Callers ask these functions which path to take instead of testing the dialect's name themselves; the embedded
path's tests (``tests/embedded/test_fastpaths.py``) run each counterpart on SQLite.
"""

import functools
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Executable, Table, insert
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.util import greenlet_spawn

from taxoffice.outage import database_unavailable

POSTGRESQL = "postgresql"


def on_postgres(bind: AsyncConnection | AsyncSession | AsyncEngine) -> bool:
    """Whether ``bind`` (a connection, a session or an engine) talks to PostgreSQL."""
    engine = bind.get_bind() if isinstance(bind, AsyncSession) else bind
    return engine.dialect.name == POSTGRESQL


def one_statement_writes(bind: AsyncConnection | AsyncSession) -> bool:
    """Whether several writes may go as one statement (PostgreSQL's data-modifying CTEs), atomic by itself."""
    return on_postgres(bind)


async def _driver(connection: AsyncConnection) -> Any:  # noqa: ANN401 - asyncpg's Connection (asyncpg ships no types)
    """The asyncpg connection under ``connection`` (PostgreSQL only: the fast paths' own reads and ``COPY``).

    Inside ``connection``'s transaction: SQLAlchemy's asyncpg adapter opens its transaction lazily, at its first
    statement, so when none has run yet one cheap statement opens it first; else a ``COPY`` there would commit
    by itself, outside the transaction it belongs to.
    """
    sync = connection.sync_connection
    # A live connection hands its pooled connection over without I/O: no greenlet spawned (two a filed return).
    if sync is not None and not sync.closed and not sync.invalidated:
        fairy = sync.connection
    else:
        fairy = await connection.get_raw_connection()
    raw = fairy.driver_connection
    assert raw is not None  # noqa: S101 - an open connection has its driver's connection
    adapter: Any = fairy.dbapi_connection
    if connection.in_transaction() and not adapter.autocommit and not raw.is_in_transaction():
        await connection.exec_driver_sql("SELECT 1")
    return raw


@asynccontextmanager
async def _dropped_connection_invalidated(connection: AsyncConnection) -> AsyncIterator[None]:
    """On the driver, SQLAlchemy does not see a connection the server ended: invalidate it here, as it would.

    Otherwise the dead connection goes back to the pool and fails the next request that draws it.
    """
    try:
        yield
    except Exception as exc:
        if database_unavailable(exc):
            await connection.invalidate(exc)
        raise


@asynccontextmanager
async def on_driver(connection: AsyncConnection) -> AsyncIterator[Any]:
    """The asyncpg connection under ``connection``, in its transaction, for the fast paths' own reads and ``COPY``.

    PostgreSQL only. A connection the server ended meanwhile is invalidated on the way out, as SQLAlchemy would.
    """
    raw = await _driver(connection)
    async with _dropped_connection_invalidated(connection):
        yield raw


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
        async with on_driver(connection) as raw:
            await raw.copy_records_to_table(table.name, records=list(records), columns=list(columns))
        return
    await connection.execute(insert(table), [dict(zip(columns, record, strict=True)) for record in records])


@functools.cache
def _upsert_sql(table: Table, key: tuple[str, ...], columns: tuple[str, ...], update: tuple[str, ...]) -> str:
    dialect: Dialect = postgresql.dialect()  # type: ignore[no-untyped-call] # the dialect class is untyped
    arrays = ", ".join(
        f"${n}::{table.c[name].type.compile(dialect=dialect)}[]" for n, name in enumerate(columns, start=1)
    )
    names = ", ".join(columns)
    changes = ", ".join(f"{name} = EXCLUDED.{name}" for name in update)
    return (
        f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) "  # noqa: S608 - names from our own Table
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {changes}"
    )


async def upsert_rows(
    connection: AsyncConnection,
    table: Table,
    key: Sequence[str],
    columns: Sequence[str],
    records: Sequence[tuple[Any, ...]],
    update: Sequence[str],
) -> None:
    """Insert ``records`` (tuples in the order of ``columns``) into ``table``; where ``key``'s values exist, set ``update``.

    PostgreSQL: one statement whose rows are the columns' arrays unnested (one round trip, the values handed to the
    driver as they are); elsewhere: one ``INSERT … ON CONFLICT DO UPDATE`` with a parameter set a row. ``key``
    names the columns of a unique constraint; ``records`` may be empty; every value is the column's Python type (no
    bind processing).
    """
    if not records:
        return
    if on_postgres(connection):
        sql = _upsert_sql(table, tuple(key), tuple(columns), tuple(update))
        async with on_driver(connection) as raw:
            await raw.execute(sql, *(list(column) for column in zip(*records, strict=True)))
        return
    statement = sqlite_insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={name: statement.excluded[name] for name in update}
    )
    await connection.execute(statement, [dict(zip(columns, record, strict=True)) for record in records])


class Prepared:
    """A hot Core statement, compiled once per dialect and run on the driver's connection on PostgreSQL.

    Through SQLAlchemy every execution builds an execution context, processes the parameters and wraps the result;
    on the office's hottest paths that costs more than the database itself. Here the statement is compiled once
    (SQL text, the order of its parameters, their bind processors and the statement's own constants) and each call
    hands the processed values to asyncpg, whose prepared-statement cache keeps the plan. Elsewhere (SQLite) the
    statement runs through SQLAlchemy as usual. Both answer the rows as dicts.

    Only for statements with plain bound parameters (no expanding ``IN``, no tuple types): checked when compiled.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: tuple[Dialect, str, list[tuple[str, Callable[[Any], Any] | None]], dict[str, Any]] | None
        self._compiled = None

    def _compile(self, dialect: Dialect) -> tuple[str, list[tuple[str, Callable[[Any], Any] | None]], dict[str, Any]]:
        if self._compiled is not None and self._compiled[0] is dialect:
            return self._compiled[1:]
        compiled: Any = cast("Any", self.statement).compile(dialect=dialect)
        if compiled.positiontup is None or compiled._render_postcompile or compiled.literal_execute_params:  # noqa: SLF001 - SQLAlchemy's compiled form
            msg = "Prepared needs a statement with plain positional parameters"
            raise ValueError(msg)
        processors = compiled._bind_processors  # noqa: SLF001 - the parameters' bind processors, as SQLAlchemy applies them
        if any(not callable(p) for p in processors.values()):
            msg = "Prepared does not take tuple-typed parameters"
            raise ValueError(msg)
        order = [(name, processors.get(name)) for name in compiled.positiontup]
        required = {name for bind, name in compiled.bind_names.items() if bind.required}
        constants = {k: v for k, v in compiled.construct_params(_check=False).items() if k not in required}
        self._compiled = (dialect, compiled.string, order, constants)
        return compiled.string, order, constants

    async def fetch(self, connection: AsyncConnection, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The statement's rows for ``params`` (every parameter the statement requires: KeyError otherwise), as dicts."""
        if not on_postgres(connection):
            return [dict(row._mapping) for row in await connection.execute(self.statement, params)]  # noqa: SLF001 - a Row's mapping
        async with on_driver(connection) as raw:
            return await self.fetch_on(raw, connection.dialect, params)

    async def fetch_on(self, raw: Any, dialect: Dialect, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: ANN401 - asyncpg's Connection
        """:meth:`fetch` on a driver's connection already in hand (``Driver``, ``on_driver``): PostgreSQL only."""
        sql, order, constants = self._compile(dialect)
        args = []
        for name, process in order:
            value = params[name] if name in params else constants[name]
            args.append(value if process is None else process(value))
        return [dict(record) for record in await raw.fetch(sql, *args)]


@dataclass(frozen=True, slots=True)
class Driver:
    """A PostgreSQL connection for one request's few statements, without a session (``Prepared.fetch_on``).

    ``raw`` is asyncpg's connection and ``dialect`` the engine's (the statements are compiled for it). Drawn by
    :func:`driver_of` from the pool the sessions use, in autocommit (each statement commits by itself), or, when
    the sessions join a caller's transaction (tests), inside a savepoint of that transaction.
    """

    raw: Any
    dialect: Dialect


@asynccontextmanager
async def driver_of(bind: AsyncEngine | AsyncConnection) -> AsyncIterator[Driver]:
    """A :class:`Driver` from ``bind`` (PostgreSQL only), handed back afterwards.

    An engine lends a pooled connection for the block, with no session, no ``BEGIN`` and no ``COMMIT`` (asyncpg
    runs a statement outside a transaction in autocommit); the same pool, so the pool's size still bounds the
    process's connections, and a connection the server ended is invalidated, as SQLAlchemy would. A connection
    (the sessions' bind in tests) is used in a savepoint of its transaction: what the block wrote is undone with the
    block when it fails, as a session's savepoint would be.
    """
    if isinstance(bind, AsyncConnection):
        async with on_driver(bind) as raw, raw.transaction():
            yield Driver(raw, bind.dialect)
        return
    fairy = await bind.raw_connection()
    try:
        raw = fairy.driver_connection
        yield Driver(raw, bind.dialect)
    except Exception as exc:
        if database_unavailable(exc):
            await greenlet_spawn(fairy.invalidate, exc)
        raise
    finally:
        await greenlet_spawn(fairy.close)
