"""Engine, sessions and the base model, the same for SQLite (embedded) and PostgreSQL (production)."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from advanced_alchemy.base import AdvancedDeclarativeBase, CommonTableAttributes, orm_registry
from advanced_alchemy.mixins import AuditColumns, IdentityPrimaryKey
from sqlalchemy import JSON, Connection, String, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from taxoffice.config import Settings
from taxoffice.fastpaths import POSTGRESQL, Prepared

__all__ = [
    "Base",
    "JsonB",
    "Model",
    "code_string",
    "create_engine",
    "create_session_factory",
    "dialect_insert",
    "metadata",
    "replica_lag",
    "session_scope",
]

metadata = orm_registry.metadata
# How long a SQLite transaction waits for the write lock before "database is locked" (embedded mode).
SQLITE_BUSY_TIMEOUT_MS = 30_000


class Base(CommonTableAttributes, AdvancedDeclarativeBase):
    """Declarative base for tables that choose their own primary key."""

    __abstract__ = True
    registry = orm_registry


class Model(Base, IdentityPrimaryKey, AuditColumns):
    """A table with a big-integer identity key and ``created_at``/``updated_at`` in UTC."""

    __abstract__ = True


# JSON on SQLite, JSONB on PostgreSQL (advanced-alchemy's JsonB fails under SQLAlchemy 2.1).
JsonB = JSON().with_variant(JSONB(), "postgresql")


def code_string(length: int) -> String:
    """A code column compared byte-wise (``COLLATE "C"`` on PostgreSQL), so ``LIKE 'x%'`` can use its index."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def _sqlite_listeners(engine: AsyncEngine) -> None:
    """SQLAlchemy's documented pair for SAVEPOINT-correct SQLite, plus pragmas, with writers that queue.

    Every transaction starts with ``BEGIN IMMEDIATE``: it takes SQLite's write lock at once, waiting for it up to the
    busy timeout. A plain (deferred) ``BEGIN`` reads first and asks for the lock at its first write; in WAL mode a
    transaction whose snapshot is older than another's commit then fails at once with "database is locked"
    (SQLITE_BUSY_SNAPSHOT), busy timeout or not, because waiting cannot help it. So one transaction writes at a time
    and the others wait their turn; readers outside a transaction (WAL) are not held up. PostgreSQL is the path for
    many concurrent writers.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:  # noqa: ANN401 - the driver's connection
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _json_dumps(value: object) -> str:
    return msgspec.json.encode(value).decode()


# JSON(B) columns encoded and decoded with msgspec rather than the standard library's json.
_JSON_CODEC: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": msgspec.json.decode}


def create_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    """The one engine of a process (``url``: another server of the same database, e.g. the replica)."""
    url = url or settings.database_url
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=settings.sql_echo, **_JSON_CODEC)
        _sqlite_listeners(engine)
        return engine
    # No pool_pre_ping: it costs every checkout a round trip (a request pays one per session). A connection the
    # server dropped fails its statement instead; SQLAlchemy then invalidates the whole pool, so after a database
    # restart only the requests in flight fail, and the next ones get fresh connections.
    # A pool as large as the requests one process has in flight, and no overflow: overflow connections are
    # opened and closed under load, each a new PostgreSQL backend. Keep workers x pool within max_connections.
    return create_async_engine(
        url,
        echo=settings.sql_echo,
        pool_size=settings.db_pool_size,
        max_overflow=0,
        pool_timeout=settings.db_pool_timeout_seconds,
        **_JSON_CODEC,
    )


# How far behind the primary a replica is, in seconds: 0 when it has replayed all it received, NULL on a primary.
# ``pg_last_xact_replay_timestamp`` alone would grow while the primary is idle, although nothing is missing.
_REPLICA_LAG = text(
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END"
)


async def replica_lag(session: AsyncSession) -> float | None:
    """Seconds the session's server (a streaming replica) is behind its primary; None when it is no replica."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    lag = await session.scalar(_REPLICA_LAG)
    return None if lag is None else float(lag)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep their objects readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def session_scope(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for jobs and the CLI; the caller commits."""
    async with factory() as session:
        yield session


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """The ``insert`` of the session's dialect, which has ``on_conflict_do_nothing``/``_do_update``."""
    if session.get_bind().dialect.name == POSTGRESQL:
        return pg_insert
    return sqlite_insert


async def autocommit_when_free(session: AsyncSession) -> AsyncConnection | None:
    """The one switch to autocommit: on PostgreSQL, when ``session`` owns an idle connection; that connection, if so.

    Then each statement commits by itself, with no ``BEGIN``/``COMMIT`` round trips: right for reads and for
    writes that are one statement (the filing receipt, ``AccountService.post_with``). The pool restores the
    isolation level when the session releases the connection (``commit``, ``rollback``, ``close``), so what runs
    after that is in a transaction again. A session joined to an outer transaction (a caller's, or a test's) and
    SQLite sessions keep their transaction (``None``).
    """
    if not owns_idle_connection(session):
        return None
    return await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def owns_idle_connection(session: AsyncSession) -> bool:
    """On PostgreSQL, whether the session owns its connection and has no transaction open.

    Such a session may run single statements in autocommit (one statement commits by itself, no BEGIN or COMMIT
    round trips); a session joined to an outer transaction (a caller's, or a test's) keeps it.
    """
    bind = session.bind
    return isinstance(bind, AsyncEngine) and bind.dialect.name == POSTGRESQL and not session.in_transaction()


async def read_before_work(session: AsyncSession, statement: Prepared, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run one read-only statement at the start of a request without leaving a transaction open behind it.

    On a session that owns an idle PostgreSQL connection the read runs in autocommit, on the driver (``Prepared``),
    and the connection is handed back, so the request's own work starts as if nothing had run (filing keeps its
    one-statement decisions); otherwise it runs in the session's transaction as usual.
    """
    connection = await autocommit_when_free(session)
    if connection is None:
        return await statement.fetch(await session.connection(), params)
    rows = await statement.fetch(connection, params)
    await session.close()
    return rows
