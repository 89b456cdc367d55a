"""Filing integrity: a period before the registration and a 01/GTGT of the other frequency are refused with coded
rules; 05/KK-TNCN is owed only where tax was withheld (docs/filings.md, "Filing integrity")."""

import datetime
import json

from sqlalchemy.ext.asyncio import AsyncSession

from filings.obligations import Obligation, TaxpayerFacts, owed, status_of
from filings.services import FilingService
from registry.models import Taxpayer
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise

NOW = datetime.datetime(2026, 11, 10, 3, 0, tzinfo=datetime.UTC)
OFFICER = Principal(user_id=1, username="officer-integrity", role=Role.OFFICER)


def _body(tax_code: str, period: str) -> bytes:
    return json.dumps(vat_return(tax_code, period, vat_values())).encode()


async def _rules(session: AsyncSession, filer: Taxpayer, period: str) -> list[str]:
    service = FilingService(session, AccountService(session))
    checked = await service.validate(OFFICER, _body(filer.tax_code, period), "", NOW, WorkingCalendar({}))
    return [f.rule for f in checked.findings if f.severity.value == "reject"]


async def test_a_period_before_the_registration_is_refused(session: AsyncSession) -> None:
    # Registered on 15 November 2025: October 2025 ended before it, November 2025 did not.
    filer = await register_enterprise(
        session, "0109555301", "Công ty TNHH Mới Lập", registered_on=datetime.date(2025, 11, 15)
    )
    assert await _rules(session, filer, "2025-10") == ["PERIOD-BEFORE-REGISTRATION"]
    assert await _rules(session, filer, "2025-11") == []


async def test_a_return_of_the_other_frequency_is_refused(session: AsyncSession) -> None:
    monthly = await register_enterprise(session, "0109555302", "Công ty TNHH Theo Tháng")
    assert monthly.vat_frequency == "monthly"
    # A quarter from a monthly filer would charge July, August and September a second time.
    assert await _rules(session, monthly, "2026-Q3") == ["VAT-FREQUENCY"]
    assert await _rules(session, monthly, "2026-07") == []
    monthly.vat_frequency = "quarterly"
    await session.commit()
    assert await _rules(session, monthly, "2026-07") == ["VAT-FREQUENCY"]
    assert await _rules(session, monthly, "2026-Q3") == []


def test_pit_withholding_returns_are_not_overdue_for_nothing() -> None:
    facts = TaxpayerFacts(
        kind="enterprise",
        tax_types=("VAT", "PIT"),
        vat_frequency="monthly",
        registered_on=datetime.date(2025, 1, 1),
        status="00",
        status_effective_on=datetime.date(2025, 1, 1),
        suspended_until=None,
    )
    obligations = owed(facts, 2026, lambda _day: True)
    january: dict[str, Obligation] = {o.form: o for o in obligations if o.period.label == "2026-01"}
    today = datetime.date(2026, 11, 10)
    # January 2026 VAT, due 20 Feb, unfiled in November: overdue. PIT withheld: only if there was withholding.
    assert status_of(january["01/GTGT"], today, None) == "overdue"
    assert status_of(january["05/KK-TNCN"], today, None) == "if_withheld"
    # Filed, it is judged against its deadline like any return.
    assert status_of(january["05/KK-TNCN"], today, datetime.date(2026, 2, 25)) == "filed_late"
