"""Login throttling under real concurrency: committed data in its own database, one session per HTTP request."""

import asyncio
import datetime
from collections import Counter

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from taxoffice.auth.models import LoginThrottle
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService
from taxoffice.auth.throttle import Scope
from taxoffice.config import Settings
from tests.support.clock import Clock
from tests.support.http import client_at
from tests.support.users import PASSWORD

USERNAME = "throttled.officer"
TOKEN_URL = "/api/v1/auth/token"
pytestmark = pytest.mark.usefixtures("officer")


@pytest.fixture
async def officer(own_engine: AsyncEngine, own_settings: Settings) -> None:
    async with AsyncSession(own_engine) as session:
        await UserService(session, own_settings).create(
            Principal.system("tests"), username=USERNAME, password=PASSWORD, role=Role.OFFICER, tax_office="HNI"
        )
        await session.commit()


async def _logins(app: Litestar, guesses: list[tuple[str, str]]) -> list[httpx.Response]:
    """Every (address, password) login at once."""
    clients = {address: client_at(app, address) for address, _ in guesses}
    try:
        return list(
            await asyncio.gather(
                *(
                    clients[address].post(TOKEN_URL, json={"username": USERNAME, "password": password})
                    for address, password in guesses
                )
            )
        )
    finally:
        for client in clients.values():
            await client.aclose()


async def _account_attempts(engine: AsyncEngine) -> int | None:
    async with AsyncSession(engine) as session:
        return await session.scalar(
            select(LoginThrottle.attempts).where(
                LoginThrottle.scope == Scope.ACCOUNT.value, LoginThrottle.key == USERNAME
            )
        )


async def test_one_address_gets_only_its_free_attempts_checked(
    own_app: Litestar, own_engine: AsyncEngine, own_settings: Settings, clock: Clock
) -> None:
    clock.set(2026, 11, 30)
    attacker = "198.51.100.7"
    wrong = await _logins(own_app, [(attacker, f"guess-{n}") for n in range(100)])
    statuses = Counter(r.status_code for r in wrong)
    # 401 is a checked (wrong) password; 429 was refused before any check.
    assert statuses == {401: own_settings.login_free_attempts, 429: 100 - own_settings.login_free_attempts}
    assert await _account_attempts(own_engine) == own_settings.login_free_attempts
    # After the limit, the right password among concurrent guesses from that address gets no token.
    mixed = await _logins(own_app, [(attacker, PASSWORD if n == 17 else f"more-{n}") for n in range(40)])
    assert {r.status_code for r in mixed} == {429}
    assert all("access_token" not in r.text for r in mixed)
    # The real user, from elsewhere, is not locked out.
    real = await _logins(own_app, [("203.0.113.20", PASSWORD)])
    assert real[0].status_code == 200, real[0].text
    assert await _account_attempts(own_engine) is None


async def test_many_addresses_get_only_the_accounts_free_attempts_checked(
    own_app: Litestar, own_engine: AsyncEngine, own_settings: Settings, clock: Clock
) -> None:
    clock.set(2026, 11, 30)
    wrong = await _logins(own_app, [(f"192.0.2.{n}", f"guess-{n}") for n in range(100)])
    statuses = Counter(r.status_code for r in wrong)
    assert statuses == {
        401: own_settings.login_account_free_attempts,
        429: 100 - own_settings.login_account_free_attempts,
    }
    mixed = await _logins(own_app, [(f"198.18.0.{n}", PASSWORD if n == 5 else f"more-{n}") for n in range(40)])
    assert {r.status_code for r in mixed} == {429}
    # The account backs off for a second only: then the real user logs in.
    assert clock.instant is not None
    clock.instant += datetime.timedelta(seconds=1)
    real = await _logins(own_app, [("203.0.113.20", PASSWORD)])
    assert real[0].status_code == 200, real[0].text
