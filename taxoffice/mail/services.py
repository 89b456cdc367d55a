"""Reading the outbox (admins): what went out, what waits, and why a message is stuck or was skipped."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.mail.errors import MessageNotFoundError
from taxoffice.mail.models import MailMessage, MailStatus


class MailService:
    """The outbox as admins see it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def outbox(self, status: MailStatus | None = None, limit: int = 100) -> list[MailMessage]:
        """Messages, newest first, optionally only those in ``status``."""
        query = select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
        if status is not None:
            query = query.where(MailMessage.status == status.value)
        return list(await self.session.scalars(query))

    async def message(self, message_id: int) -> MailMessage:
        """One message with its text and delivery state.

        Raises:
            ResourceNotFoundError: no such message.
        """
        message = await self.session.get(MailMessage, message_id)
        if message is None:
            raise MessageNotFoundError(message_id)
        return message
