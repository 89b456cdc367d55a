"""The arrears report from a flag-arrears run's stock, with hand-computed shares, benchmarks and movement."""

import datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.arrears.models import ArrearsAction, ArrearsCase, ArrearsStock
from taxoffice.jobruns.models import JobRun
from taxoffice.reports.arrears import arrears_report
from taxoffice.reports.errors import NoArrearsRunError
from taxoffice.reports.params import ReportQuery, check_query
from tests.reports.helpers import NOW, Day, collected, query, taxpayer

D = datetime.date
CLOSING = D(2026, 3, 31)
OPENING = D(2026, 2, 28)
ASKED = D(2026, 4, 3)
# (as_of, office, bucket, category, tax_type, cases, amount); "ALL" rows count each case once.
STOCK = [
    (CLOSING, "10100", "1-30", "collectible", "VAT", 2, 30_000_000),
    (CLOSING, "10100", "1-30", "collectible", "CIT", 1, 10_000_000),
    (CLOSING, "10100", "1-30", "collectible", "ALL", 2, 40_000_000),
    (CLOSING, "10100", "over-365", "difficult", "VAT", 1, 5_000_000),
    (CLOSING, "10100", "over-365", "difficult", "ALL", 1, 5_000_000),
    (CLOSING, "10200", "91-120", "collectible", "PIT", 1, 5_000_000),
    (CLOSING, "10200", "91-120", "collectible", "ALL", 1, 5_000_000),
    (OPENING, "10100", "1-30", "collectible", "VAT", 1, 20_000_000),
    (OPENING, "10100", "1-30", "collectible", "CIT", 1, 10_000_000),
    (OPENING, "10100", "1-30", "collectible", "ALL", 1, 30_000_000),
]
YEAR_END = D(2025, 12, 31)
# The end of fiscal year 2025 (amount_over_year on the ALL rows): one collectible case owing 1,000,000 đ 400 days
# overdue and 1,000,000,000 đ 10 days overdue (its oldest debt puts the whole case over 365 days), and a
# difficult case of 50,000,000 đ all over a year.
YEAR_END_STOCK = [
    (YEAR_END, "10100", "over-365", "collectible", "VAT", 1, 1_001_000_000, None),
    (YEAR_END, "10100", "over-365", "collectible", "ALL", 1, 1_001_000_000, 1_000_000),
    (YEAR_END, "10100", "over-365", "difficult", "CIT", 1, 50_000_000, None),
    (YEAR_END, "10100", "over-365", "difficult", "ALL", 1, 50_000_000, 50_000_000),
]
DAYS: list[Day] = [
    (D(2025, 6, 16), "10100", "VAT", "1701", "tax", False, 6_000_000_000),
    (D(2025, 12, 31), "10100", "CIT", "1052", "tax", False, 4_000_000_000),
    (D(2026, 1, 15), "10100", "VAT", "1701", "tax", False, 300_000_000),
    (D(2026, 3, 10), "10100", "VAT", "1701", "tax", True, 3_000_000),
    (D(2026, 3, 12), "10100", "CIT", "1052", "tax", False, 97_000_000),
]


async def _dataset(
    session: AsyncSession, *, runs: tuple[datetime.date, ...] = (OPENING, CLOSING), year_end: bool = False
) -> None:
    stock_keys = ("as_of", "tax_office", "bucket", "category", "tax_type", "cases", "amount", "amount_over_year")
    rows = [(*row, None) for row in STOCK] + (YEAR_END_STOCK if year_end else [])
    await session.execute(insert(ArrearsStock), [dict(zip(stock_keys, row, strict=True)) for row in rows])
    runs = (YEAR_END, *runs) if year_end else runs
    await collected(session, DAYS)
    for day in runs:
        session.add(
            JobRun(
                name="flag-arrears",
                as_of=day,
                status="succeeded",
                requested_by="test",
                origin="test",
                queued_at=NOW,
                finished_at=NOW,
                attempt=1,
            )
        )
    await session.commit()


def _query(group_by: str | None = None, as_of: datetime.date = ASKED) -> ReportQuery:
    return query(("bucket", "category", "tax_type", "tax_office"), end=as_of, group_by=group_by, as_of=as_of)


