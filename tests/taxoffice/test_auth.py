"""Login, slow-down after failures, password changes, the CLI's users."""

import datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.models import AuditEvent, LoginThrottle, User
from taxoffice.auth.roles import Role
from taxoffice.auth.services import UserService
from taxoffice.auth.throttle import Limit, Scope, backoff
from taxoffice.config import Settings
from taxoffice.errors import AuthenticationError, TooManyAttemptsError
from tests.support.users import PASSWORD, Login

ADDRESS = "203.0.113.10"


def test_backoff_doubles_after_free_attempts() -> None:
    limit = Limit(free=5, max_delay=900, window=3600)
    assert [backoff(n, limit) for n in range(3, 10)] == [0, 0, 1, 2, 4, 8, 16]
    assert backoff(30, limit) == 900
    assert backoff(10**6, limit) == 900


async def test_token_and_me(client: httpx.AsyncClient, login: Login) -> None:
    await login(Role.OFFICER, username="lan.nguyen")
    token = await client.post("/api/v1/auth/token", json={"username": "lan.nguyen", "password": PASSWORD})
    assert token.status_code == 200
    body = token.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"username": "lan.nguyen", "role": "officer", "tax_code": None, "tax_office": "HNI"}


async def test_wrong_password_and_unknown_user_look_alike(client: httpx.AsyncClient, login: Login) -> None:
    await login(Role.OFFICER, username="hoa.tran")
    wrong = await client.post("/api/v1/auth/token", json={"username": "hoa.tran", "password": "nope"})
    unknown = await client.post("/api/v1/auth/token", json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_repeated_failures_slow_down(session: AsyncSession, settings: Settings, login: Login) -> None:
    await login(Role.OFFICER, username="slow.user")
    service = UserService(session, settings)
    now = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC)
    for _ in range(settings.login_free_attempts):
        with pytest.raises(AuthenticationError):
            await service.authenticate("slow.user", "bad", now, ADDRESS)
    # Five attempts are free; now even the right password must wait a second.
    with pytest.raises(TooManyAttemptsError) as refused:
        await service.authenticate("slow.user", PASSWORD, now, ADDRESS)
    assert refused.value.headers["Retry-After"] == "1"
    one_later = now + datetime.timedelta(seconds=1)
    with pytest.raises(AuthenticationError):
        await service.authenticate("slow.user", "bad", one_later, ADDRESS)
    # The sixth failure doubles the wait to 2 s.
    with pytest.raises(TooManyAttemptsError) as again:
        await service.authenticate("slow.user", PASSWORD, one_later + datetime.timedelta(milliseconds=500), ADDRESS)
    assert again.value.headers["Retry-After"] == "2"
    user = await service.authenticate("slow.user", PASSWORD, one_later + datetime.timedelta(seconds=2), ADDRESS)
    assert user.username == "slow.user"
    # The account starts afresh after a success.
    assert await _attempts(session, Scope.ACCOUNT, "slow.user") is None


async def test_another_address_is_not_held_back(session: AsyncSession, settings: Settings, login: Login) -> None:
    await login(Role.OFFICER, username="targeted.user")
    service = UserService(session, settings)
    now = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC)
    for _ in range(settings.login_free_attempts + 3):
        with pytest.raises((AuthenticationError, TooManyAttemptsError)):
            await service.authenticate("targeted.user", "guess", now, "198.51.100.66")
    # The guessing address backs off before the account does: the real user, elsewhere, logs in at once.
    assert await _attempts(session, Scope.ACCOUNT, "targeted.user") == settings.login_free_attempts
    user = await service.authenticate("targeted.user", PASSWORD, now, ADDRESS)
    assert user.username == "targeted.user"


async def test_account_backs_off_after_many_addresses(session: AsyncSession, settings: Settings, login: Login) -> None:
    await login(Role.OFFICER, username="spread.user")
    service = UserService(session, settings)
    now = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC)
    for n in range(settings.login_account_free_attempts):
        with pytest.raises(AuthenticationError):
            await service.authenticate("spread.user", "guess", now, f"192.0.2.{n}")
    with pytest.raises(TooManyAttemptsError, match="for this account") as refused:
        await service.authenticate("spread.user", PASSWORD, now, "192.0.2.200")
    assert refused.value.headers["Retry-After"] == "1"
    # The refused attempt was never checked, so it counts against neither key.
    assert await _attempts(session, Scope.ADDRESS, "192.0.2.200") is None
    assert await _attempts(session, Scope.ACCOUNT, "spread.user") == settings.login_account_free_attempts
    # The account's back-off is short: a second later the real user gets in.
    later = now + datetime.timedelta(seconds=1)
    assert (await service.authenticate("spread.user", PASSWORD, later, "192.0.2.200")).username == "spread.user"


async def _attempts(session: AsyncSession, scope: Scope, key: str) -> int | None:
    return await session.scalar(
        select(LoginThrottle.attempts).where(LoginThrottle.scope == scope.value, LoginThrottle.key == key)
    )


async def test_slow_down_over_http_is_429(client: httpx.AsyncClient, login: Login) -> None:
    await login(Role.OFFICER, username="locked.user")
    for _ in range(7):
        await client.post("/api/v1/auth/token", json={"username": "locked.user", "password": "bad"})
    refused = await client.post("/api/v1/auth/token", json={"username": "locked.user", "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["type"] == "urn:taxoffice:problem:too-many-attempts"


async def test_change_password(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    headers = await login(Role.OFFICER, username="minh.le")
    short = await client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "short"}, headers=headers
    )
    assert short.status_code == 422
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a-much-longer-one"},
        headers=headers,
    )
    assert changed.status_code == 204
    assert (
        await client.post("/api/v1/auth/token", json={"username": "minh.le", "password": PASSWORD})
    ).status_code == 401
    assert (
        await client.post("/api/v1/auth/token", json={"username": "minh.le", "password": "a-much-longer-one"})
    ).status_code == 200
    user = await session.scalar(select(User).where(User.username == "minh.le"))
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert await session.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.password")) is not None


async def test_taxpayer_user_needs_tax_code(session: AsyncSession, settings: Settings) -> None:
    from taxoffice.auth.roles import Principal  # noqa: PLC0415

    with pytest.raises(Exception, match="tax code"):
        await UserService(session, settings).create(
            Principal.system("t"), username="tp", password="long-enough-1", role=Role.TAXPAYER
        )
