"""Expected returns as TADAT counts them: from taxpayers expected to file, and only returns owed.

The office and helpers of ``test_compliance`` (monthly VAT deadlines of 2026, moved off days off).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.reports.params import ReportQuery
from tests.reports.test_compliance import DUE_FEB, D, at, filed, report, rows, taxpayer


async def test_a_ceased_taxpayer_owes_no_returns_after_it_ceased(session: AsyncSession) -> None:
    # Office T8: one active filer, one that ceased business on 5 Feb 2026 (status 03, its code not closed yet).
    # Expected returns (TADAT: from taxpayers expected to file) leave out the periods after it ceased: it owes
    # 2026-01 and 2026-02 (the month it ceased in), not 2026-03. Filed: none. Due: 3 + 2 = 5, not 6.
    session.add_all(
        [
            taxpayer("T8A", tax_office="T8"),
            taxpayer("T8B", tax_office="T8", status="03", status_effective_on=D(2026, 2, 5)),
        ]
    )
    await session.commit()
    query = ReportQuery(start=D(2026, 2, 1), end=D(2026, 4, 30), tax_office="T8")
    filing = (await report(session, query)).section("filing")
    assert [(row[0], row[1]) for row in rows(filing)] == [("2026-02", 2), ("2026-03", 2), ("2026-04", 1)]


async def test_a_return_owed_only_when_tax_was_withheld_is_expected_when_filed(session: AsyncSession) -> None:
    # Office T7: an employer (PIT withheld, monthly) files its 05/KK-TNCN for 2026-02 only, on time. The office
    # cannot tell the other months (no withholding) from missing returns: the report expects the one it got.
    employer = taxpayer("T7A", tax_office="T7", tax_types=["PIT"])
    session.add(employer)
    await session.flush()
    pit = filed(employer, "2026-02", at(D(2026, 3, 10)), DUE_FEB, "T7A")
    pit.form_code = "05/KK-TNCN"
    session.add(pit)
    await session.commit()
    query = ReportQuery(start=D(2026, 2, 1), end=D(2026, 4, 30), group_by=("form",), tax_office="T7")
    filing = (await report(session, query)).section("filing")
    assert [row[:6] for row in rows(filing)] == [("2026-03", "05/KK-TNCN", 1, 1, 0, 0)]
