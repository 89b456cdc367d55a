"""Writing off a debt (xóa nợ, Law 38/2019 Art. 85): by a competent decision, what a case owes is cancelled.

The write-off posts, for each overdue charge line with something unpaid, a reduction (a negative charge) of the
unpaid amount, dated and sourced ``write-off:<case id>``: the ledger nets reductions against the line, so the
debt is gone and the late-payment interest on the written-off part with it (interest accrued on parts paid late
before the decision stays owed: a reduction cannot reach it). The case closes at the next ``flag-arrears`` run.
What was written off, per tax type, is kept in the action's details for the arrears report's movement.
"""

import datetime
from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.account import Statement
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.models import ArrearsCase
from taxoffice.arrears.stock import OTHER
from taxoffice.arrears.vocabulary import SPLIT_TAX_TYPES


def _owed_by_type(statement: Statement) -> dict[str, int]:
    """What the statement owes (tax, fines and interest) per stock tax type."""
    owed: dict[str, int] = defaultdict(int)
    for item in statement.items:
        tax_type = item.tax_type if item.tax_type in SPLIT_TAX_TYPES else OTHER
        owed[tax_type] += item.outstanding + item.interest_outstanding
    return owed


async def write_off(session: AsyncSession, case: ArrearsCase, decision: str, today: datetime.date) -> dict[str, Any]:
    """Cancel what ``case``'s taxpayer owes on charges overdue on ``today``; returns the details to keep."""
    accounts = AccountService(session)
    before = await accounts.statement(case.tax_code, today)
    reductions = [
        NewCharge(
            taxpayer_id=case.taxpayer_id,
            tax_code=case.tax_code,
            tax_type=item.tax_type,
            sub_item=item.sub_item,
            period=item.period,
            kind=ChargeKind(item.kind),
            amount=-item.outstanding,
            due_on=item.due_on,
            interest_from=item.due_on,
            source=f"write-off:{case.id}",
            note=f"Xóa nợ theo quyết định {decision}"[:300],
        )
        for item in before.items
        if item.outstanding > 0 and item.due_on < today
    ]
    await accounts.post(reductions)
    await session.flush()
    after = await accounts.statement(case.tax_code, today)
    owed_before, owed_after = _owed_by_type(before), _owed_by_type(after)
    written_off = {t: owed_before[t] - owed_after.get(t, 0) for t in sorted(owed_before)}
    written_off = {t: amount for t, amount in written_off.items() if amount}
    return {"decision": decision, "written_off": written_off, "total": sum(written_off.values())}
