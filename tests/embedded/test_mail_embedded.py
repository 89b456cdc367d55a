"""A return's e-mails on the embedded SQLite database: the same messages, written as statements of their own."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.config import Settings
from tests.filings.test_return_mail import mail_a_late_return_and_a_rejected_one
from tests.filings.test_returns_api import filer
from tests.support.smtp import SmtpSink
from tests.support.users import Login

__all__ = ["filer"]  # the fixture, used here too


async def test_a_return_is_mailed_with_its_receipt_and_its_decision_on_sqlite(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp: SmtpSink,
    filer: Taxpayer,
) -> None:
    await mail_a_late_return_and_a_rejected_one(client, login, session, session_factory, settings, smtp, filer)
