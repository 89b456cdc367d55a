"""Writing messages to the outbox, in the caller's transaction: a message exists exactly when its event does.

Two ways in: ``queue`` adds one message through the caller's session (the event is ORM work in an open
transaction); ``insert_rows`` builds an ``INSERT … SELECT`` for callers that write their event as one Core
statement and attach the message to it as a CTE (filing: see filings/mailing.py), so even an event committed by
one statement in autocommit carries its message in that same statement.
"""

import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Insert,
    Integer,
    Select,
    String,
    Table,
    case,
    insert,
    literal,
    null,
    or_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.mail.models import MailMessage, MailStatus

MAIL = cast("Table", MailMessage.__table__)
NO_ADDRESS = "no e-mail address on record"
# The columns of ``insert_rows``'s SELECT, in order.
ROW_COLUMNS = (
    "kind",
    "recipient",
    "subject",
    "body",
    "attachment",
    "status",
    "skip_reason",
    "attempts",
    "next_attempt_at",
    "created_at",
    "updated_at",
)


def _has_address(recipient: str | None) -> bool:
    return bool(recipient and recipient.strip())


async def queue(
    session: AsyncSession,
    *,
    kind: str,
    recipient: str | None,
    subject: str,
    body: str,
    now: datetime.datetime,
    attachment: str | None = None,
) -> MailMessage:
    """Add a message to the outbox in the session's transaction (committed with the event that causes it).

    Without an address the message is kept as ``skipped``, with the reason, and never sent.
    """
    has_address = _has_address(recipient)
    message = MailMessage(
        kind=kind,
        recipient=recipient.strip() if recipient and has_address else None,
        subject=subject,
        body=body,
        attachment=attachment,
        status=MailStatus.PENDING.value if has_address else MailStatus.SKIPPED.value,
        skip_reason=None if has_address else NO_ADDRESS,
        attempts=0,
        next_attempt_at=now,
    )
    session.add(message)
    await session.flush()
    return message


def row_values(
    *,
    kind: str,
    email: ColumnElement[str | None],
    subject: ColumnElement[str],
    body: ColumnElement[str],
    attachment: ColumnElement[str] | None,
    now: ColumnElement[datetime.datetime],
) -> list[ColumnElement[Any]]:
    """The values of ``ROW_COLUMNS`` (SQL) for a message to the address in ``email``: skipped when it is empty."""
    missing = or_(email.is_(None), email == "")
    return [
        literal(kind, String),
        case((missing, null()), else_=email),
        subject,
        body,
        attachment if attachment is not None else null(),
        case((missing, literal(MailStatus.SKIPPED.value)), else_=literal(MailStatus.PENDING.value)),
        case((missing, literal(NO_ADDRESS)), else_=null()),
        literal(0, Integer),
        now,
        now,
        now,
    ]


def insert_rows(rows: Select[Any] | CompoundSelect[Any]) -> Insert:
    """``INSERT INTO mail_message … SELECT rows``: ``rows`` selects the values of ``ROW_COLUMNS``, in order."""
    return insert(MAIL).from_select(list(ROW_COLUMNS), rows)
