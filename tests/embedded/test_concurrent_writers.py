"""The embedded default under concurrency: many writers at once on a real SQLite file, none told "database is
locked"."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from registry.models import RegistrationApplication, Taxpayer
from taxoffice.app import create_app
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, principal_of
from taxoffice.auth.tokens import issue_token
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head
from tests.support.http import client_at
from tests.support.users import PASSWORD

pytestmark = pytest.mark.embedded
WRITERS = 50
APPLICATION = {
    "kind": "enterprise",
    "name": "Công ty TNHH Đồng Thời",
    "id_number": "0109876543",
    "address": {"street": "12 Láng Hạ", "ward": "Láng Hạ", "district": "Đống Đa"},
}


@pytest.fixture
def file_url(tmp_path: Path) -> str:
    """A SQLite file of its own, migrated."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'concurrent.db'}"
    upgrade_to_head(url)
    return url


@pytest.fixture
async def file_engine(file_url: str) -> AsyncIterator[AsyncEngine]:
    """The embedded mode's engine on that file (its pool, listeners and pragmas)."""
    url = file_url
    engine = create_engine(Settings(database_url=url))
    yield engine
    await engine.dispose()


async def test_fifty_concurrent_writers_all_succeed(file_engine: AsyncEngine) -> None:
    settings = Settings(
        database_url=str(file_engine.url), secret_key="test-secret-key-not-for-production", password_hash="fast"
    )
    app: Litestar = create_app(settings, engine=file_engine)
    app.state.update(app.state.alchemy.create_app_state_items())
    async with AsyncSession(file_engine, expire_on_commit=False) as session:
        officer = await UserService(session, settings).create(
            Principal.system("tests"), username="busy.officer", password=PASSWORD, role=Role.OFFICER, tax_office="HNI"
        )
        await session.commit()
    token = issue_token(app.state.jwt_auth, principal_of(officer), officer.token_version)
    clients = [client_at(app, f"192.0.2.{n}") for n in range(WRITERS)]
    headers = {"Authorization": f"Bearer {token}"}
    try:
        answers = await asyncio.gather(
            # Anonymous applications, taxpayers registered by an officer (each takes the next tax code: a read, then
            # a write), and failed logins (each counted, then checked): all at once.
            *(c.post("/api/v1/registrations", json=APPLICATION) for c in clients),
            *(
                c.post("/api/v1/taxpayers", json={**APPLICATION, "id_number": f"01098765{n:02d}"}, headers=headers)
                for n, c in enumerate(clients)
            ),
            *(c.post("/api/v1/auth/token", json={"username": "busy.officer", "password": "wrong"}) for c in clients),
        )
    finally:
        for c in clients:
            await c.aclose()
    applied, registered, logins = answers[:WRITERS], answers[WRITERS : 2 * WRITERS], answers[2 * WRITERS :]
    assert Counter(a.status_code for a in applied) == {201: WRITERS}, [a.text for a in applied if a.status_code >= 500][
        :1
    ]
    assert Counter(a.status_code for a in registered) == {201: WRITERS}, [
        a.text for a in registered if a.status_code >= 500
    ][:1]
    # Failed logins: checked (401) up to the account's limit, then refused (429); never a 500.
    assert set(Counter(a.status_code for a in logins)) <= {401, 429}
    async with AsyncSession(file_engine) as session:
        assert await session.scalar(select(func.count()).select_from(RegistrationApplication)) == WRITERS
        codes = list(await session.scalars(select(Taxpayer.tax_code)))
    assert len(codes) == len(set(codes)) == WRITERS
