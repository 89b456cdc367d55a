"""The taxpayer-growth report with hand-counted figures."""

import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.vocabulary import TaxpayerKind
from taxoffice.reports.growth import taxpayer_growth
from taxoffice.reports.params import ReportQuery
from tests.reports.helpers import NOW, query, taxpayer

D = datetime.date


async def _dataset(session: AsyncSession) -> None:
    """2025-01: 2 enterprises; 2025-03: 1 household; 2026-01: 3 enterprises (one in office 10200);
    2026-03: 1 individual in 10200, and one 2025-01 enterprise closes on 10 March 2026."""
    await taxpayer(session, D(2025, 1, 6))
    await taxpayer(session, D(2025, 1, 20), closed_on=D(2026, 3, 10))
    await taxpayer(session, D(2025, 3, 2), kind=TaxpayerKind.HOUSEHOLD)
    await taxpayer(session, D(2026, 1, 5))
    await taxpayer(session, D(2026, 1, 31))
    await taxpayer(session, D(2026, 1, 15), tax_office="10200")
    await taxpayer(session, D(2026, 3, 31), kind=TaxpayerKind.INDIVIDUAL, tax_office="10200")


def _query(**given: object) -> ReportQuery:
    return query(("kind", "tax_office"), end=D(2026, 3, 31), **given)


async def test_monthly_growth_against_a_year_earlier(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        report = await taxpayer_growth(session, _query(), generated_by="manager", now=NOW)
    section = report.section("growth")
    keys = [c.key for c in section.columns]
    assert keys[:4] == ["period", "registered", "closed", "base"]
    rows = {row[0]: dict(zip(keys, row, strict=True)) for row in section.rows}
    assert list(rows) == ["2026-01", "2026-02", "2026-03"]
    january = rows["2026-01"]
    # 3 from 2025 + 3 new; a year earlier 2 (both January 2025); growth 4 = 200 %; new 3 against 2 = +50 %.
    assert (january["registered"], january["closed"], january["base"]) == (3, 0, 6)
    assert (january["base_year_earlier"], january["base_growth"]) == (2, 4)
    assert january["base_growth_rate"] == Decimal("2.0000")
    assert january["registered_growth_rate"] == Decimal("0.5000")
    # February: nothing new either year; no registrations a year earlier, so no rate.
    assert rows["2026-02"]["base"] == 6
    assert rows["2026-02"]["registered_growth_rate"] is None
    # March: 1 in, 1 closed, base 6; March 2025 base 3 → +3 = 100 %; 1 new against 1: 0 %.
    march = rows["2026-03"]
    assert (march["registered"], march["closed"], march["base"], march["base_year_earlier"]) == (1, 1, 6, 3)
    assert march["base_growth_rate"] == Decimal("1.0000")
    assert march["registered_growth_rate"] == Decimal("0.0000")
    assert section.totals is not None
    assert section.totals[:3] == ("Tổng cộng", 4, 1)


async def test_quarters_by_office(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        report = await taxpayer_growth(
            session, _query(grain="quarter", group_by="tax_office"), generated_by="m", now=NOW
        )
    section = report.section("growth")
    keys = [c.key for c in section.columns]
    rows = {(row[0], row[1]): dict(zip(keys, row, strict=True)) for row in section.rows}
    assert set(rows) == {("2026-Q1", "10100"), ("2026-Q1", "10200")}
    first = rows["2026-Q1", "10100"]
    # 10100: 3 in 2025 Q1, 2 new in 2026 Q1, 1 closed → base 4 against 3: +1 = 33.33 %; new 2 against 3: -33.33 %.
    assert (first["registered"], first["closed"], first["base"], first["base_year_earlier"]) == (2, 1, 4, 3)
    assert first["base_growth_rate"] == Decimal("0.3333")
    assert first["registered_growth_rate"] == Decimal("-0.3333")
    second = rows["2026-Q1", "10200"]
    assert (second["registered"], second["base"], second["base_year_earlier"], second["base_growth_rate"]) == (
        2,
        2,
        0,
        None,
    )


async def test_office_filter_and_kind_grouping(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        query = _query(grain="year", group_by="kind", tax_office="10200")
        report = await taxpayer_growth(session, query, generated_by="m", now=NOW)
    rows = {row[1]: row for row in report.section("growth").rows}
    assert set(rows) == {"enterprise", "individual"}
    assert rows["enterprise"][2] == 1
    assert rows["individual"][2] == 1
