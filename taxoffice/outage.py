"""Telling a database that cannot be reached right now (a fault to retry) from a bug.

PostgreSQL stopped or restarting, connections refused or reset, the pool exhausted, SQLite's write lock held too
long: each is answered 503 with ``Retry-After`` (``taxoffice.problems``), never 500.
"""

import sqlite3
from collections.abc import Iterator

from asyncpg.exceptions import InterfaceError as DriverInterfaceError
from asyncpg.exceptions import InternalClientError as DriverStateError
from sqlalchemy import exc as sa_exc

# Seconds a client waits before sending the request again (a PostgreSQL restart takes a few).
RETRY_AFTER_SECONDS = 3
# SQLSTATEs of a server that cannot serve now: class 08 (connection exceptions), 53300 (too many connections),
# 57P01-57P03 (administrator or crash shutdown, "the database system is starting up").
_UNAVAILABLE_STATES = ("08", "53300", "57P01", "57P02", "57P03")
# How deep to follow ``__cause__``/``__context__`` (drivers and repositories wrap errors a few times).
_MAX_DEPTH = 8


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < _MAX_DEPTH:
        seen.add(id(current))
        yield current
        orig = current.orig if isinstance(current, sa_exc.DBAPIError) else None
        if isinstance(orig, BaseException) and id(orig) not in seen:
            seen.add(id(orig))
            yield orig
        current = current.__cause__ or current.__context__


def _driver_connection_ended(exc: BaseException) -> bool:
    """Whether the driver (asyncpg, under taxoffice.fastpaths) says the server ended the connection.

    Closed already, or still reading the server's last error (a restart's FATAL) when the next statement comes,
    before the socket's end is seen. Either way the connection is unusable: it is invalidated, the request answered
    503.
    """
    if isinstance(exc, DriverInterfaceError):
        return "connection is closed" in str(exc)
    return isinstance(exc, DriverStateError) and "another operation" in str(exc)


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:  # the server dropped the connection
        return True
    if isinstance(exc, ConnectionError | TimeoutError):  # refused, reset, broken pipe; a connect that timed out
        return True
    if isinstance(exc, sa_exc.OperationalError | sqlite3.OperationalError) and "database is locked" in str(exc):
        return True
    if _driver_connection_ended(exc):
        return True
    state = getattr(exc, "sqlstate", None)
    return isinstance(state, str) and state.startswith(_UNAVAILABLE_STATES)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) says the database cannot be reached now, rather than a bug."""
    return any(_unavailable(e) for e in _chain(exc))
