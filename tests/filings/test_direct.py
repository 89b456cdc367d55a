"""Originals filed without a session (filings/direct.py), in a database of their own, as the server files them.

The direct path writes the same rows as the session's path or nothing at all, and hands every other case over;
a connection the server ended under it is not given back to the pool.
"""

import datetime
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from filings.direct import FilingCounter
from filings.errors import AlreadyFiledError
from filings.mailing import NOTICE_MAIL, RECEIPT_MAIL
from filings.models import FineDecision, TaxReturn
from filings.services import FilingService
from taxoffice.accounts.models import Charge
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.mail.models import MailMessage
from taxoffice.migrations import upgrade_to_head
from taxoffice.outage import database_unavailable
from taxoffice.workdays.services import CalendarService, forget_cached_calendars
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.servers import admin_sql, fresh_database

NOW = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
OFFICER = Principal(user_id=1, username="officer-direct", role=Role.OFFICER)
JSON = "application/json"
M = 1_000_000
DATABASE = "taxoffice_direct_filing"
REGISTERED = datetime.date(2025, 6, 2)
# Columns that differ between two returns of two filers for the same period, whichever path wrote them.
OWN = {"id", "taxpayer_id", "tax_code", "transaction_code", "document", "document_sha256", "source", "values"}


@pytest.fixture(scope="module")
def own_db_url(pg_server_url: str) -> str:
    url = fresh_database(pg_server_url, DATABASE)
    upgrade_to_head(url)
    return url


@pytest.fixture
async def engine(own_db_url: str) -> AsyncIterator[AsyncEngine]:
    forget_cached_calendars()
    engine = create_engine(Settings(database_url=own_db_url, db_pool_size=1))
    try:
        yield engine
    finally:
        await engine.dispose()
        forget_cached_calendars()


