"""Arrears aged by amount: each case keeps what it owes on debts more than a year overdue (``overdue_over_year``).

A case's bucket is its oldest debt's; the share of arrears older than a year is by amount, each debt by its own due
date. The worked example: 1,000,000 đ 400 days overdue beside 1,000,000,000 đ 10 days overdue is 0.1 % old.
"""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.flagging import Previous
from taxoffice.arrears.models import ArrearsStock
from tests.arrears.test_flagging import M, flag, open_case, post_typed
from tests.registry.helpers import register_enterprise

D = datetime.date
OLD_DUE = D(2024, 7, 22)  # 400 days overdue on 26 Aug 2025
NEW_DUE = D(2025, 8, 16)  # 10 days overdue on 26 Aug 2025
DAY = D(2025, 8, 26)


async def test_a_case_is_aged_by_amount(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await register_enterprise(session, "001091000777")
    await post_typed(session, taxpayer, ("VAT", ChargeKind.TAX, M, OLD_DUE), period="2024-06")
    await post_typed(session, taxpayer, ("VAT", ChargeKind.TAX, 1_000 * M, NEW_DUE), period="2025-07")
    await flag(session_factory, DAY)
    case = await open_case(session, taxpayer)
    assert ((DAY - OLD_DUE).days, (DAY - NEW_DUE).days) == (400, 10)
    # The whole case is in the over-365 bucket (its oldest debt), but only 1,000,000 of 1,001,000,000 is old.
    assert (case.bucket, case.overdue_total, case.overdue_over_year) == ("over-365", 1_001 * M, M)
    stock = {
        row.tax_type: (row.amount, row.amount_over_year)
        for row in await session.scalars(select(ArrearsStock).where(ArrearsStock.as_of == DAY))
    }
    # The ALL row carries the part over a year; the rows of one tax type do not split it.
    assert stock == {"ALL": (1_001 * M, M), "VAT": (1_001 * M, None)}


async def test_an_incremental_run_finds_a_debt_passing_a_year(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await register_enterprise(session, "001091000778")
    await post_typed(session, taxpayer, ("VAT", ChargeKind.TAX, M, OLD_DUE), period="2024-06")
    await post_typed(session, taxpayer, ("VAT", ChargeKind.TAX, 1_000 * M, NEW_DUE), period="2025-07")
    await flag(session_factory, DAY)
    started = datetime.datetime.now(datetime.UTC)
    # 17 Aug 2026: the second debt is 366 days overdue. Nothing changed in the ledger and the case's bucket and
    # stage stay; the run still examines it, since one of its debts passed a year overdue.
    later = NEW_DUE + datetime.timedelta(days=366)
    counts = await flag(session_factory, later, Previous(later - datetime.timedelta(days=1), started))
    assert counts.examined == 1
    case = await open_case(session, taxpayer)
    assert case.overdue_over_year == 1_001 * M
