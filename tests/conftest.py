"""Fixtures: a throwaway PostgreSQL migrated once; per test one connection in a transaction rolled back after."""

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import hypothesis
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from taxoffice.app import create_app
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head
from taxoffice.workdays.services import forget_cached_calendars
from tests.support.clock import Clock
from tests.support.fuzz import summary as fuzz_summary
from tests.support.servers import fresh_database, postgres_server, redis_server
from tests.support.smtp import SmtpSink, smtp_sink
from tests.support.users import Login

# Property tests: bounded and reproducible in the suite (the same examples every run, no example database written);
# `pytest --hypothesis-profile=long` searches ten times longer with fresh random examples each run.
hypothesis.settings.register_profile(
    "suite", max_examples=60, derandomize=True, database=None, deadline=None, print_blob=True
)
hypothesis.settings.register_profile("long", max_examples=600, derandomize=False, database=None, deadline=None)
hypothesis.settings.load_profile("suite")


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server: the one given, or a throwaway one started here."""
    given = os.environ.get("TAXOFFICE_TEST_DATABASE_URL")
    if given:
        yield given
        return
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server: the one given, or a throwaway one started here."""
    given = os.environ.get("TAXOFFICE_TEST_REDIS_URL")
    if given:
        yield given
        return
    with redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def db_url(pg_server_url: str) -> str:
    """The test database, migrated to head once."""
    url = fresh_database(pg_server_url, "taxoffice_test")
    upgrade_to_head(url)
    return url


@pytest.fixture(scope="session")
def settings(db_url: str) -> Settings:
    """Settings for the app under test."""
    return Settings(database_url=db_url, secret_key="test-secret-key-not-for-production", password_hash="fast")


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The test engine."""
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection inside a transaction that is rolled back after the test."""
    forget_cached_calendars()
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()
    forget_cached_calendars()


@pytest.fixture
def session_factory(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions whose commits are savepoints of the test's transaction."""
    return async_sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for service-level tests."""
    async with session_factory() as s:
        yield s


@pytest.fixture
def clock() -> Clock:
    """The app's clock: real time unless the test sets it."""
    return Clock()


@pytest.fixture
def app(
    settings: Settings, engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], clock: Clock
) -> Litestar:
    """The real app, its sessions bound to the test's connection."""
    application = create_app(settings, engine=engine, session_maker=session_factory, clock=clock)
    application.state.update(application.state.alchemy.create_app_state_items())
    return application


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in this process."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def login(app: Litestar, session: AsyncSession, settings: Settings) -> Login:
    """Creates users and returns their Authorization headers."""
    return Login(app, session, settings)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The API fuzz's figures, when it ran: requests per database and their status classes."""
    for line in fuzz_summary():
        terminalreporter.write_line(line)


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on a free local port, keeping the messages it accepts."""
    with smtp_sink() as sink:
        yield sink
