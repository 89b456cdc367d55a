"""Tokens follow the user's current state: disabled, another role, a new password or a forced change."""

import datetime

import httpx
import pytest
from litestar import Litestar
from litestar.security.jwt import Token
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.models import User
from taxoffice.auth.password_policy import password_problems
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService
from taxoffice.config import Settings, masked_url, weak_secret_key
from tests.support.users import PASSWORD, Login

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"


async def _token(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = await client.post(TOKEN, json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_disabled_user_loses_its_token_at_once(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login(Role.ADMIN)
    await login(Role.OFFICER, username="leaving.officer")
    token = await _token(client, "leaving.officer")
    assert (await client.get("/api/v1/taxpayers", headers=token)).status_code == 200
    disabled = await client.post("/api/v1/users/leaving.officer/disable", headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["is_active"] is False
    assert (await client.get("/api/v1/taxpayers", headers=token)).status_code == 401
    assert (await client.post(TOKEN, json={"username": "leaving.officer", "password": PASSWORD})).status_code == 401
    assert (await client.post("/api/v1/users/leaving.officer/enable", headers=admin)).status_code == 200
    # Enabled again: the old token stays dead, a new login works.
    assert (await client.get(ME, headers=token)).status_code == 401
    assert (await client.get(ME, headers=await _token(client, "leaving.officer"))).status_code == 200


async def test_role_change_revokes_tokens(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login(Role.ADMIN)
    await login(Role.OFFICER, username="promoted.user")
    token = await _token(client, "promoted.user")
    changed = await client.put("/api/v1/users/promoted.user/role", json={"role": "manager"}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "manager"
    assert (await client.get(ME, headers=token)).status_code == 401
    me = await client.get(ME, headers=await _token(client, "promoted.user"))
    assert me.json()["role"] == "manager"
    # A taxpayer needs its tax code.
    refused = await client.put("/api/v1/users/promoted.user/role", json={"role": "taxpayer"}, headers=admin)
    assert refused.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"role": "taxpayer", "tax_code": "\u00e5"},  # not a tax code
        {"role": "taxpayer", "tax_code": "0100109106-0001"},  # a branch suffix has three digits
        {"role": "officer", "tax_office": "HNI\u0011\u00e6-office-of-17"},  # control characters, and too long
        {"role": "officer", "tax_office": "HCM-DISTRICT-ONE1"},  # 17 characters: the column holds 16
    ],
)
async def test_a_role_change_with_a_malformed_code_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient, login: Login, body: dict[str, str]
) -> None:
    admin = await login(Role.ADMIN)
    await login(Role.OFFICER, username="steady.officer")
    refused = await client.put("/api/v1/users/steady.officer/role", json=body, headers=admin)
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    field = "tax_code" if "tax_code" in body else "tax_office"
    assert field in refused.text
    created = await client.post(
        "/api/v1/users", json={"username": "new.user", "password": "Long-passphrase-2026", **body}, headers=admin
    )
    assert created.status_code == 400, created.text
    users = (await client.get("/api/v1/users", headers=admin)).json()
    assert {u["username"]: u["role"] for u in users}.get("steady.officer") == "officer"
    assert "new.user" not in {u["username"] for u in users}


async def test_a_user_whose_name_is_longer_than_the_column_is_a_400(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login(Role.ADMIN)
    body = {"username": "long.name", "password": "Long-passphrase-2026", "role": "officer", "full_name": "Ngô " * 51}
    refused = await client.post("/api/v1/users", json=body, headers=admin)
    assert refused.status_code == 400, refused.text
    assert "full_name" in refused.text
    accepted = await client.post("/api/v1/users", json={**body, "full_name": "Ngô Thị Thu Hà"}, headers=admin)
    assert accepted.status_code == 201, accepted.text


async def test_password_change_revokes_tokens(client: httpx.AsyncClient, login: Login) -> None:
    await login(Role.OFFICER, username="rotating.user")
    token = await _token(client, "rotating.user")
    new = "another-long-passphrase-9"
    changed = await client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": new}, headers=token
    )
    assert changed.status_code == 204
    assert (await client.get(ME, headers=token)).status_code == 401
    assert (await client.get(ME, headers=await _token(client, "rotating.user", new))).status_code == 200


async def test_one_time_password_token_only_changes_the_password(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    once = "one-time-Xq7vP2mK9s"
    await UserService(session, settings).create(
        Principal.system("tests"), username="new.clerk", password=once, role=Role.OFFICER, must_change_password=True
    )
    await session.commit()
    first = await client.post(TOKEN, json={"username": "new.clerk", "password": once})
    assert first.json()["must_change_password"] is True
    token = {"Authorization": f"Bearer {first.json()['access_token']}"}
    refused = await client.get("/api/v1/taxpayers", headers=token)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "one-time password" in refused.json()["detail"]
    assert (await client.get(ME, headers=token)).status_code == 200
    weak = await client.post(
        "/api/v1/auth/password", json={"current_password": once, "new_password": "aaaaaaaaaa"}, headers=token
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "new_password"
    new = "clerk-chosen-passphrase-42"
    changed = await client.post(
        "/api/v1/auth/password", json={"current_password": once, "new_password": new}, headers=token
    )
    assert changed.status_code == 204
    assert (await client.get("/api/v1/taxpayers", headers=token)).status_code == 401
    fresh = await _token(client, "new.clerk", new)
    assert (await client.get("/api/v1/taxpayers", headers=fresh)).status_code == 200


async def test_only_admins_change_users_and_never_the_last_admin(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER, username="plain.officer")
    assert (await client.post("/api/v1/users/plain.officer/disable", headers=officer)).status_code == 403
    admin = await login(Role.ADMIN, username="only.admin")
    assert (await client.post("/api/v1/users/nobody.here/disable", headers=admin)).status_code == 404
    assert (await client.post("/api/v1/users/only.admin/disable", headers=admin)).status_code == 409
    demote = await client.put("/api/v1/users/only.admin/role", json={"role": "officer"}, headers=admin)
    assert demote.status_code == 409


async def test_forged_and_versionless_tokens_are_refused(
    app: Litestar, client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    await login(Role.ADMIN, username="forged.admin")
    user_id = str(await session.scalar(select(User.id).where(User.username == "forged.admin")))
    exp = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    claims = {"username": "forged.admin", "role": "admin", "ver": 0}
    signed = Token(exp=exp, sub=user_id, extras=claims).encode(app.state.jwt_auth.token_secret, "HS256")
    assert (await client.get("/api/v1/users", headers={"Authorization": f"Bearer {signed}"})).status_code == 200
    forged = Token(exp=exp, sub=user_id, extras=claims).encode("x" * 32, "HS256")
    assert (await client.get("/api/v1/users", headers={"Authorization": f"Bearer {forged}"})).status_code == 401
    versionless = Token(exp=exp, sub=user_id, extras={"role": "admin"}).encode(app.state.jwt_auth.token_secret, "HS256")
    assert (await client.get("/api/v1/users", headers={"Authorization": f"Bearer {versionless}"})).status_code == 401


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "password123", "qwertyuiop1", "1234567890", "Password2026!"])
def test_common_and_patterned_passwords_are_refused(password: str) -> None:
    assert password_problems(password, "someone")


def test_the_username_itself_is_refused() -> None:
    assert password_problems("nguyen.van.an.1990", "nguyen.van.an.1990")


@pytest.mark.parametrize("password", [PASSWORD, "officer-demo-2026", "my-own-secret-phrase-2026"])
def test_long_unusual_passwords_pass(password: str) -> None:
    assert password_problems(password, "someone") == []


async def test_weak_admin_password_is_refused_at_creation(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login(Role.ADMIN)
    body = {"username": "weak.admin", "password": "aaaaaaaaaa", "role": "admin"}
    refused = await client.post("/api/v1/users", json=body, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "password.too_guessable"


def test_production_needs_a_strong_secret_key() -> None:
    pg = "postgresql+asyncpg://office:s3cret-pw@db.internal/taxoffice"
    assert weak_secret_key(Settings(database_url=pg, secret_key="")) is not None
    assert weak_secret_key(Settings(database_url=pg, secret_key="x")) is not None
    assert weak_secret_key(Settings(database_url=pg, secret_key="k" * 31)) is not None
    assert weak_secret_key(Settings(database_url=pg, secret_key="k" * 32)) is None
    assert weak_secret_key(Settings(database_url="sqlite+aiosqlite:///./t.db", secret_key="")) is None
    assert masked_url(pg) == "postgresql+asyncpg://office:***@db.internal/taxoffice"
    assert masked_url("sqlite+aiosqlite:///./t.db") == "sqlite+aiosqlite:///./t.db"
