"""Two years of an office's life for the manager's dashboard, made through the services and the real jobs.

Tax office HNI: five enterprises registered (two in 2025, three in 2026); monthly VAT returns filed through the
filing service (April 2025, April 2026 on time; May 2026 late); bank payments through the payment service (two
on time, one never: that tax becomes arrears); then ``reconcile-payments`` and ``flag-arrears`` run as of 30
November 2026, recorded like any run.
"""

import datetime
import json
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from filings.demo import vat_values
from filings.services import FilingService
from jobs.recording import execute
from registry.models import Taxpayer
from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.accounts.payments import PaymentService
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import VN_TZ
from taxoffice.workdays.services import CalendarService
from tests.reports.helpers import taxpayer

D = datetime.date
M = 1_000_000
OFFICE = "HNI"
AS_OF = D(2026, 11, 30)
NOW = datetime.datetime(2026, 12, 2, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Hanoi
BANK = Principal(user_id=None, username="bank-tests", role=Role.BANK)


@dataclass(frozen=True)
class Filed:
    """What one filed return made: its tax, and the payment for it (None: never paid)."""

    tax: int
    paid_on: datetime.date | None


async def _file(
    session: AsyncSession, who: Taxpayer, period: str, received_on: datetime.date, sales: int, paid_on: D | None
) -> Filed:
    values = vat_values(sales_10=sales, input_vat=sales // 10 // 4)
    body = json.dumps({"tax_code": who.tax_code, "form": "01-GTGT", "period": period, "values": values}).encode()
    actor = Principal(user_id=None, username=who.tax_code, role=Role.TAXPAYER, tax_code=who.tax_code, tax_office=OFFICE)
    at = datetime.datetime.combine(received_on, datetime.time(9, 30), VN_TZ).astimezone(datetime.UTC)
    calendar = await CalendarService(session).calendar()
    filed, _new = await FilingService(session, AccountService(session)).submit(
        actor, body, "application/json", None, at, calendar
    )
    await session.commit()
    assert filed.status == "accepted", filed.status
    tax = int(filed.tax_payable or 0)
    if paid_on is not None:
        payment = PaymentRecord(
            bank_ref=f"MGR-{filed.transaction_code}",
            tax_code=who.tax_code,
            amount=tax,
            paid_on=paid_on,
            period=period,
            sub_item="1701",
            tax_office=OFFICE,
        )
        await PaymentService(session).record(BANK, payment, AS_OF)
        await session.commit()
    return Filed(tax, paid_on)


async def two_years(session: AsyncSession, factory: async_sessionmaker[AsyncSession]) -> list[Filed]:
    """The office's 2025 and 2026, reconciled and flagged as of ``AS_OF``; the returns filed, in order."""
    a = await taxpayer(session, D(2025, 2, 10), tax_office=OFFICE)
    b = await taxpayer(session, D(2025, 3, 15), tax_office=OFFICE)
    c = await taxpayer(session, D(2026, 2, 14), tax_office=OFFICE)
    await taxpayer(session, D(2026, 3, 2), tax_office=OFFICE)
    await taxpayer(session, D(2026, 3, 20), tax_office=OFFICE)
    filed = [
        await _file(session, a, "2025-04", D(2025, 5, 15), 400 * M, D(2025, 5, 18)),
        await _file(session, a, "2026-04", D(2026, 5, 15), 600 * M, D(2026, 5, 18)),
        await _file(session, b, "2026-04", D(2026, 5, 14), 800 * M, D(2026, 5, 19)),
        await _file(session, c, "2026-05", D(2026, 7, 10), 200 * M, None),
    ]
    ctx = {"session_factory": factory, "clock": lambda: NOW}
    for job in ("reconcile-payments", "flag-arrears"):
        await execute(ctx, job, AS_OF.isoformat(), origin="test", requested_by="tests")
    return filed
