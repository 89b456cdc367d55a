"""Outbox messages as the API shows them."""

import datetime

import msgspec


class MailMessageRead(msgspec.Struct):
    """One outbox message: to whom, what, the document attached, and how delivery stands."""

    id: int
    kind: str
    recipient: str | None
    subject: str
    body: str
    attachment: str | None
    status: str
    skip_reason: str | None
    attempts: int
    next_attempt_at: datetime.datetime
    last_error: str | None
    sent_at: datetime.datetime | None
    created_at: datetime.datetime
