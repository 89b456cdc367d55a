"""The outbox and the ``send-mail`` job against a real SMTP server (aiosmtpd): sent once accepted, retried when not."""

import dataclasses
import datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.tasks import send_mail
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.mail import outbox
from taxoffice.mail.models import MailMessage
from taxoffice.mail.sending import Attachment, MailSender, retry_delay
from taxoffice.mail.smtp import SmtpServer
from tests.support.smtp import SmtpSink, attachments
from tests.support.users import Login

NOW = datetime.datetime(2026, 12, 2, 1, 0, tzinfo=datetime.UTC)


async def _pdf(_session: AsyncSession, key: int) -> Attachment:
    return Attachment(f"doc-{key}.pdf", b"%PDF-1.4 test " + str(key).encode())


async def _queue(session: AsyncSession, recipient: str | None, *, attachment: str | None = "doc:7") -> MailMessage:
    message = await outbox.queue(
        session,
        kind="test",
        recipient=recipient,
        subject="Thông báo thử",
        body="Nội dung có dấu: Hà Nội.\n",
        now=NOW,
        attachment=attachment,
    )
    await session.commit()
    return message


def _sender(factory: async_sessionmaker[AsyncSession], smtp: SmtpSink) -> MailSender:
    return MailSender(factory, SmtpServer.from_url(smtp.url), "Cơ quan thuế <thue@example.org>", {"doc": _pdf})


async def _stored(session: AsyncSession, message_id: int) -> MailMessage:
    message = await session.get(MailMessage, message_id, populate_existing=True)
    assert message is not None
    return message


async def test_a_message_is_sent_with_its_attachment_and_marked_sent(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], smtp: SmtpSink
) -> None:
    message = await _queue(session, "nnt@example.org")
    counts = await _sender(session_factory, smtp).run(NOW)
    assert counts.as_dict() == {"claimed": 1, "sent": 1, "failed": 0}
    [received] = smtp.received
    assert received["To"] == "nnt@example.org"
    assert received["Subject"] == "Thông báo thử"
    assert "Cơ quan thuế" in str(received["From"])
    body = received.get_body(("plain",))
    assert body is not None
    assert "Hà Nội" in body.get_content()
    assert attachments(received) == {"doc-7.pdf": b"%PDF-1.4 test 7"}
    stored = await _stored(session, message.id)
    assert (stored.status, stored.sent_at, stored.attempts, stored.last_error) == ("sent", NOW, 1, None)
    assert (await _sender(session_factory, smtp).run(NOW + datetime.timedelta(hours=1))).claimed == 0


async def test_a_refused_message_stays_pending_with_its_error_and_goes_out_on_a_later_run(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], smtp: SmtpSink
) -> None:
    message = await _queue(session, "nnt@example.org")
    smtp.refusing = True
    assert (await _sender(session_factory, smtp).run(NOW)).as_dict() == {"claimed": 1, "sent": 0, "failed": 1}
    stored = await _stored(session, message.id)
    assert stored.status == "pending"
    assert stored.attempts == 1
    assert stored.last_error is not None
    assert "Refused by the test" in stored.last_error
    assert stored.next_attempt_at == NOW + retry_delay(1)
    smtp.refusing = False
    # Not due yet: nothing is claimed before the delay has passed.
    assert (await _sender(session_factory, smtp).run(NOW + datetime.timedelta(seconds=30))).claimed == 0
    later = NOW + retry_delay(1)
    assert (await _sender(session_factory, smtp).run(later)).sent == 1
    stored = await _stored(session, message.id)
    assert (stored.status, stored.attempts, stored.sent_at) == ("sent", 2, later)
    assert len(smtp.received) == 1


async def test_an_unreachable_server_keeps_the_message_pending(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], smtp: SmtpSink
) -> None:
    message = await _queue(session, "nnt@example.org", attachment=None)
    closed = dataclasses.replace(smtp, port=1)  # nothing listens on port 1
    assert (await _sender(session_factory, closed).run(NOW)).failed == 1
    stored = await _stored(session, message.id)
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert stored.last_error


