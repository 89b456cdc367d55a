"""The database out of reach during a request: 503 with ``Retry-After`` as an RFC 9457 problem, never 500."""

import asyncio
import dataclasses
import sqlite3

import httpx
import pytest
from asyncpg.exceptions import InterfaceError as DriverInterfaceError
from asyncpg.exceptions import InternalClientError as DriverStateError
from litestar import Litestar
from sqlalchemy import bindparam, literal_column, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine

from taxoffice.app import create_app
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.fastpaths import Prepared
from taxoffice.outage import RETRY_AFTER_SECONDS, database_unavailable
from tests.support.servers import free_port

LOGIN = {"username": "nobody", "password": "whatever-it-is"}


def _app(settings: Settings, engine: AsyncEngine) -> Litestar:
    app = create_app(settings, engine=engine, session_maker=create_session_factory(engine))
    app.state.update(app.state.alchemy.create_app_state_items())
    return app


async def _post_login(app: Litestar) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.post("/api/v1/auth/token", json=LOGIN)


def _assert_retry_later(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "urn:taxoffice:problem:database-unavailable"
    assert body["status"] == 503
    assert "Idempotency-Key" in body["detail"]


async def test_connection_refused_is_503(settings: Settings) -> None:
    down = dataclasses.replace(settings, database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x")
    engine = create_engine(down)
    try:
        _assert_retry_later(await _post_login(_app(down, engine)))
    finally:
        await engine.dispose()


async def test_pool_timeout_is_503(settings: Settings) -> None:
    # One connection, held by someone else for longer than a request may wait for it.
    tight = dataclasses.replace(settings, db_pool_size=1, db_pool_timeout_seconds=0.2)
    engine = create_engine(tight)
    try:
        async with engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            _assert_retry_later(await _post_login(_app(tight, engine)))
    finally:
        await engine.dispose()


async def test_a_dropped_connection_is_503(settings: Settings, engine: AsyncEngine) -> None:
    # The server ends the request's backend mid-request (what a PostgreSQL restart does to every connection).
    own = create_engine(dataclasses.replace(settings, db_pool_size=1))
    try:
        async with own.connect() as conn:
            pid = (await conn.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
            await conn.rollback()
        async with engine.connect() as admin:
            await admin.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        await asyncio.sleep(0.05)
        _assert_retry_later(await _post_login(_app(settings, own)))
        # The pool was invalidated: the next request gets a fresh connection and a real answer.
        assert (await _post_login(_app(settings, own))).status_code == 401
    finally:
        await own.dispose()


async def test_a_connection_dropped_under_a_read_on_the_driver_leaves_the_pool(
    settings: Settings, engine: AsyncEngine
) -> None:
    # The token check and the filer's read run on the driver (Prepared), where SQLAlchemy does not see the error:
    # the dead connection must not go back to the pool to fail the next request too.
    own = create_engine(dataclasses.replace(settings, db_pool_size=1))
    read = Prepared(select(literal_column("1").label("one")).where(literal_column("1") == bindparam("one")))
    try:
        async with own.connect() as conn:
            pid = (await conn.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
            async with engine.connect() as admin:
                await admin.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
            await asyncio.sleep(0.05)
            with pytest.raises(Exception) as failed:  # noqa: PT011 - whichever way asyncpg words the dropped connection
                await read.fetch(conn, {"one": 1})
            assert database_unavailable(failed.value)
            assert conn.invalidated
        async with own.connect() as conn:
            assert await read.fetch(conn, {"one": 1}) == [{"one": 1}]
    finally:
        await own.dispose()


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (ConnectionResetError("reset by peer"), True),
        (sa_exc.OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked")), True),
        (sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")), False),
        (sa_exc.ProgrammingError("SELECT", {}, Exception("syntax error")), False),
        (ValueError("a bug"), False),
        (DriverInterfaceError("connection is closed"), True),
        (DriverInterfaceError("cannot perform operation: another operation is in progress"), False),
        (DriverStateError("cannot switch to state 12; another operation (2) is in progress"), True),
    ],
)
def test_what_counts_as_unavailable(error: Exception, unavailable: bool) -> None:
    assert database_unavailable(error) is unavailable


def test_a_wrapped_server_shutdown_counts() -> None:
    class ServerError(Exception):
        sqlstate = "57P01"  # terminating connection due to administrator command

    outer = RuntimeError("repository failed")
    outer.__cause__ = ServerError()
    assert database_unavailable(outer)
    outer.__cause__ = ValueError()
    assert not database_unavailable(outer)
