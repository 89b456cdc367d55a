"""The outbox, for admins: ``GET /mail/outbox?status=`` and ``GET /mail/outbox/{id}``."""

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter

from taxoffice.auth.guards import ADMINS
from taxoffice.mail.models import MailMessage, MailStatus
from taxoffice.mail.schemas import MailMessageRead
from taxoffice.mail.services import MailService
from taxoffice.openapi import problems


def _read(message: MailMessage) -> MailMessageRead:
    return MailMessageRead(
        id=message.id,
        kind=message.kind,
        recipient=message.recipient,
        subject=message.subject,
        body=message.body,
        attachment=message.attachment,
        status=message.status,
        skip_reason=message.skip_reason,
        attempts=message.attempts,
        next_attempt_at=message.next_attempt_at,
        last_error=message.last_error,
        sent_at=message.sent_at,
        created_at=message.created_at,
    )


class OutboxController(Controller):
    """Messages waiting, sent or skipped."""

    path = "/mail/outbox"
    tags = ["mail"]  # noqa: RUF012 - Litestar reads a plain list
    guards = [ADMINS]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listOutbox")
    async def outbox(
        self,
        mail: NamedDependency[MailService],
        status: FromQuery[MailStatus | None] = None,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=500)]] = 100,
    ) -> list[MailMessageRead]:
        """Outbox messages, newest first; ``status``: only ``pending``, ``sent`` or ``skipped`` ones."""
        return [_read(m) for m in await mail.outbox(status, limit)]

    @get("/{message_id:int}", operation_id="getOutboxMessage", responses=problems(404))
    async def message(self, message_id: FromPath[int], mail: NamedDependency[MailService]) -> MailMessageRead:
        """One message: recipient, text, attachment, attempts and the last error."""
        return _read(await mail.message(message_id))


ROUTES = [OutboxController]
