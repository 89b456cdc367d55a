"""The obligations view: what a taxpayer owes and what it filed, read from the same rows as duplicate detection."""

import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from filings.obligations import TaxpayerFacts, owed, status_of
from filings.schemas import ObligationRead
from filings.services import FilingService
from registry.frequencies import frequency_of_year
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ, WorkingCalendar


class ObligationService:
    """Obligations with their status."""

    def __init__(self, session: AsyncSession, filings: FilingService) -> None:
        self.session = session
        self.filings = filings

    async def for_year(
        self, actor: Principal, raw_code: str, year: int, today: datetime.date, calendar: WorkingCalendar
    ) -> list[ObligationRead]:
        """Every return owed for ``year`` with its status and the accepted original's id."""
        taxpayer = await self.filings.taxpayer(actor, raw_code)
        facts = TaxpayerFacts(
            kind=taxpayer.kind,
            tax_types=tuple(taxpayer.tax_types),
            vat_frequency=await frequency_of_year(self.session, taxpayer, year),  # Decree 126 Art. 9
            registered_on=taxpayer.registered_on,
            status=taxpayer.status,
            status_effective_on=taxpayer.status_effective_on,
            suspended_until=taxpayer.suspended_until,
        )
        filed = {(r.form_code, r.period): r for r in await self.filings.accepted_in_year(taxpayer.tax_code, year)}
        result = []
        for obligation in owed(facts, year, calendar.is_working_day):
            ret = filed.get((obligation.form, obligation.period.label))
            filed_on = ret.received_at.astimezone(VN_TZ).date() if ret else None
            result.append(
                ObligationRead(
                    form=obligation.form,
                    period=obligation.period.label,
                    due_on=obligation.due_on,
                    nominal_due_on=obligation.nominal_due_on,
                    status=status_of(obligation, today, filed_on),
                    return_id=ret.id if ret else None,
                )
            )
        return result