async def test_a_message_without_an_address_is_skipped_with_the_reason_and_never_sent(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], smtp: SmtpSink
) -> None:
    message = await _queue(session, "  ")
    assert (message.status, message.skip_reason, message.recipient) == ("skipped", outbox.NO_ADDRESS, None)
    assert (await _sender(session_factory, smtp).run(NOW)).claimed == 0
    assert smtp.received == []


async def test_a_message_whose_attachment_cannot_be_made_waits_and_the_others_go_out(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], smtp: SmtpSink
) -> None:
    broken = await _queue(session, "nnt@example.org", attachment="gone:1")
    fine = await _queue(session, "nnt@example.org")
    assert (await _sender(session_factory, smtp).run(NOW)).as_dict() == {"claimed": 2, "sent": 1, "failed": 1}
    stored = await _stored(session, broken.id)
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert stored.last_error == "UnrenderableError: no renderer for the attachment 'gone:1'"
    assert (await _stored(session, fine.id)).status == "sent"


def test_the_retry_delay_doubles_up_to_six_hours() -> None:
    minutes = [retry_delay(n) / datetime.timedelta(minutes=1) for n in (1, 2, 3, 4, 10)]
    assert minutes == [1, 2, 4, 8, 360]
    assert retry_delay(50) == datetime.timedelta(hours=6)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", SmtpServer("mail.example.org", 25)),
        (
            "smtp+starttls://user%40x:p%3Ass@mail.example.org:2587",
            SmtpServer("mail.example.org", 2587, starttls=True, username="user@x", password="p:ss"),
        ),
        ("smtps://u:p@mail.example.org", SmtpServer("mail.example.org", 465, tls=True, username="u", password="p")),
    ],
)
def test_smtp_urls(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://"])
def test_smtp_urls_that_name_no_server_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="TAXOFFICE_SMTP_URL"):
        SmtpServer.from_url(url)


async def test_without_smtp_the_job_leaves_messages_in_the_outbox_for_admins(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    client: httpx.AsyncClient,
    login: Login,
) -> None:
    message = await _queue(session, "nnt@example.org", attachment=None)
    ctx = {"settings": settings, "session_factory": session_factory, "clock": lambda: NOW}
    assert await send_mail(ctx) == {"claimed": 0, "sent": 0, "failed": 0}
    admin = await login(Role.ADMIN)
    listed = await client.get("/api/v1/mail/outbox", params={"status": "pending"}, headers=admin)
    assert listed.status_code == 200, listed.text
    assert [m["id"] for m in listed.json()] == [message.id]
    assert (await client.get("/api/v1/mail/outbox", params={"status": "sent"}, headers=admin)).json() == []
    one = (await client.get(f"/api/v1/mail/outbox/{message.id}", headers=admin)).json()
    assert (one["recipient"], one["subject"], one["status"]) == ("nnt@example.org", "Thông báo thử", "pending")
    assert "Hà Nội" in one["body"]
    refused = await client.get(f"/api/v1/mail/outbox/{message.id}", headers=await login(Role.OFFICER))
    assert refused.status_code == 403


async def test_the_job_sends_through_the_configured_server(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], settings: Settings, smtp: SmtpSink
) -> None:
    message = await _queue(session, "nnt@example.org", attachment=None)
    configured = dataclasses.replace(settings, smtp_url=smtp.url, mail_from="thue@example.org")
    ctx = {"settings": configured, "session_factory": session_factory, "clock": lambda: NOW}
    assert await send_mail(ctx) == {"claimed": 1, "sent": 1, "failed": 0}
    assert [m["From"] for m in smtp.received] == ["thue@example.org"]
    assert (await _stored(session, message.id)).status == "sent"
