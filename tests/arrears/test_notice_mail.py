"""A debt notice as PDF and by e-mail: kept with the notice when issued, mailed through the outbox."""

import dataclasses
import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.tasks import send_mail
from registry.models import Taxpayer
from taxoffice.arrears.models import ArrearsCase
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.mail.models import MailMessage
from tests.arrears.test_notices_api import case, debtor
from tests.arrears.worklist_support import taxpayer
from tests.support.smtp import SmtpSink, attachments, pdf_text
from tests.support.users import Login

__all__ = ["case", "debtor"]  # the fixtures, used here too


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_an_issued_notice_is_mailed_with_its_pdf(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp: SmtpSink,
    debtor: Taxpayer,
    case: ArrearsCase,
) -> None:
    debtor.email = "no.dong@example.org"
    await session.commit()
    notice = (await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=await login(Role.OFFICER))).json()
    [message] = await session.scalars(select(MailMessage))
    assert (message.kind, message.recipient, message.status) == ("debt-notice", "no.dong@example.org", "pending")
    assert message.attachment == f"debt-notice:{notice['id']}"
    assert notice["number"] in message.subject
    assert "13.770.000 đồng" in message.body
    configured = dataclasses.replace(settings, smtp_url=smtp.url)
    now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)
    ctx = {"settings": configured, "session_factory": session_factory, "clock": lambda: now}
    assert (await send_mail(ctx))["sent"] == 1
    [received] = smtp.received
    assert received["To"] == "no.dong@example.org"
    pdf = attachments(received)[f"{notice['number']}.pdf"]
    text = _flat(pdf_text(pdf))
    assert "01/TTN" in text
    assert debtor.tax_code in text
    assert "Công ty TNHH Nợ Đọng" in text
    assert "10.000.000 270.000 10.270.000" in text
    assert "13.770.000 đồng" in text
    assert f"{debtor.tax_code} {notice['number']}" in text


async def test_the_notice_pdf_for_its_taxpayer_and_staff_only(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, debtor: Taxpayer, case: ArrearsCase
) -> None:
    notice = (await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=await login(Role.OFFICER))).json()
    [message] = await session.scalars(select(MailMessage))
    assert (message.status, message.recipient) == ("skipped", None)  # the debtor has no e-mail on record
    path = f"/api/v1/taxpayers/{debtor.tax_code}/notices/{notice['id']}/pdf"
    own = await client.get(path, headers=await login(Role.TAXPAYER, tax_code=debtor.tax_code))
    assert own.status_code == 200
    assert own.headers["content-type"] == "application/pdf"
    assert notice["number"] in pdf_text(own.content)
    assert (await client.get(path, headers=await login(Role.MANAGER))).status_code == 200
    stranger_code = (await taxpayer(session, "Công ty Người Khác")).tax_code
    stranger = await login(Role.TAXPAYER, tax_code=stranger_code)
    assert (await client.get(path, headers=stranger)).status_code == 404
    assert (await client.get(path.replace(debtor.tax_code, stranger_code), headers=stranger)).status_code == 404
