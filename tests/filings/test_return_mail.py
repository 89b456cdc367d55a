"""A return's e-mails: the receipt and the decision written to the outbox with the filing, sent with their PDFs.

``mail_a_late_return_and_a_rejected_one`` runs on PostgreSQL here (the messages are CTEs of the filing statements)
and on SQLite in tests/embedded (the messages are statements of their own in the same transaction).
"""

import dataclasses
import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from filings.models import TaxReturn
from jobs.tasks import send_mail
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.mail.models import MailMessage
from taxoffice.mail.outbox import NO_ADDRESS
from tests.filings.test_returns_api import M, filer, vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.smtp import SmtpSink, attachments, pdf_text
from tests.support.users import Login

__all__ = ["filer"]  # the fixture, used here too

EMAIL = "ke.toan@khaithue.example"


async def _messages(session: AsyncSession) -> list[MailMessage]:
    found = await session.scalars(
        select(MailMessage).order_by(MailMessage.id).execution_options(populate_existing=True)
    )
    return list(found)


def _flat(text: str) -> str:
    return " ".join(text.split())


async def mail_a_late_return_and_a_rejected_one(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp: SmtpSink,
    filer: Taxpayer,
) -> None:
    """File an accepted and a rejected return; both receipts and decisions reach the SMTP server with their PDFs."""
    filer.email = EMAIL
    await session.commit()
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    accepted = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    ).json()
    wrong = vat_values() | {"ct40": 19 * M}
    rejected = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", wrong), headers=me)
    ).json()
    assert (accepted["status"], rejected["status"]) == ("accepted", "rejected")
    queued = await _messages(session)
    assert [(m.kind, m.attachment, m.recipient, m.status) for m in queued] == [
        ("return-receipt", f"return-receipt:{accepted['id']}", EMAIL, "pending"),
        ("return-notice", f"return-notice:{accepted['id']}", EMAIL, "pending"),
        ("return-receipt", f"return-receipt:{rejected['id']}", EMAIL, "pending"),
        ("return-notice", f"return-notice:{rejected['id']}", EMAIL, "pending"),
    ]
    assert queued[0].subject.endswith(accepted["transaction_code"])
    assert accepted["transaction_code"] in queued[0].body
    assert "20.000.000 đồng" in queued[1].body
    assert "không chấp nhận" in queued[3].subject
    configured = dataclasses.replace(settings, smtp_url=smtp.url)
    now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)
    ctx = {"settings": configured, "session_factory": session_factory, "clock": lambda: now}
    assert await send_mail(ctx) == {"claimed": 4, "sent": 4, "failed": 0}
    assert [m.status for m in await _messages(session)] == ["sent"] * 4
    receipt, acceptance, _, rejection = smtp.received
    assert receipt["To"] == EMAIL
    [receipt_pdf] = attachments(receipt).values()
    text = _flat(pdf_text(receipt_pdf))
    assert "01-1/TB-TĐT" in text
    assert accepted["transaction_code"] in text
    assert filer.tax_code in text
    acceptance_text = _flat(pdf_text(next(iter(attachments(acceptance).values()))))
    assert "Về việc chấp nhận hồ sơ khai thuế điện tử" in acceptance_text
    assert "20.000.000 đồng" in acceptance_text
    assert "theo quyết định riêng của cơ quan thuế" in acceptance_text  # the fine is decided by an officer
    rejection_text = _flat(pdf_text(next(iter(attachments(rejection).values()))))
    assert "Về việc không chấp nhận hồ sơ khai thuế điện tử" in rejection_text
    finding = next(e for e in rejected["errors"] if e["severity"] == "reject")
    assert _flat(finding["message_vi"]) in rejection_text
    assert finding["rule"] in rejection_text


async def test_a_return_is_mailed_with_its_receipt_and_its_decision(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp: SmtpSink,
    filer: Taxpayer,
) -> None:
    await mail_a_late_return_and_a_rejected_one(client, login, session, session_factory, settings, smtp, filer)


async def test_without_an_address_the_messages_are_kept_as_skipped_with_the_reason(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    assert filer.email is None
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    filed = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    assert filed.status_code == 201
    assert [(m.kind, m.status, m.skip_reason, m.recipient) for m in await _messages(session)] == [
        ("return-receipt", "skipped", NO_ADDRESS, None),
        ("return-notice", "skipped", NO_ADDRESS, None),
    ]


async def test_a_return_refused_before_receipt_sends_nothing(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    early = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-12", vat_values()), headers=me)
    assert early.status_code == 422  # the period has not ended: nothing received, nothing to tell
    assert await _messages(session) == []


async def test_the_notices_as_pdf_for_the_taxpayer_itself_only(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    filed = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    ).json()
    receipt = await client.get(f"/api/v1/returns/{filed['id']}/receipt.pdf", headers=me)
    assert receipt.status_code == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert filed["transaction_code"] in pdf_text(receipt.content)
    notice = await client.get(f"/api/v1/returns/{filed['id']}/notice.pdf", headers=await login(Role.OFFICER))
    assert notice.status_code == 200
    assert "01-2/TB-TĐT" in pdf_text(notice.content)
    other = await register_enterprise(session, "0109555002", "Công ty Khác")
    stranger = await login(Role.TAXPAYER, tax_code=other.tax_code)
    for document in ("receipt.pdf", "notice.pdf"):
        hidden = await client.get(f"/api/v1/returns/{filed['id']}/{document}", headers=stranger)
        assert hidden.status_code == 404


async def test_the_notice_of_a_return_not_yet_decided_is_a_conflict(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    filed = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    ).json()
    stored = await session.get(TaxReturn, filed["id"])
    assert stored is not None
    stored.status, stored.decided_at = "received", None  # as a decision interrupted leaves it
    await session.commit()
    answer = await client.get(f"/api/v1/returns/{filed['id']}/notice.pdf", headers=me)
    assert answer.status_code == 409
    assert (await client.get(f"/api/v1/returns/{filed['id']}/receipt.pdf", headers=me)).status_code == 200
