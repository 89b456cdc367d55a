"""The ``send-mail`` job's work: hand every due message to the SMTP server; mark it sent only once accepted.

A run claims a batch of due messages with one statement (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers
never claim the same message) by moving their next attempt a lease ahead, and commits; then it sends each one
outside any transaction and records the outcome in its own short transaction: ``sent`` with the time, or still
``pending`` with the error and a next attempt later each time (``retry_delay``); an attachment that cannot be made
is such an error too, so one bad message never holds up the others. A worker killed mid-send leaves
its messages to be claimed again when the lease runs out: a message may then go out twice, never zero times.
"""

import datetime
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.errors import DomainError
from taxoffice.mail.models import MailStatus
from taxoffice.mail.outbox import MAIL
from taxoffice.mail.smtp import DELIVERY_ERRORS, SmtpServer

# How long a claimed message is left to the run that claimed it before another run may claim it again.
LEASE = datetime.timedelta(minutes=10)
BATCH = 100
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)
_ERROR_CHARS = 2000


class UnrenderableError(Exception):
    """A message's attachment cannot be made (its document is gone, or not final yet): the message waits, retried."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


# Renders the document an ``attachment`` reference names (``return-receipt:42`` → the renderer of
# ``return-receipt``, called with 42) from the stored data, in a read-only session.
Renderer = Callable[[AsyncSession, int], Awaitable[Attachment]]


@dataclass
class SendCounts:
    """What a run did."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts, as a job returns them."""
        return {"claimed": self.claimed, "sent": self.sent, "failed": self.failed}


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most 6 hours."""
    doublings: int = min(max(attempts - 1, 0), 20)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def compose(row: Row[Any], sender: str, attachment: Attachment | None, now: datetime.datetime) -> EmailMessage:
    """The e-mail of an outbox row."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=f"mail-{row.id}")
    message.set_content(row.body)
    if attachment is not None:
        message.add_attachment(
            attachment.content, maintype=attachment.maintype, subtype=attachment.subtype, filename=attachment.filename
        )
    return message


class MailSender:
    """Sends the outbox's due messages through one SMTP server."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        server: SmtpServer,
        sender: str,
        renderers: Mapping[str, Renderer],
    ) -> None:
        self.session_factory = session_factory
        self.server = server
        self.sender = sender
        self.renderers = renderers

    async def run(self, now: datetime.datetime, batch: int = BATCH) -> SendCounts:
        """Send every message due at ``now`` (``next_attempt_at <= now``), one batch after another."""
        counts = SendCounts()
        while rows := await self._claim(now, batch):
            counts.claimed += len(rows)
            for row in rows:
                if await self._send(row, now):
                    counts.sent += 1
                else:
                    counts.failed += 1
            if len(rows) < batch:
                break
        return counts

    async def _claim(self, now: datetime.datetime, batch: int) -> list[Row[Any]]:
        due = (
            select(MAIL.c.id)
            .where(MAIL.c.status == MailStatus.PENDING.value, MAIL.c.next_attempt_at <= now)
            .order_by(MAIL.c.next_attempt_at, MAIL.c.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(MAIL)
            .where(MAIL.c.id.in_(due.scalar_subquery()))
            .values(next_attempt_at=now + LEASE)
            .returning(MAIL.c.id, MAIL.c.recipient, MAIL.c.subject, MAIL.c.body, MAIL.c.attachment, MAIL.c.attempts)
        )
        async with self.session_factory() as session:
            rows = list((await session.execute(claim)).all())
            await session.commit()
        return sorted(rows, key=lambda row: row.id)

    async def _attachment(self, reference: str | None) -> Attachment | None:
        """The attachment a row names; raises ``UnrenderableError`` when it cannot be made."""
        if reference is None:
            return None
        kind, _, key = reference.partition(":")
        renderer = self.renderers.get(kind)
        if renderer is None or not key.isdigit():
            raise UnrenderableError(f"no renderer for the attachment {reference!r}")
        try:
            async with self.session_factory() as session:
                return await renderer(session, int(key))
        except DomainError as error:
            raise UnrenderableError(f"{reference}: {error.detail}") from error

    async def _send(self, row: Row[Any], now: datetime.datetime) -> bool:
        attempts = row.attempts + 1
        try:
            await self.server.deliver(compose(row, self.sender, await self._attachment(row.attachment), now))
        except (*DELIVERY_ERRORS, UnrenderableError) as error:
            outcome: dict[str, Any] = {
                "attempts": attempts,
                "last_error": f"{type(error).__name__}: {error}"[:_ERROR_CHARS],
                "next_attempt_at": now + retry_delay(attempts),
            }
            sent = False
        else:
            outcome = {"attempts": attempts, "status": MailStatus.SENT.value, "sent_at": now}
            sent = True
        async with self.session_factory() as session:
            await session.execute(update(MAIL).where(MAIL.c.id == row.id).values(updated_at=now, **outcome))
            await session.commit()
        return sent
