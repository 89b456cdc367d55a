"""Provisional CIT: the quarters' payments as charges, and the 80 % rule checked at finalisation.

- A company pays CIT provisionally each quarter, without a return, by the 30th day of the quarter's next month (Law
  38/2019 Art. 55(1)(a) [not re-read in the material at hand]). Each such payment (sub-item 1052, period ``YYYY-Qn``)
  becomes a charge of its quarter with that legal due date, so the payment settles it instead of floating as a credit;
  the final 03/TNDN charges only ``[I] = [E] - [G]``, so the quarters are deducted once.
- The four quarters together must reach 80 % of the year's tax on the finalisation (Decree 126/2020 Art. 8(6) as
  amended by Decree 91/2022/NĐ-CP, in force from 30 October 2022; 75 % of the year's tax by the first three quarters
  before). On a shortfall, late-payment interest runs on it from the day after the fourth quarter's deadline: that
  part of ``[I]`` is charged with the fourth quarter's deadline as its due date and interest date.
"""

import dataclasses
import datetime
from collections.abc import Callable
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.expressions import round_half_up
from filings.periods import Period, PeriodKind, periods_in_year
from taxoffice.accounts.models import Charge, Payment
from taxoffice.accounts.services import NewCharge
from taxoffice.accounts.vocabulary import ChargeKind

CIT_SUB_ITEM = "1052"
# Decree 91/2022 Art. 1 (Decree 126/2020 Art. 8(6)): the four quarters' share of the year's tax, from tax year 2022.
PROVISIONAL_SHARE = Fraction(4, 5)
FIRST_YEAR_OF_THE_80_RULE = 2022
_DAY_OF_MONTH = 30


def quarter_due(quarter: Period, is_working_day: Callable[[datetime.date], bool]) -> datetime.date:
    """The 30th day of the month after ``quarter``, moved to the next working day."""
    after = quarter.end + datetime.timedelta(days=1)
    day = datetime.date(after.year, after.month, _DAY_OF_MONTH)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def shortfall(year_tax: int, provisional: int, year: int) -> int:
    """How far the quarters' provisional tax falls short of 80 % of the year's tax (0 before 2022 or when met)."""
    if year < FIRST_YEAR_OF_THE_80_RULE or year_tax <= 0:
        return 0
    return max(0, round_half_up(Fraction(year_tax) * PROVISIONAL_SHARE) - provisional)


def provisional_paid(computed: dict[str, int]) -> int:
    """The tax paid provisionally in the year as the return declares it: ``[G2] + [G4] + [G5]``.

    ``[G1]`` and ``[G3]`` are earlier years' overpayments brought forward, not this year's quarters.
    """
    return sum(int(computed.get(code, 0)) for code in ("ctG2", "ctG4", "ctG5"))


def split_final(
    charge: NewCharge, computed: dict[str, int], year: int, is_working_day: Callable[[datetime.date], bool]
) -> list[NewCharge]:
    """The final return's charge ``[I]``, with the part the quarters should have paid due at the fourth quarter.

    Worked example (tests/filings/test_provisional_cit.py): ``[E]`` 1,000 M, quarters 600 M, ``[I]`` 400 M: 80 % is
    800 M, short by 200 M, charged due 30 January with interest from 31 January; the other 200 M is due with the
    return.
    """
    short = min(shortfall(int(computed.get("ctE", 0)), provisional_paid(computed), year), charge.amount)
    if short <= 0:
        return [charge]
    q4 = quarter_due(Period(year, PeriodKind.QUARTER, 4), is_working_day)
    note = f"{charge.note}: tạm nộp 4 quý thiếu so với 80% số quyết toán (NĐ 91/2022/NĐ-CP)"
    early = dataclasses.replace(charge, amount=short, due_on=q4, interest_from=q4, note=note)
    return [early, dataclasses.replace(charge, amount=charge.amount - short)]


async def provisional_charges(
    session: AsyncSession, taxpayer_id: int, tax_code: str, year: int, is_working_day: Callable[[datetime.date], bool]
) -> list[NewCharge]:
    """A charge for each provisional CIT payment of ``year``'s quarters not charged yet, due on its quarter's date."""
    quarters = {q.label: q for q in periods_in_year(PeriodKind.QUARTER, year)}
    payments = list(
        await session.scalars(
            select(Payment).where(
                Payment.taxpayer_id == taxpayer_id,
                Payment.sub_item == CIT_SUB_ITEM,
                Payment.period.in_(list(quarters)),
                Payment.status != "reversed",
            )
        )
    )
    sources = [f"provisional:{p.id}" for p in payments]
    charged = set(await session.scalars(select(Charge.source).where(Charge.source.in_(sources)))) if sources else set()
    result = []
    for payment in payments:
        source = f"provisional:{payment.id}"
        if source in charged or payment.period is None:
            continue
        due = quarter_due(quarters[payment.period], is_working_day)
        result.append(
            NewCharge(
                taxpayer_id=taxpayer_id,
                tax_code=tax_code,
                tax_type="CIT",
                sub_item=CIT_SUB_ITEM,
                period=payment.period,
                kind=ChargeKind.TAX,
                amount=payment.amount,
                due_on=due,
                interest_from=due,
                source=source,
                note=f"Tạm nộp thuế TNDN {payment.period}",
            )
        )
    return result
