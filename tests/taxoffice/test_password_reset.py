"""Forgotten passwords: a single-use link by e-mail, valid an hour, that never tells whether an account exists."""

import dataclasses
import re
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.tasks import send_mail
from registry.models import Taxpayer
from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService
from taxoffice.config import Settings
from taxoffice.mail.models import MailMessage
from taxoffice.recovery.models import PasswordReset
from taxoffice.recovery.services import token_hash
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.smtp import SmtpSink
from tests.support.users import PASSWORD, Login

NEW_PASSWORD = "Sông Hồng chảy về biển 2026!"
RESET = "/api/v1/auth/password-reset"


async def _user(
    session: AsyncSession,
    username: str,
    role: Role = Role.OFFICER,
    *,
    email: str | None = None,
    tax_code: str | None = None,
    must_change_password: bool = False,
) -> User:
    user = await UserService(session, Settings(password_hash="fast")).create(
        Principal.system("tests"),
        username=username,
        password=PASSWORD,
        role=role,
        email=email,
        tax_code=tax_code,
        must_change_password=must_change_password,
    )
    await session.commit()
    return user


async def _messages(session: AsyncSession) -> list[MailMessage]:
    return list(await session.scalars(select(MailMessage).order_by(MailMessage.id)))


def _token(body: str, settings: Settings) -> str:
    link = re.search(r"https?://\S+", body)
    assert link is not None, body
    parts = urlsplit(link.group())
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{settings.public_url}/password/reset"
    return parse_qs(parts.query)["token"][0]


async def _login(client: httpx.AsyncClient, username: str, password: str) -> int:
    answer = await client.post("/api/v1/auth/token", json={"username": username, "password": password})
    return answer.status_code


async def test_the_link_arrives_by_mail_and_sets_the_password_once(
    client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp: SmtpSink,
    clock: Clock,
) -> None:
    clock.set(2026, 12, 2, 9)
    taxpayer: Taxpayer = await register_enterprise(session, "0109555011", "Công ty Quên Mật Khẩu")
    taxpayer.email = "quen@example.org"
    user = await _user(session, "quen.mk", Role.TAXPAYER, tax_code=taxpayer.tax_code, must_change_password=True)
    asked = await client.post(RESET, json={"username": "quen.mk"})
    assert asked.status_code == 202
    [message] = await _messages(session)
    assert (message.kind, message.recipient, message.status) == ("password-reset", "quen@example.org", "pending")
    configured = dataclasses.replace(settings, smtp_url=smtp.url)
    ctx = {"settings": configured, "session_factory": session_factory, "clock": clock}
    assert (await send_mail(ctx))["sent"] == 1
    [received] = smtp.received
    assert received["To"] == "quen@example.org"
    body = received.get_body(("plain",))
    assert body is not None
    token = _token(body.get_content(), settings)
    stored = await session.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert stored is not None
    assert stored.token_hash == token_hash(token) != token  # only the hash is kept
    assert token not in str(stored.__dict__)
    before = user.token_version
    done = await client.post(f"{RESET}/confirm", json={"token": token, "new_password": NEW_PASSWORD})
    assert done.status_code == 204, done.text
    await session.refresh(user)
    assert user.token_version == before + 1
    assert not user.must_change_password
    assert await _login(client, "quen.mk", NEW_PASSWORD) == 200
    assert await _login(client, "quen.mk", PASSWORD) == 401
    again = await client.post(f"{RESET}/confirm", json={"token": token, "new_password": "Một mật khẩu khác hẳn 99"})
    assert again.status_code == 400
    assert again.json()["type"].endswith("invalid-reset-token")


async def test_an_expired_link_is_refused(client: httpx.AsyncClient, session: AsyncSession, clock: Clock) -> None:
    clock.set(2026, 12, 2, 9)
    await _user(session, "can.bo.het.han", email="canbo@example.org")
    assert (await client.post(RESET, json={"username": "can.bo.het.han"})).status_code == 202
    [message] = await _messages(session)
    token = _token(message.body, Settings())
    clock.set(2026, 12, 2, 10, 1)  # an hour and a minute later
    late = await client.post(f"{RESET}/confirm", json={"token": token, "new_password": NEW_PASSWORD})
    assert late.status_code == 400
    assert await _login(client, "can.bo.het.han", PASSWORD) == 200


async def test_a_wrong_token_is_refused_and_a_weak_password_keeps_the_token(
    client: httpx.AsyncClient, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2026, 12, 2, 9)
    await _user(session, "can.bo.yeu", email="yeu@example.org")
    await client.post(RESET, json={"username": "can.bo.yeu"})
    [message] = await _messages(session)
    token = _token(message.body, Settings())
    wrong = await client.post(f"{RESET}/confirm", json={"token": token[:-2] + "xx", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 400
    weak = await client.post(f"{RESET}/confirm", json={"token": token, "new_password": "abc"})
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "new_password"
    good = await client.post(f"{RESET}/confirm", json={"token": token, "new_password": NEW_PASSWORD})
    assert good.status_code == 204


async def test_the_answer_is_the_same_for_unknown_disabled_and_addressless_accounts(
    client: httpx.AsyncClient, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2026, 12, 2, 9)
    disabled = await _user(session, "da.nghi", email="nghi@example.org")
    disabled.is_active = False
    await session.commit()
    await _user(session, "khong.thu")  # staff without an e-mail
    answers = [await client.post(RESET, json={"username": name}) for name in ("ai.do", "da.nghi", "khong.thu")]
    assert {(a.status_code, a.content) for a in answers} == {(202, answers[0].content)}
    assert await _messages(session) == []
    assert list(await session.scalars(select(PasswordReset))) == []


async def test_a_new_password_ends_the_sessions_and_spends_every_other_link(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2026, 12, 2, 9)
    headers = await login(Role.OFFICER, username="hai.lien.ket")
    user = await session.scalar(select(User).where(User.username == "hai.lien.ket"))
    assert user is not None
    user.email = "hai@example.org"
    await session.commit()
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    for _ in range(2):
        await client.post(RESET, json={"username": "hai.lien.ket"})
    first, second = [_token(m.body, Settings()) for m in await _messages(session)]
    assert (
        await client.post(f"{RESET}/confirm", json={"token": second, "new_password": NEW_PASSWORD})
    ).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    spent = await client.post(f"{RESET}/confirm", json={"token": first, "new_password": "Một mật khẩu khác hẳn 99"})
    assert spent.status_code == 400


async def test_requests_are_throttled_like_logins(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    clock.set(2026, 12, 2, 9)
    # Several people behind one address each ask once: none is held back (an office, an accounting firm).
    answers = [
        (await client.post(RESET, json={"username": f"nguoi.{n}"})).status_code
        for n in range(settings.login_free_attempts + 1)
    ]
    assert answers == [202] * (settings.login_free_attempts + 1)
    # One account asked for again and again from there: after the free requests, that pair waits.
    again = [
        (await client.post(RESET, json={"username": "nguoi.0"})).status_code
        for _ in range(settings.login_free_attempts)
    ]
    assert again == [202] * (settings.login_free_attempts - 1) + [429]
    # Logins from the same address are counted apart.
    assert await _login(client, "ai.do", "sai-mat-khau") == 401
