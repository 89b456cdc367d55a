"""Filing on committed data in its own database: sessions bound to the engine, as the server's are.

The receipt is committed (in autocommit, in one statement that numbers it) before the decision; the decision on an
original return with its charges is one statement too, committed by itself, so the return and its charge appear
together.
"""

import datetime
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from filings.intake import read_submission
from filings.models import TaxReturn
from filings.services import RETURN_MAX_BYTES, FilingService
from taxoffice.accounts.models import Charge
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from taxoffice.db import autocommit_when_free
from taxoffice.migrations import upgrade_to_head
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.servers import fresh_database

NOW = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
OFFICER = Principal(user_id=1, username="officer-committed", role=Role.OFFICER)


@pytest.fixture(scope="module")
def own_db_url(pg_server_url: str) -> str:
    url = fresh_database(pg_server_url, "taxoffice_filing_committed")
    upgrade_to_head(url)
    return url


@pytest.fixture
async def sessions(own_db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(own_db_url)
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


def _body(tax_code: str, period: str) -> bytes:
    return json.dumps(vat_return(tax_code, period, vat_values(sales_10=400_000_000))).encode()


async def test_the_receipt_is_committed_before_the_decision_and_the_decision_with_its_charge(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        filer = await register_enterprise(session, "0109555101", "Công ty TNHH Nộp Thật")
    calendar = WorkingCalendar({})
    async with sessions() as session, sessions() as observer:
        service = FilingService(session, AccountService(session))
        await autocommit_when_free(service.session)  # as submit() does first
        checked = await service.check(
            OFFICER,
            read_submission(_body(filer.tax_code, "2026-02"), "application/json", max_bytes=RETURN_MAX_BYTES),
            NOW.date(),
            calendar,
        )
        ret = await service.receive(OFFICER, checked, NOW, None)
        assert ret.transaction_code == f"260310{ret.id:011d}"
        seen = await observer.scalar(select(TaxReturn.status).where(TaxReturn.transaction_code == ret.transaction_code))
        assert seen == "received"
        await observer.rollback()

        decided = await service.decide(ret, checked, calendar, NOW)
        assert decided.status == "accepted"
        # One statement, committed by itself: another session sees the decision and the charge at once.
        assert await observer.scalar(select(TaxReturn.status).where(TaxReturn.id == ret.id)) == "accepted"
        amounts = list(await observer.scalars(select(Charge.amount).where(Charge.source == f"return:{ret.id}")))
        assert amounts == [decided.tax_payable]


async def test_submit_on_an_engine_session_files_and_a_retry_returns_the_receipt(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        filer = await register_enterprise(session, "0109555102", "Công ty TNHH Nộp Lại")
    calendar = WorkingCalendar({})
    async with sessions() as session:
        service = FilingService(session, AccountService(session))
        first, created = await service.submit(OFFICER, _body(filer.tax_code, "2026-02"), "", "key-1", NOW, calendar)
        await session.commit()
    assert created
    assert first.status == "accepted", first.findings
    async with sessions() as session:
        service = FilingService(session, AccountService(session))
        again, created = await service.submit(OFFICER, _body(filer.tax_code, "2026-02"), "", "key-1", NOW, calendar)
        await session.commit()
    assert not created
    assert again.id == first.id
    assert again.transaction_code == first.transaction_code
    async with sessions() as session:
        stored = await session.get(TaxReturn, first.id)
        assert stored is not None
        assert stored.transaction_code == f"260310{first.id:011d}"
        assert stored.status == "accepted"


async def test_racing_originals_on_autocommit_one_accepted_one_rejected_with_nothing_half_written(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        filer = await register_enterprise(session, "0109555103", "Công ty TNHH Nộp Cùng Lúc")
    calendar = WorkingCalendar({})
    async with sessions() as one, sessions() as two:
        first, second = FilingService(one, AccountService(one)), FilingService(two, AccountService(two))
        checked = []
        for service in (first, second):
            await autocommit_when_free(service.session)
            body = read_submission(_body(filer.tax_code, "2026-01"), "application/json", max_bytes=RETURN_MAX_BYTES)
            checked.append(await service.check(OFFICER, body, NOW.date(), calendar))
        # Both were checked before either was decided: both look acceptable.
        assert all(c.acceptable for c in checked)
        won_receipt = await first.receive(OFFICER, checked[0], NOW, None)
        lost_receipt = await second.receive(OFFICER, checked[1], NOW, None)
        won = await first.decide(won_receipt, checked[0], calendar, NOW)
        lost = await second.decide(lost_receipt, checked[1], calendar, NOW)
        await one.commit()
        await two.commit()
    assert (won.status, lost.status) == ("accepted", "rejected")
    assert [f["rule"] for f in lost.findings] == ["DUPLICATE-PERIOD"]
    async with sessions() as session:
        query = select(TaxReturn.id, TaxReturn.status).where(TaxReturn.tax_code == filer.tax_code)
        statuses = {row.id: row.status for row in await session.execute(query)}
        sources = set(await session.scalars(select(Charge.source).where(Charge.tax_code == filer.tax_code)))
    assert statuses == {won.id: "accepted", lost.id: "rejected"}
    assert sources == {f"return:{won.id}"}  # the losing statement left neither its decision nor its charge