async def test_stock_by_bucket_and_by_tax_type(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        by_bucket = await arrears_report(session, _query("bucket"), generated_by="m", now=NOW)
        by_type = await arrears_report(session, _query("tax_type"), generated_by="m", now=NOW)
        whole = await arrears_report(session, _query(), generated_by="m", now=NOW)
    # The last run on or before 3 April is 31 March; the opening stock is February's last run.
    assert by_bucket.parameters["flag_arrears_run"] == "2026-03-31"
    assert by_bucket.parameters["opening_run"] == "2026-02-28"
    assert by_bucket.section("stock").rows == [
        ("1-30", 2, 40_000_000, Decimal("0.8000")),
        ("91-120", 1, 5_000_000, Decimal("0.1000")),
        ("over-365", 1, 5_000_000, Decimal("0.1000")),
    ]
    assert by_bucket.section("stock").totals == ("Tổng cộng", 4, 50_000_000, Decimal("1.0000"))
    # By tax type a case owing VAT and CIT counts under each.
    assert by_type.section("stock").rows == [
        ("CIT", 1, 10_000_000, Decimal("0.2000")),
        ("PIT", 1, 5_000_000, Decimal("0.1000")),
        ("VAT", 3, 35_000_000, Decimal("0.7000")),
    ]
    assert whole.section("stock").rows == [(4, 50_000_000, Decimal("1.0000"))]


async def test_benchmarks_of_the_fiscal_year_by_amount(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session, year_end=True)
        report = await arrears_report(session, _query(), generated_by="m", now=NOW)
    indicators = report.section("indicators").rows
    # Fiscal year 2025 (the last complete one on 3 April 2026): 1,051,000,000 owed at its end against the whole
    # year's 10,000,000,000 collected (not 2026's 400,000,000 so far): 10.51 %, over the 10 % benchmark.
    # Collectible (the difficult case left out): 1,001,000,000, 10.01 %. Of it, 1,000,000 more than a year overdue:
    # 0.1 % by amount, although the case sits in the over-365 bucket.
    # On 31 March 2026 (the run's stock): 50,000,000 owed; the collectible 45,000,000 is none of it over a year.
    assert report.parameters["fiscal_year"] == "2025"
    assert report.parameters["fiscal_year_end_run"] == "2025-12-31"
    assert indicators == [
        ("Tổng nợ thuế cuối năm 2025", 1_051_000_000, None, None, None),
        ("Nợ có khả năng thu cuối năm 2025", 1_001_000_000, None, None, None),
        ("Tổng số thu năm 2025", 10_000_000_000, None, None, None),
        ("Tổng nợ / tổng số thu năm 2025", None, Decimal("0.1051"), Decimal("0.10"), "Không đạt"),
        ("Nợ có khả năng thu / tổng số thu năm 2025", None, Decimal("0.1001"), None, None),
        (
            "Nợ có khả năng thu quá hạn trên 12 tháng, cuối năm 2025",
            1_000_000,
            Decimal("0.0010"),
            Decimal("0.20"),
            "Đạt",
        ),
        ("Tổng nợ thuế ngày 31/03/2026", 50_000_000, None, None, None),
        ("Nợ có khả năng thu quá hạn trên 12 tháng, ngày 31/03/2026", 0, Decimal("0.0000"), Decimal("0.20"), "Đạt"),
    ]


async def test_no_year_end_run_leaves_the_year_figures_empty(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        report = await arrears_report(session, _query(), generated_by="m", now=NOW)
    indicators = report.section("indicators").rows
    # No run in 2025: no stock to set against 2025's collections, which are still given.
    assert report.parameters["fiscal_year_end_run"] == "-"
    assert (indicators[0][1], indicators[3][2]) == (None, None)
    assert indicators[2][1] == 10_000_000_000


async def test_benchmarks_and_movement(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        report = await arrears_report(session, _query(), generated_by="m", now=NOW)
    # VAT: 20,000,000 at the end of February, 3,000,000 of overdue VAT paid in March, 35,000,000 now → 18,000,000 new.
    assert report.section("movement").rows == [
        ("CIT", 10_000_000, 0, 0, 0, 10_000_000),
        ("PIT", 0, 0, 0, 5_000_000, 5_000_000),
        ("VAT", 20_000_000, 3_000_000, 0, 18_000_000, 35_000_000),
    ]
    assert report.section("movement").totals == ("Tổng cộng", 30_000_000, 3_000_000, 0, 23_000_000, 50_000_000)


async def test_movement_counts_write_offs_of_the_month(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        owner = await taxpayer(session, D(2024, 5, 2))
        case = ArrearsCase(
            taxpayer_id=owner.id,
            tax_code=owner.tax_code,
            tax_office="10100",
            status="closed",
            opened_on=D(2025, 9, 1),
            closed_on=D(2026, 3, 20),
            as_of=D(2026, 3, 20),
            category="difficult",
            overdue_tax=0,
            overdue_interest=0,
            overdue_fines=0,
            overdue_total=0,
            oldest_due_on=D(2025, 8, 20),
            bucket="over-365",
        )
        session.add(case)
        await session.flush()
        for taken_on, amounts in ((D(2026, 3, 19), {"CIT": 4_000_000, "VAT": 1_500_000}), (D(2026, 2, 27), {"VAT": 9})):
            session.add(
                ArrearsAction(
                    case_id=case.id,
                    kind="write_off",
                    taken_on=taken_on,
                    officer="o",
                    details={"decision": "7/QĐ-CT", "written_off": amounts, "total": sum(amounts.values())},
                )
            )
        await session.commit()
        report = await arrears_report(session, _query(), generated_by="m", now=NOW)
    # Only March's write-off (after February's last run): CIT 4,000,000 written off of a stock that stayed at
    # 10,000,000 means 4,000,000 of new CIT debt; VAT: 35 - 20 + 3 collected + 1.5 written off = 19.5 million new.
    assert report.section("movement").rows == [
        ("CIT", 10_000_000, 0, 4_000_000, 4_000_000, 10_000_000),
        ("PIT", 0, 0, 0, 5_000_000, 5_000_000),
        ("VAT", 20_000_000, 3_000_000, 1_500_000, 19_500_000, 35_000_000),
    ]


async def test_office_filter_and_no_run(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await _dataset(session)
        query = check_query(
            start=None,
            end=CLOSING,
            today=CLOSING,
            grain="month",
            group_by="category",
            allowed=("category",),
            tax_office="10200",
            as_of=CLOSING,
        )
        report = await arrears_report(session, query, generated_by="m", now=NOW)
        assert report.section("stock").rows == [("collectible", 1, 5_000_000, Decimal("1.0000"))]
        with pytest.raises(NoArrearsRunError):
            await arrears_report(session, _query(as_of=D(2026, 2, 27)), generated_by="m", now=NOW)
