"""The outbox: every message, written in the transaction of the event that causes it, kept after it is sent."""

import datetime
from enum import StrEnum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Model


class MailStatus(StrEnum):
    """Where a message stands."""

    PENDING = "pending"  # waiting for (another) attempt
    SENT = "sent"  # the SMTP server accepted it
    SKIPPED = "skipped"  # never to be sent: no address (``skip_reason`` says why)


class MailMessage(Model):
    """One e-mail: to whom, what, and the document attached (rendered when it is sent), with its delivery state."""

    __tablename__ = "mail_message"
    __table_args__ = (Index("ix_mail_message_due", "status", "next_attempt_at"),)

    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The PDF to attach, as ``<document kind>:<id>`` (``return-receipt:42``): rendered from stored data when sent.
    attachment: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10))
    skip_reason: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
