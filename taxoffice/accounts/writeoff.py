"""Writing off a taxpayer's overdue debts on the account (xóa nợ, Law 38/2019/QH14 Art. 85).

Art. 85 writes off "tiền thuế, tiền chậm nộp, tiền phạt": the tax, the late-payment interest and the fines still
owed. On the account a write-off decided on day D posts, for every charge overdue on D:

- a **reduction** (a negative charge) of the tax or fine still unpaid, sourced with the decision's reference: the
  ledger nets it against the charge's line, so the interest the written-off part would bear is gone with it;
- an **interest waiver** (``interest_waiver``) of the late-payment interest the charge still owes on D after that
  reduction: the interest accrued on parts that were paid late, which no reduction of the tax can reach.

What was paid before the decision stays paid (Art. 85 cancels what is owed, it refunds nothing). After the
write-off the charges owe nothing and bear no further interest (their balance is 0). The interest snapshot of the
charges written off (``interest_accrual``) is set to 0 at once, so arrears read the same before the nightly job.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.account import Statement
from taxoffice.accounts.models import InterestAccrual, InterestWaiver
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind


@dataclass
class WrittenOff:
    """What a write-off cancelled: tax, interest and fines, and the total per tax type."""

    tax: int = 0
    interest: int = 0
    fines: int = 0
    by_tax_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        """Tax, interest and fines written off."""
        return self.tax + self.interest + self.fines


def _reductions(
    statement: Statement, taxpayer_id: int, on: datetime.date, reference: str, note: str
) -> list[NewCharge]:
    return [
        NewCharge(
            taxpayer_id=taxpayer_id,
            tax_code=statement.tax_code,
            tax_type=item.tax_type,
            sub_item=item.sub_item,
            period=item.period,
            kind=ChargeKind(item.kind),
            amount=-item.outstanding,
            due_on=item.due_on,
            interest_from=item.due_on,
            source=reference,
            note=note,
        )
        for item in statement.items
        if item.outstanding > 0 and item.due_on < on
    ]


async def write_off_debts(
    session: AsyncSession, taxpayer_id: int, tax_code: str, on: datetime.date, reference: str, note: str
) -> WrittenOff:
    """Cancel the tax, fines and late-payment interest the taxpayer owes on charges overdue on ``on``.

    ``reference`` (at most 40 characters, e.g. ``write-off:17``) sources the reductions and the waivers; ``note``
    (the decision's number and who made it) goes with each.
    """
    accounts = AccountService(session)
    before = await accounts.statement(tax_code, on)
    await accounts.post(_reductions(before, taxpayer_id, on, reference, note[:300]))
    await session.flush()
    reduced = await accounts.statement(tax_code, on)
    waivers = [
        InterestWaiver(
            taxpayer_id=taxpayer_id,
            charge_id=item.charge_id,
            amount=item.interest_outstanding,
            waived_on=on,
            reference=reference,
            note=note[:300],
        )
        for item in reduced.items
        if item.kind == ChargeKind.TAX and item.interest_outstanding > 0 and item.due_on < on
    ]
    session.add_all(waivers)
    written = {item.charge_id for item in before.items if item.due_on < on}
    if written:
        await session.execute(
            update(InterestAccrual).where(InterestAccrual.charge_id.in_(written)).values(outstanding=0)
        )
    await session.flush()
    result = WrittenOff()
    for item in before.items:
        if item.due_on >= on:
            continue
        if item.kind == ChargeKind.FINE:
            result.fines += item.outstanding
        elif item.kind == ChargeKind.INTEREST:  # interest charged as an amount (not computed)
            result.interest += item.outstanding
        else:
            result.tax += item.outstanding
        result.interest += item.interest_outstanding
        result.by_tax_type[item.tax_type] += item.outstanding + item.interest_outstanding
    return result
