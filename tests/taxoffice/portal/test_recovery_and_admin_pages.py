"""A forgotten password from the portal (the e-mailed link, used once), and the admin's outbox pages."""

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService
from taxoffice.config import Settings
from taxoffice.mail.models import MailMessage
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login

NEW = "a-long-fresh-passphrase-9"


async def _staff_with_email(session: AsyncSession, settings: Settings, username: str, email: str) -> None:
    await UserService(session, settings).create(
        Principal.system("tests"),
        username=username,
        password=PASSWORD,
        role=Role.OFFICER,
        tax_office="HNI",
        email=email,
    )
    await session.commit()


async def _link_sent_to(session: AsyncSession, email: str) -> str:
    body = await session.scalar(
        select(MailMessage.body).where(MailMessage.recipient == email).order_by(MailMessage.id.desc())
    )
    assert body is not None, "no message was queued"
    match = re.search(r"/password/reset\?token=([A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


async def test_a_forgotten_password_is_reset_through_the_emailed_link_once(
    browser: PageClient, session: AsyncSession, settings: Settings
) -> None:
    await _staff_with_email(session, settings, "officer-forgot", "forgot@example.vn")
    form = await browser.get("/password/forgot")
    assert "Tên đăng nhập" in text_of(form)
    asked = await browser.post("/password/forgot", {"username": "officer-forgot"})
    assert asked.status_code == 200
    assert "một liên kết đặt lại mật khẩu đã được gửi" in text_of(asked)
    token = await _link_sent_to(session, "forgot@example.vn")
    reset_form = await browser.get(f"/password/reset?token={token}")
    assert 'name="token"' in reset_form.text
    weak = await browser.post("/password/reset", {"token": token, "new_password": "123", "repeat_password": "123"})
    assert weak.status_code == 422
    done = await browser.post("/password/reset", {"token": token, "new_password": NEW, "repeat_password": NEW})
    assert done.status_code == 303
    assert done.headers["location"] == "/login?reset=1"
    assert "Mật khẩu mới đã được đặt" in text_of(await browser.get("/login?reset=1"))
    assert (await browser.log_in("officer-forgot", NEW)).status_code == 303
    again = await browser.post("/password/reset", {"token": token, "new_password": NEW, "repeat_password": NEW})
    assert again.status_code == 400
    assert "ask for a new one" in text_of(again)


async def test_an_unknown_account_gets_the_same_answer_and_no_message(
    browser: PageClient, session: AsyncSession
) -> None:
    await browser.get("/password/forgot")
    asked = await browser.post("/password/forgot", {"username": "nobody-at-all"})
    assert asked.status_code == 200
    assert "một liên kết đặt lại mật khẩu đã được gửi" in text_of(asked)
    assert await session.scalar(select(MailMessage.id).where(MailMessage.kind == "password-reset")) is None


async def test_the_admin_reads_the_outbox_and_a_message(
    browser: PageClient, login: Login, session: AsyncSession, settings: Settings
) -> None:
    await _staff_with_email(session, settings, "officer-mailed", "mailed@example.vn")
    await browser.get("/password/forgot")
    await browser.post("/password/forgot", {"username": "officer-mailed"})
    await login(Role.ADMIN, username="admin-outbox")
    await browser.log_in("admin-outbox", PASSWORD)
    listed = await browser.get("/admin/outbox?status=pending")
    assert listed.status_code == 200
    page = text_of(listed)
    assert "mailed@example.vn" in page
    assert "Đặt lại mật khẩu / Password reset" in page
    message_id = await session.scalar(select(MailMessage.id).where(MailMessage.recipient == "mailed@example.vn"))
    shown = await browser.get(f"/admin/outbox/{message_id}")
    assert "/password/reset?token=" in text_of(shown)
    assert (await browser.get("/admin/outbox/999999")).status_code == 404


async def test_only_admins_open_the_outbox(browser: PageClient, login: Login) -> None:
    await login(Role.MANAGER, username="manager-outbox")
    await browser.log_in("manager-outbox", PASSWORD)
    assert (await browser.get("/admin/outbox")).status_code == 403
