"""Lateness counted from the first receipt when the office rejected that receipt wrongly.

A return rejected and later accepted on the same facts (the same form version, period, place and figures) shows the
rejection was the office's error: the taxpayer filed this very return on the first day. The violation Decree
125/2020 Art. 13 fines is filing after the deadline, so lateness is counted from the first receipt and no fine is owed
for the office's own mistake (no article addresses the case in words; docs/filings.md). Only originals are concerned,
and the lookup runs only for a return that would otherwise be late.
"""

import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.models import TaxReturn
from filings.vocabulary import ReturnStatus


async def first_rejected_receipt(
    session: AsyncSession,
    *,
    tax_code: str,
    form_code: str,
    form_valid_from: datetime.date,
    period: str,
    place: str,
    values: dict[str, Any],
) -> tuple[int, datetime.datetime] | None:
    """The earliest rejected original with exactly these figures: its id and when it was received."""
    rows = await session.execute(
        select(TaxReturn.id, TaxReturn.received_at, TaxReturn.values)
        .where(
            TaxReturn.tax_code == tax_code,
            TaxReturn.form_code == form_code,
            TaxReturn.form_valid_from == form_valid_from,
            TaxReturn.period == period,
            TaxReturn.place == place,
            TaxReturn.amendment_no == 0,
            TaxReturn.status == ReturnStatus.REJECTED,
        )
        .order_by(TaxReturn.received_at, TaxReturn.id)
    )
    for row in rows:
        if row.values == values:
            return row.id, row.received_at
    return None
