"""The officers' non-filer list: who owed a return for a period and has not filed it, by office."""

import datetime
import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from filings.nonfilers import NonFilerService
from filings.obligations import TaxpayerFacts, owes
from filings.periods import parse_period
from filings.services import FilingService
from registry.models import Taxpayer
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from taxoffice.errors import ValidationFailedError
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock

NOW = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
CALENDAR = WorkingCalendar({})
OFFICER = Principal(user_id=1, username="officer-hni", role=Role.OFFICER, tax_office="HNI")
ADMIN = Principal(user_id=2, username="admin", role=Role.ADMIN)
D = datetime.date


def test_owes_is_the_obligation_rule_for_one_form_and_period() -> None:
    facts = TaxpayerFacts("enterprise", ("VAT",), "monthly", D(2026, 1, 5), "00", D(2026, 1, 5), None)
    february = owes(facts, "01/GTGT", parse_period("2026-02"), CALENDAR.is_working_day)
    assert february is not None
    assert february.due_on == D(2026, 3, 20)
    assert owes(facts, "01/GTGT", parse_period("2026-Q1"), CALENDAR.is_working_day) is None
    assert owes(facts, "03/TNDN", parse_period("2026"), CALENDAR.is_working_day) is None
    quarterly = TaxpayerFacts("enterprise", ("VAT",), "quarterly", D(2026, 1, 5), "00", D(2026, 1, 5), None)
    assert owes(quarterly, "01/GTGT", parse_period("2026-02"), CALENDAR.is_working_day) is None


async def _taxpayer(session: AsyncSession, number: str, name: str, office: str = "HNI") -> Taxpayer:
    found = await register_enterprise(session, number, name)
    found.tax_office = office
    await session.commit()
    return found


@pytest.fixture
async def world(session: AsyncSession, clock: Clock) -> dict[str, Taxpayer]:
    """Four enterprises registered in January 2026: one filed February's VAT, one is quarterly, one elsewhere."""
    clock.set(2026, 3, 10)
    made = {
        "filed": await _taxpayer(session, "0109660001", "Công ty Đã Nộp"),
        "missing": await _taxpayer(session, "0109660002", "Công ty Chưa Nộp"),
        "quarterly": await _taxpayer(session, "0109660003", "Công ty Theo Quý"),
        "elsewhere": await _taxpayer(session, "0109660004", "Công ty Nơi Khác", office="HCM"),
    }
    made["quarterly"].vat_frequency = "quarterly"
    filings = FilingService(session, AccountService(session))
    body = vat_return(made["filed"].tax_code, "2026-02", vat_values())

    ret, _ = await filings.submit(OFFICER, json.dumps(body).encode(), "application/json", None, NOW, CALENDAR)
    assert ret.status == "accepted"
    await session.commit()
    return made


async def test_an_officer_sees_its_own_office_non_filers_after_the_deadline(
    session: AsyncSession, world: dict[str, Taxpayer]
) -> None:
    page = await NonFilerService(session).search(OFFICER, "01/GTGT", "2026-02", D(2026, 4, 1), CALENDAR)
    assert page.is_past_due
    assert page.due_on == D(2026, 3, 20)
    assert [(n.tax_code, n.days_late) for n in page.items] == [(world["missing"].tax_code, 12)]


async def test_an_admin_sees_every_office_or_the_one_asked_for(
    session: AsyncSession, world: dict[str, Taxpayer]
) -> None:
    service = NonFilerService(session)
    everyone = await service.search(ADMIN, "01/GTGT", "2026-02", D(2026, 4, 1), CALENDAR)
    assert {n.tax_code for n in everyone.items} == {world["missing"].tax_code, world["elsewhere"].tax_code}
    hcm = await service.search(ADMIN, "01/GTGT", "2026-02", D(2026, 4, 1), CALENDAR, tax_office="HCM")
    assert [n.name for n in hcm.items] == ["Công ty Nơi Khác"]
    first = await service.search(ADMIN, "01/GTGT", "2026-02", D(2026, 4, 1), CALENDAR, limit=1)
    assert len(first.items) == 1
    assert first.next_after == first.items[0].tax_code
    rest = await service.search(ADMIN, "01/GTGT", "2026-02", D(2026, 4, 1), CALENDAR, after=first.next_after)
    assert [n.tax_code for n in rest.items] != [n.tax_code for n in first.items]
    assert rest.next_after is None


async def test_nobody_is_a_non_filer_before_the_deadline(session: AsyncSession, world: dict[str, Taxpayer]) -> None:
    page = await NonFilerService(session).search(OFFICER, "01/GTGT", "2026-02", D(2026, 3, 20), CALENDAR)
    assert not page.is_past_due
    assert page.items == []
    assert world


async def test_an_unknown_form_or_period_is_named_in_the_error(session: AsyncSession) -> None:
    service = NonFilerService(session)
    with pytest.raises(ValidationFailedError) as bad:
        await service.search(OFFICER, "99/XX", "2026-13", D(2026, 4, 1), CALENDAR)
    assert [e.field for e in bad.value.errors] == ["form", "period"]
    with pytest.raises(ValidationFailedError) as wrong_kind:
        await service.search(OFFICER, "03/TNDN", "2026-02", D(2026, 4, 1), CALENDAR)
    assert [e.field for e in wrong_kind.value.errors] == ["period"]
