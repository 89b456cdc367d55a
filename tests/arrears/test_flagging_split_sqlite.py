"""The split by tax type and the day's arrears stock on the embedded SQLite database: the same statements."""

import datetime

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.flagging import Previous
from taxoffice.arrears.models import ArrearsCase
from tests.arrears.test_flagging import DUE, M, flag, open_case, pay
from tests.arrears.test_flagging_split import MIXED, split, stock, typed_debtor

pytestmark = pytest.mark.embedded

D = datetime.date


async def test_split_and_stock_on_sqlite(sqlite_factory: async_sessionmaker[AsyncSession]) -> None:
    async with sqlite_factory() as session:
        mixed = await typed_debtor(session, "001092000001", *MIXED)
        vat_only = await typed_debtor(session, "001092000002", ("VAT", ChargeKind.TAX, 5 * M, DUE))
    await pay(sqlite_factory, mixed, "VCB-SQLITE-SPLIT-1", 1_200_000, D(2025, 7, 21))  # all to the PIT
    day = D(2025, 8, 20)
    counts = await flag(sqlite_factory, day)
    assert (counts.opened, counts.stock_rows) == (2, 7)
    expected = {
        ("HNI", "31-60", "collectible", "VAT"): (1, 12 * M),
        ("HNI", "31-60", "collectible", "CIT"): (1, 6 * M),
        ("HNI", "31-60", "collectible", "PIT"): (1, 1_800_000),
        ("HNI", "31-60", "collectible", "OTH"): (1, 500_000),
        ("HNI", "1-30", "collectible", "VAT"): (1, 5 * M),
        ("HNI", "31-60", "collectible", "ALL"): (1, 20_300_000),
        ("HNI", "1-30", "collectible", "ALL"): (1, 5 * M),
    }
    async with sqlite_factory() as session:
        assert split(await open_case(session, mixed)) == (12 * M, 6 * M, 1_800_000)
        assert await stock(session, day) == expected
    # The same day again replaces the stock.
    started = datetime.datetime.now(datetime.UTC)
    assert (await flag(sqlite_factory, day)).stock_rows == 7
    async with sqlite_factory() as session:
        assert await stock(session, day) == expected
        # The VAT-only case as written before the split existed: the next day's incremental run fills it.
        await session.execute(
            update(ArrearsCase)
            .where(ArrearsCase.taxpayer_id == vat_only.id)
            .values(overdue_vat=None, overdue_cit=None, overdue_pit=None)
        )
        await session.commit()
    counts = await flag(sqlite_factory, D(2025, 8, 21), Previous(day, started))
    assert (counts.scope, counts.updated, counts.stock_rows) == (1, 1, 7)
    async with sqlite_factory() as session:
        assert split(await open_case(session, vat_only)) == (5 * M, 0, 0)
        assert await stock(session, D(2025, 8, 21)) == expected
        assert await stock(session, day) == expected
