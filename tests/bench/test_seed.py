"""The city seed at a hundredth of its size: its row counts, and the office's own services reading what it wrote."""

import datetime
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.seed import DAY, seed_city
from filings.models import TaxReturn
from registry import taxcode
from registry.models import Taxpayer
from taxoffice.accounts.models import Allocation, Charge, Payment
from taxoffice.accounts.services import AccountService
from taxoffice.arrears.flagging import flag_arrears
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from tests.support.servers import fresh_database

SCALE = 0.01
TAXPAYERS = 10_000


@pytest.fixture(scope="module")
async def seeded(pg_server_url: str) -> tuple[dict[str, int], dict[str, float], str]:
    """A database seeded at ``SCALE``: the row counts, the seconds per step and its URL."""
    import asyncio  # noqa: PLC0415 - fresh_database runs its own event loop, so in a thread

    url = await asyncio.to_thread(fresh_database, pg_server_url, "seed_city_test")
    timings: dict[str, float] = {}
    counts = await seed_city(url, scale=SCALE, timings=timings)
    return counts, timings, url


@pytest.fixture
async def factory(
    seeded: tuple[dict[str, int], dict[str, float], str],
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(Settings(database_url=seeded[2], secret_key="test-secret-key-not-for-production"))
    yield create_session_factory(engine)
    await engine.dispose()


async def test_row_counts_follow_the_scale(seeded: tuple[dict[str, int], dict[str, float], str]) -> None:
    counts, timings, _url = seeded
    assert counts["taxpayer"] == TAXPAYERS
    # Five charges each, and a reduction for one taxpayer in fifty.
    assert counts["account_charge"] == 5 * TAXPAYERS + TAXPAYERS // 50
    assert counts["payment"] == 3 * TAXPAYERS
    assert counts["payment_allocation"] > 4 * TAXPAYERS
    assert counts["tax_return"] > TAXPAYERS
    assert counts["collection_day"] > 0
    assert "vacuum" in timings
    assert sum(timings.values()) < 120


async def test_tax_codes_kinds_and_returns(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as session:
        codes = list(await session.scalars(select(Taxpayer.tax_code)))
        kinds = dict((await session.execute(select(Taxpayer.kind, func.count()).group_by(Taxpayer.kind))).all())
        closed = await session.scalar(select(func.count()).where(Taxpayer.status == "01"))
        statuses = dict(
            (await session.execute(select(TaxReturn.status, func.count()).group_by(TaxReturn.status))).all()
        )
        late = await session.scalar(select(func.count()).where(TaxReturn.days_late > 0))
        periods = set(await session.scalars(select(TaxReturn.period).where(TaxReturn.status == "accepted")))
        waiting = dict(
            (
                await session.execute(
                    select(Payment.status, func.count())
                    .where(Payment.bank_ref.like("SEED-PAY-%"))
                    .group_by(Payment.status)
                )
            ).all()
        )
    assert all(taxcode.is_valid(code) for code in codes)
    assert kinds == {
        "enterprise": 4 * TAXPAYERS // 10,
        "household": 3 * TAXPAYERS // 10,
        "individual": 3 * TAXPAYERS // 10,
    }
    assert closed
    assert set(statuses) == {"accepted", "received"}
    assert late
    assert periods == {f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]}
    assert waiting["unmatched"] > 0
    assert waiting["unallocated"] > 0


async def _owed(session: AsyncSession, taxpayer_id: int, as_of: datetime.date) -> int:
    """What the ledger says is owed (tax and fines due before ``as_of`` less the money applied), by plain SQL."""
    charged = await session.scalar(
        select(func.coalesce(func.sum(Charge.amount), 0)).where(
            Charge.taxpayer_id == taxpayer_id, Charge.due_on < as_of
        )
    )
    paid = await session.scalar(
        select(func.coalesce(func.sum(Allocation.amount), 0)).where(
            Allocation.taxpayer_id == taxpayer_id, Allocation.component != "interest"
        )
    )
    return int(charged or 0) - int(paid or 0)


async def _taxpayer(session: AsyncSession, n: int) -> tuple[int, str]:
    """Taxpayer ``n``'s id and tax code (its name ends with its number)."""
    row = (await session.execute(select(Taxpayer.id, Taxpayer.tax_code).where(Taxpayer.name.like(f"% {n}")))).one()
    return int(row.id), str(row.tax_code)


async def test_account_statement_reads_the_seeded_ledger(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as session:
        debtor_id, debtor_code = await _taxpayer(session, 5)
        _payer_id, payer_code = await _taxpayer(session, 1)
        owed = await _owed(session, debtor_id, DAY)
        statement = await AccountService(session).statement(debtor_code, DAY)
        paid_up = await AccountService(session).statement(payer_code, DAY)
    assert owed > 0
    assert statement.outstanding + statement.fines == owed
    assert statement.interest > 0
    assert paid_up.total_due == 0


async def test_flag_arrears_finds_the_debtors(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as session:
        debtors = await session.scalar(
            text(
                "SELECT count(DISTINCT c.taxpayer_id) FROM account_charge AS c WHERE c.due_on < :day AND c.amount > "
                "coalesce((SELECT sum(a.amount) FROM payment_allocation AS a WHERE a.charge_id = c.id "
                "AND a.component <> 'interest'), 0)"
            ),
            {"day": DAY},
        )
    counts = await flag_arrears(factory, DAY)
    assert debtors == TAXPAYERS // 5
    assert 0.9 * debtors <= counts.opened <= debtors