class Counter:
    """The filing counter on ``engine``, counting the returns handed over to a session."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sessions: async_sessionmaker[AsyncSession] = create_session_factory(engine)
        self.opened: list[AsyncSession] = []
        self.counter = FilingCounter(engine, self._service)

    def _service(self) -> FilingService:
        session = self.sessions()
        self.opened.append(session)
        return FilingService(session, AccountService(session))

    async def file(self, body: dict[str, Any], key: str | None = None) -> tuple[TaxReturn, bool]:
        try:
            return await self.counter.submit(OFFICER, json.dumps(body).encode(), JSON, key, NOW)
        finally:
            for session in self.opened:
                await session.commit()
                await session.close()

    @property
    def handed_over(self) -> int:
        return len(self.opened)


async def _filer(engine: AsyncEngine, id_number: str) -> str:
    async with create_session_factory(engine)() as session:
        filer = await register_enterprise(session, id_number, "Công ty TNHH Nộp Thẳng", registered_on=REGISTERED)
        return filer.tax_code


async def _row(session: AsyncSession, ret_id: int) -> dict[str, Any]:
    ret = await session.get_one(TaxReturn, ret_id)
    return {c.key: getattr(ret, c.key) for c in TaxReturn.__mapper__.column_attrs}


async def _written(session: AsyncSession, ret_id: int) -> tuple[list[tuple[Any, ...]], int, list[int]]:
    charges = await session.execute(
        select(Charge.kind, Charge.amount, Charge.due_on, Charge.period).where(Charge.source == f"return:{ret_id}")
    )
    documents = [f"{RECEIPT_MAIL}:{ret_id}", f"{NOTICE_MAIL}:{ret_id}"]
    mails = await session.scalar(
        select(func.count()).select_from(MailMessage).where(MailMessage.attachment.in_(documents))
    )
    fines = await session.scalars(select(FineDecision.proposed_amount).where(FineDecision.return_id == ret_id))
    return [tuple(c) for c in charges], int(mails or 0), list(fines)


async def test_an_acceptable_original_is_filed_without_a_session_and_writes_what_the_session_path_writes(
    engine: AsyncEngine,
) -> None:
    direct, by_session = await _filer(engine, "0109555301"), await _filer(engine, "0109555302")
    counter = Counter(engine)
    values = vat_values(sales_10=400 * M)
    # The working calendar is not read yet in this process: the first return goes the session's way and reads it.
    first, created = await counter.file(vat_return(direct, "2025-12", values))
    assert (created, first.status, counter.handed_over) == (True, "accepted", 1)
    ret, created = await counter.file(vat_return(direct, "2026-01", values))  # late: a draft fine too
    assert (created, ret.status, ret.tax_payable, counter.handed_over) == (True, "accepted", 30 * M, 1)

    async with counter.sessions() as session:
        service = FilingService(session, AccountService(session))
        calendar = await CalendarService(session).calendar()
        body = json.dumps(vat_return(by_session, "2026-01", values)).encode()
        twin, _ = await service.submit(OFFICER, body, JSON, None, NOW, calendar)
        await session.commit()
    async with counter.sessions() as session:
        stored, other = await _row(session, ret.id), await _row(session, twin.id)
        assert stored["transaction_code"] == ret.transaction_code == f"260310{ret.id:011d}"
        assert {k: v for k, v in stored.items() if k not in OWN} == {k: v for k, v in other.items() if k not in OWN}
        written = await _written(session, ret.id)
        assert written == await _written(session, twin.id)
        # Due on the 20th, a Tết holiday in 2026: the next working day.
        assert written[0] == [("tax", 30 * M, datetime.date(2026, 2, 23), "2026-01")]
        assert written[1] == 2  # the receipt and the acceptance notice
        assert len(written[2]) == 1  # the late original's draft fine


async def test_every_other_case_is_handed_over_whole_and_answered_as_the_session_path_answers(
    engine: AsyncEngine,
) -> None:
    tax_code = await _filer(engine, "0109555303")
    counter = Counter(engine)
    await counter.file(vat_return(tax_code, "2025-11", vat_values()))  # reads the calendar
    assert counter.handed_over == 1

    # A return the checks reject: stored once, rejected, by the session path.
    bad = vat_values(sales_10=400 * M, ct33=1)
    rejected, created = await counter.file(vat_return(tax_code, "2026-02", bad), key="k-rejected")
    assert (created, rejected.status, counter.handed_over) == (True, "rejected", 2)
    # Its key used again with a body the checks accept: the first receipt's answer, nothing new.
    again, created = await counter.file(vat_return(tax_code, "2026-02", vat_values()), key="k-rejected")
    assert (created, again.id, again.status, counter.handed_over) == (False, rejected.id, "rejected", 3)

    accepted, created = await counter.file(vat_return(tax_code, "2026-01", vat_values()), key="k-accepted")
    assert (created, accepted.status, counter.handed_over) == (True, "accepted", 3)
    replay, created = await counter.file(vat_return(tax_code, "2026-01", vat_values()), key="k-accepted")
    assert (created, replay.id, counter.handed_over) == (False, accepted.id, 4)
    with pytest.raises(AlreadyFiledError):
        await counter.file(vat_return(tax_code, "2026-01", vat_values()))
    assert counter.handed_over == 5
    amended, created = await counter.file(vat_return(tax_code, "2026-01", vat_values(), kind="supplementary"))
    assert (created, amended.amendment_no, amended.status, counter.handed_over) == (True, 1, "accepted", 6)

    async with counter.sessions() as session:
        periods = await session.execute(
            select(TaxReturn.period, TaxReturn.status).where(TaxReturn.tax_code == tax_code).order_by(TaxReturn.id)
        )
        assert [tuple(p) for p in periods] == [
            ("2025-11", "accepted"),
            ("2026-02", "rejected"),
            ("2026-01", "accepted"),
            ("2026-01", "accepted"),
        ]
        # Nothing the direct path began is left open on the server.
        assert (
            await session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"))
            == 0
        )


async def test_a_connection_the_server_ended_under_the_direct_path_is_not_lent_again(
    engine: AsyncEngine, pg_server_url: str
) -> None:
    tax_code = await _filer(engine, "0109555304")
    counter = Counter(engine)
    await counter.file(vat_return(tax_code, "2025-10", vat_values()))  # the pool's one connection, the calendar
    await admin_sql(
        pg_server_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608 - our own constant
        f"WHERE datname = '{DATABASE}' AND pid <> pg_backend_pid()",
    )
    with pytest.raises(Exception) as failed:  # noqa: PT011 - the driver's own error for a dead connection
        await counter.file(vat_return(tax_code, "2025-11", vat_values()))
    assert database_unavailable(failed.value), repr(failed.value)
    ret, created = await counter.file(vat_return(tax_code, "2025-11", vat_values()))  # a fresh connection
    assert (created, ret.status) == (True, "accepted")
