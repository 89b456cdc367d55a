"""The collections report with hand-computed figures: growth on the same days a year earlier, targets, cache."""

import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.reports.collections import collections_report
from taxoffice.reports.params import ReportQuery
from taxoffice.reports.services import ReportCache, ReportService
from tests.reports.helpers import MANAGER, NOW, Day, collected, query

D = datetime.date
DAYS: list[Day] = [
    (D(2025, 2, 10), "10100", "VAT", "1701", "tax", False, 8_000_000),
    (D(2025, 2, 20), "10100", "CIT", "1052", "tax", False, 2_000_000),
    (D(2025, 3, 5), "10100", "VAT", "1701", "interest", True, 100_000),
    (D(2026, 2, 3), "10100", "VAT", "1701", "tax", False, 10_000_000),
    (D(2026, 2, 25), "10100", "VAT", "1701", "tax", True, 2_000_000),
    (D(2026, 2, 28), "10200", "CIT", "1052", "tax", False, 5_000_000),
    (D(2026, 3, 15), "10100", "VAT", "1701", "interest", True, 50_000),
    (D(2026, 3, 20), "10100", "PIT", "1001", "tax", False, 1_000_000),
]


async def _dataset(session: AsyncSession) -> None:
    await collected(session, DAYS)


def _query(**given: object) -> ReportQuery:
    fields: dict[str, object] = {"start": D(2026, 2, 1), "end": D(2026, 3, 31), "group_by": "tax_type"} | given
    return query(("tax_type", "sub_item", "component", "tax_office"), **fields)


async def test_by_month_and_tax_type_against_last_year(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        report = await collections_report(session, _query(), generated_by="manager", now=NOW)
    section = report.section("collections")
    assert [row[:2] for row in section.rows] == [
        ("2026-02", "CIT"),
        ("2026-02", "VAT"),
        ("2026-03", "PIT"),
        ("2026-03", "VAT"),
    ]
    by_key = {row[:2]: row[2:] for row in section.rows}
    assert by_key["2026-02", "CIT"] == (5_000_000, 0, 2_000_000, 3_000_000, Decimal("1.5000"))
    assert by_key["2026-02", "VAT"] == (12_000_000, 2_000_000, 8_000_000, 4_000_000, Decimal("0.5000"))
    assert by_key["2026-03", "PIT"] == (1_000_000, 0, 0, 1_000_000, None)
    assert by_key["2026-03", "VAT"] == (50_000, 50_000, 100_000, -50_000, Decimal("-0.5000"))
    # 7,950,000 more than 10,100,000: +78.71 %.
    assert section.totals == ("Tổng cộng", None, 18_050_000, 2_050_000, 10_100_000, 7_950_000, Decimal("0.7871"))


async def test_a_partial_month_compares_with_the_same_days_a_year_earlier(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await _dataset(session)
        report = await collections_report(session, _query(end=D(2026, 2, 20), group_by=None), generated_by="m", now=NOW)
    # 3 February 2026 only, against 10 and 20 February 2025 (the 25th and 28th are after the 20th).
    assert report.section("collections").rows == [("2026-02", 10_000_000, 0, 10_000_000, 0, Decimal("0.0000"))]


async def test_office_filter_and_sub_item_grouping(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        query = _query(grain="quarter", group_by="sub_item,component", tax_office="10100")
        report = await collections_report(session, query, generated_by="m", now=NOW)
    rows = {row[:3]: row[3:] for row in report.section("collections").rows}
    assert rows == {
        ("2026-Q1", "1001", "tax"): (1_000_000, 0, 0, 1_000_000, None),
        ("2026-Q1", "1052", "tax"): (0, 0, 2_000_000, -2_000_000, Decimal("-1.0000")),
        ("2026-Q1", "1701", "interest"): (50_000, 50_000, 100_000, -50_000, Decimal("-0.5000")),
        ("2026-Q1", "1701", "tax"): (12_000_000, 2_000_000, 8_000_000, 4_000_000, Decimal("0.5000")),
    }


async def test_targets_progress_and_the_cache(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        service = ReportService(session, ReportCache())
        query = _query(start=D(2026, 1, 1), group_by=None)
        first = await service.build("collections", query, MANAGER, NOW)
        assert first.section("targets").rows == []
        assert await service.build("collections", query, MANAGER, NOW) is first  # same data: the cached report
        await service.set_target(MANAGER, year=2026, tax_office="", tax_type="", amount=100_000_000, now=NOW)
        await service.set_target(MANAGER, year=2026, tax_office="10100", tax_type="VAT", amount=40_000_000, now=NOW)
        await service.set_target(MANAGER, year=2026, tax_office="10100", tax_type="VAT", amount=50_000_000, now=NOW)
        await session.commit()
        report = await service.build("collections", query, MANAGER, NOW)
    assert report is not first
    # Department: 18,050,000 of 100,000,000 = 18.05 %; a year earlier 10,100,000 → +78.71 %.
    # 10100 VAT: 12,050,000 of 50,000,000 = 24.10 %; a year earlier 8,100,000 → +48.77 %.
    assert report.section("targets").rows == [
        ("2026", "*", "*", 100_000_000, 18_050_000, Decimal("0.1805"), 10_100_000, Decimal("0.7871")),
        ("2026", "10100", "VAT", 50_000_000, 12_050_000, Decimal("0.2410"), 8_100_000, Decimal("0.4877")),
    ]
