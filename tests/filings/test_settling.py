"""A return whose decision was interrupted (receipt committed, decision never stored) is decided, and only once.

Committed data in a database of its own, sessions bound to the engine as the server's are.
"""

import asyncio
import datetime
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from filings.intake import read_submission
from filings.models import TaxReturn
from filings.services import RETURN_MAX_BYTES, FilingService
from filings.settling import settle
from filings.sweeper import GRACE, decide_received
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
LATER = NOW + GRACE + datetime.timedelta(seconds=1)
OFFICER = Principal(user_id=1, username="officer-settling", role=Role.OFFICER)
CALENDAR = WorkingCalendar({})
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def own_db_url(pg_server_url: str) -> str:
    url = fresh_database(pg_server_url, "taxoffice_settling")
    upgrade_to_head(url)
    return url


@pytest.fixture
async def sessions(own_db_url: str) -> AsyncIterator[Sessions]:
    engine = create_async_engine(own_db_url)
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


def _body(tax_code: str, period: str, sales_10: int = 400_000_000, **extra: object) -> bytes:
    return json.dumps(vat_return(tax_code, period, vat_values(sales_10=sales_10), **extra)).encode()


async def _interrupted(sessions: Sessions, body: bytes, key: str | None) -> int:
    """Received and committed, then the process "died" before the decision: the receipt's id."""
    async with sessions() as session:
        service = FilingService(session, AccountService(session))
        await autocommit_when_free(service.session)
        envelope = read_submission(body, "application/json", max_bytes=RETURN_MAX_BYTES)
        checked = await service.check(OFFICER, envelope, NOW.date(), CALENDAR)
        ret = await service.receive(OFFICER, checked, NOW, key)
    return ret.id


async def _state(sessions: Sessions, return_id: int) -> tuple[str, list[int]]:
    async with sessions() as session:
        ret = await session.get(TaxReturn, return_id)
        assert ret is not None
        charges = list(await session.scalars(select(Charge.amount).where(Charge.source == f"return:{return_id}")))
    return ret.status, charges


async def _replay(sessions: Sessions, body: bytes, key: str) -> tuple[TaxReturn, bool]:
    async with sessions() as session:
        service = FilingService(session, AccountService(session))
        answer = await service.submit(OFFICER, body, "application/json", key, LATER, CALENDAR)
        await session.commit()
    return answer


async def test_a_replay_decides_the_interrupted_return_before_answering(sessions: Sessions) -> None:
    filer = await register_enterprise_committed(sessions, "0109556101")
    body = _body(filer, "2026-02")
    return_id = await _interrupted(sessions, body, "key-replay")
    assert await _state(sessions, return_id) == ("received", [])
    ret, created = await _replay(sessions, body, "key-replay")
    assert not created
    assert (ret.id, ret.status) == (return_id, "accepted")
    assert await _state(sessions, return_id) == ("accepted", [ret.tax_payable])


async def test_the_sweeper_decides_what_nobody_replays_after_the_grace_period(sessions: Sessions) -> None:
    filer = await register_enterprise_committed(sessions, "0109556102")
    return_id = await _interrupted(sessions, _body(filer, "2026-02"), None)
    # Within the grace period its own request may still be deciding it: left alone.
    early = await decide_received(sessions, now=NOW + datetime.timedelta(seconds=5))
    assert await _state(sessions, return_id) == ("received", [])
    counts = await decide_received(sessions, now=LATER)
    status, charges = await _state(sessions, return_id)
    assert (status, len(charges)) == ("accepted", 1)
    assert counts.found >= 1
    assert counts.accepted >= 1
    assert counts.failed == 0
    assert early.found == 0 or return_id not in await _received_ids(sessions)
    # Idempotent: nothing left to decide, nothing posted again.
    assert (await decide_received(sessions, now=LATER)).found == 0
    assert await _state(sessions, return_id) == ("accepted", charges)


async def test_racing_deciders_decide_once_and_agree(sessions: Sessions) -> None:
    filer = await register_enterprise_committed(sessions, "0109556103")
    body = _body(filer, "2026-02")
    return_id = await _interrupted(sessions, body, "key-race")
    answers = await asyncio.gather(
        *(_replay(sessions, body, "key-race") for _ in range(4)),
        decide_received(sessions, now=LATER),
    )
    status, charges = await _state(sessions, return_id)
    assert (status, len(charges)) == ("accepted", 1)
    replays = [answer for answer in answers if isinstance(answer, tuple)]
    assert {(ret.id, ret.status, ret.tax_payable) for ret, _created in replays} == {(return_id, status, charges[0])}


async def test_an_interrupted_original_loses_to_one_accepted_since(sessions: Sessions) -> None:
    filer = await register_enterprise_committed(sessions, "0109556104")
    late = await _interrupted(sessions, _body(filer, "2026-01"), "key-late")
    accepted, created = await _replay(sessions, _body(filer, "2026-01", sales_10=500_000_000), "key-other")
    assert (created, accepted.status) == (True, "accepted")
    ret, _created = await _replay(sessions, _body(filer, "2026-01"), "key-late")
    assert ret.status == "rejected"
    assert [f["rule"] for f in ret.findings] == ["DUPLICATE-PERIOD"]
    assert await _state(sessions, late) == ("rejected", [])


async def test_an_interrupted_supplementary_return_is_decided_once(sessions: Sessions) -> None:
    filer = await register_enterprise_committed(sessions, "0109556105")
    original, _created = await _replay(sessions, _body(filer, "2026-02"), "key-original")
    body = _body(filer, "2026-02", sales_10=450_000_000, kind="supplementary")
    return_id = await _interrupted(sessions, body, "key-supplement")
    await asyncio.gather(_replay(sessions, body, "key-supplement"), decide_received(sessions, now=LATER))
    status, charges = await _state(sessions, return_id)
    assert (status, charges) == ("accepted", [5_000_000])
    async with sessions() as session:
        current = await session.scalars(
            select(TaxReturn.id).where(TaxReturn.tax_code == filer, TaxReturn.is_current.is_(True))
        )
        assert list(current) == [return_id]
        total = await session.scalar(select(func.sum(Charge.amount)).where(Charge.tax_code == filer))
    assert total == (original.tax_payable or 0) + 5_000_000


async def register_enterprise_committed(sessions: Sessions, id_number: str) -> str:
    async with sessions() as session:
        filer = await register_enterprise(session, id_number, f"Công ty TNHH {id_number}")
    return filer.tax_code


async def _received_ids(sessions: Sessions) -> set[int]:
    async with sessions() as session:
        return set(await session.scalars(select(TaxReturn.id).where(TaxReturn.status == "received")))


def test_settle_is_what_submit_uses() -> None:
    # The replay path and the sweeper share one decision path (nothing decided two ways).
    import inspect  # noqa: PLC0415

    assert "settle(" in inspect.getsource(FilingService.submit)
    assert settle.__module__ == "filings.settling"
