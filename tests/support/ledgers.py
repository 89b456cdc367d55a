"""Committed ledgers for tests of the nightly jobs: VAT charges and bank payments for many taxpayers at once."""

import datetime
from collections.abc import Callable, Sequence

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.models import Payment
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind

D = datetime.date
CHARGE = 3_000_000
PAYMENT = 2_500_000
PAYMENTS_EACH = 3


async def charge_and_pay(
    session: AsyncSession,
    taxpayers: Sequence[tuple[int, str]],
    *,
    ref_prefix: str,
    source: str,
    pays: Callable[[int], bool] = lambda _index: True,
) -> None:
    """Two VAT charges of 3 million each (January, February 2026) for every taxpayer (``(id, tax_code)``), and
    three waiting payments of 2.5 million (1-3 March 2026) for each one whose position ``pays``; not committed."""
    await AccountService(session).post(
        [
            NewCharge(tid, code, "VAT", "1701", period, ChargeKind.TAX, CHARGE, due, due, source)
            for tid, code in taxpayers
            for period, due in (("2026-01", D(2026, 2, 23)), ("2026-02", D(2026, 3, 20)))
        ]
    )
    await session.execute(
        insert(Payment),
        [
            {
                "bank_ref": f"{ref_prefix}-{tid}-{n}",
                "tax_code": code,
                "taxpayer_id": tid,
                "payer_name": "",
                "amount": PAYMENT,
                "paid_on": D(2026, 3, n + 1),
                "source": "test",
                "status": "unallocated",
                "unallocated": PAYMENT,
                "received_by": "test",
                "note": "",
            }
            for index, (tid, code) in enumerate(taxpayers)
            if pays(index)
            for n in range(PAYMENTS_EACH)
        ],
    )
