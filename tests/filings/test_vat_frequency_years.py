"""VAT filing frequency kept per calendar year (Decree 126/2020 Art. 9): the period's year decides, not today."""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.obligation_service import ObligationService
from filings.services import FilingService
from registry.frequencies import frequency_of_year
from registry.models import Taxpayer, VatFrequencyYear
from registry.schemas import TaxpayerUpdate, VatFrequency
from registry.services import TaxpayerService
from registry.vat_frequency import first_year_of_change, frequency_in
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from tests.filings.test_filing_integrity import _body
from tests.registry.helpers import register_enterprise

D = datetime.date
OFFICER = Principal(user_id=1, username="officer-frequency", role=Role.OFFICER, tax_office="HNI")
LATER = datetime.datetime(2027, 5, 10, 3, 0, tzinfo=datetime.UTC)  # every period below has ended


def test_a_change_applies_from_the_next_year_unless_notified_by_31_january() -> None:
    registered = D(2025, 3, 1)
    assert first_year_of_change(D(2026, 6, 10), registered) == 2027
    assert first_year_of_change(D(2027, 1, 31), registered) == 2027
    assert first_year_of_change(D(2027, 2, 1), registered) == 2028
    assert first_year_of_change(D(2025, 9, 1), registered) == 2025  # the registration year's own choice
    rows = [(2025, "monthly"), (2027, "quarterly")]
    assert [frequency_in(year, rows, "quarterly") for year in (2024, 2025, 2026, 2027, 2030)] == [
        "quarterly",
        "monthly",
        "monthly",
        "quarterly",
        "quarterly",
    ]


async def _rules(session: AsyncSession, filer: Taxpayer, period: str) -> list[str]:
    service = FilingService(session, AccountService(session))
    checked = await service.validate(OFFICER, _body(filer.tax_code, period), "", LATER, WorkingCalendar({}))
    return [f.rule for f in checked.findings if f.severity.value == "reject"]


async def test_the_frequency_of_the_periods_year_is_checked_not_todays(session: AsyncSession) -> None:
    # Registered in 2025 as a monthly filer; on 10 June 2026 the office records its switch to quarterly: 2026 stays
    # monthly to its end (Art. 9: the whole calendar year), quarters from 2027.
    filer = await register_enterprise(session, "0109555311", "Công ty TNHH Đổi Kỳ", registered_on=D(2025, 3, 1))
    update = TaxpayerUpdate(vat_frequency=VatFrequency.QUARTERLY)
    await TaxpayerService(session).update(OFFICER, filer.tax_code, update, D(2026, 6, 10))
    await session.commit()
    assert filer.vat_frequency == "quarterly"  # the choice on record
    rows = await session.execute(
        select(VatFrequencyYear.year_from, VatFrequencyYear.frequency)
        .where(VatFrequencyYear.taxpayer_id == filer.id)
        .order_by(VatFrequencyYear.year_from)
    )
    assert [tuple(row) for row in rows] == [(2025, "monthly"), (2027, "quarterly")]
    assert [await frequency_of_year(session, filer, year) for year in (2025, 2026, 2027)] == [
        "monthly",
        "monthly",
        "quarterly",
    ]
    # The obligations view owes what filing accepts: months in 2026, quarters in 2027.
    view = ObligationService(session, FilingService(session, AccountService(session)))
    for year, first in ((2026, "2026-01"), (2027, "2027-Q1")):
        owed = await view.for_year(OFFICER, filer.tax_code, year, D(2027, 5, 10), WorkingCalendar({}))
        vat = [o.period for o in owed if o.form == "01/GTGT"]
        assert (vat[0], len(vat)) == (first, 12 if year == 2026 else 4)
    assert await _rules(session, filer, "2026-Q3") == ["VAT-FREQUENCY"]
    assert await _rules(session, filer, "2026-07") == []
    assert await _rules(session, filer, "2025-Q4") == ["VAT-FREQUENCY"]  # a late return of 2025: monthly then
    assert await _rules(session, filer, "2027-Q1") == []
    assert await _rules(session, filer, "2027-01") == ["VAT-FREQUENCY"]


async def test_a_switch_notified_by_31_january_applies_to_that_year(session: AsyncSession) -> None:
    filer = await register_enterprise(session, "0109555312", "Công ty TNHH Báo Sớm", registered_on=D(2025, 3, 1))
    update = TaxpayerUpdate(vat_frequency=VatFrequency.QUARTERLY)
    await TaxpayerService(session).update(OFFICER, filer.tax_code, update, D(2026, 1, 20))
    await session.commit()
    assert await _rules(session, filer, "2026-Q1") == []
    assert await _rules(session, filer, "2026-01") == ["VAT-FREQUENCY"]
    assert await _rules(session, filer, "2025-12") == []
