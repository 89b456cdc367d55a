"""Late-payment interest (tiền chậm nộp), Law 38/2019/QH14 Art. 59 (DOMAIN.md §5). Pure.

Interest runs on every calendar day from the day after the effective deadline to the day before payment, at the
rate in force on that day: the rate is data (``RATES``, dated by ``valid_from``), and a range that crosses a rate
change is split there (DESIGN.md §5.10). The sum is kept as an exact integer numerator over 10,000 and rounded
once per debt item with ``taxoffice.money.round_half_up``.
"""

import bisect
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from taxoffice.money import round_half_up

RATE_DENOMINATOR = 10_000
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """The daily rate in force from ``valid_from`` until the next period's ``valid_from``.

    Attributes:
        valid_from: the first day the rate applies to.
        per_10000_per_day: the rate per calendar day in units of 1/10,000 (0.03 %/day = 3).
        legal_basis: where the rate comes from.
    """

    valid_from: datetime.date
    per_10000_per_day: int
    legal_basis: str = ""


# Sorted by valid_from; the last period is open-ended. Before the first one no rate is known (2013-2016 had a
# 0.05 %/0.07 % rule by days late, which a flat table cannot express) and asking raises LookupError.
# Law 106/2016 also moved debts that arose before 1 Jul 2016 onto the new rate from that day on.
RATES: tuple[RatePeriod, ...] = (
    RatePeriod(
        datetime.date(2016, 7, 1),
        3,
        "Luật 106/2016/QH13, Điều 3 khoản 3 (sửa khoản 1 Điều 106 Luật Quản lý thuế 78/2006/QH11)",
    ),
    RatePeriod(datetime.date(2020, 7, 1), 3, "Luật Quản lý thuế 38/2019/QH14, Điều 59"),
)


def late_days(due_on: datetime.date, paid_on: datetime.date) -> int:
    """The days that bear interest: from the day after ``due_on`` to the day before ``paid_on``, at least 0."""
    return max(0, (paid_on - due_on).days - 1)


def _valid_from(period: RatePeriod) -> datetime.date:
    return period.valid_from


def rate_days(start: datetime.date, end: datetime.date, rates: Sequence[RatePeriod] = RATES) -> int:
    """The sum, over every day from ``start`` to the day before ``end``, of the rate in force on that day.

    ``principal * rate_days(...) / RATE_DENOMINATOR`` is the unrounded interest on that range.

    Args:
        start: the first day counted.
        end: the day after the last day counted (an empty range when ``end <= start`` gives 0).
        rates: the rate table, sorted by ``valid_from``.

    Raises:
        LookupError: ``start`` is before the first period of ``rates``.
    """
    if end <= start:
        return 0
    index = bisect.bisect_right(rates, start, key=_valid_from) - 1
    if index < 0:
        raise LookupError(f"no late-payment interest rate is known for {start.isoformat()}")
    total = 0
    day = start
    last = len(rates) - 1
    while day < end:
        stop = end if index == last else min(rates[index + 1].valid_from, end)
        total += (stop - day).days * rates[index].per_10000_per_day
        day = stop
        index += 1
    return total


def interest(principal: int, due_on: datetime.date, paid_on: datetime.date, rates: Sequence[RatePeriod] = RATES) -> int:
    """The interest on ``principal`` due on ``due_on`` and paid in full on ``paid_on``, in đồng.

    Worked (DOMAIN.md §5): 100 000 000 đ for 10 days → 300 000 đ; 1 234 567 đ for 3 days → 1 111 đ.

    Raises:
        LookupError: an interest-bearing day lies before the first period of ``rates``.
    """
    numerator = principal * rate_days(due_on + ONE_DAY, paid_on, rates)
    return round_half_up(numerator, RATE_DENOMINATOR)


def interest_on_balance(
    principal: int,
    due_on: datetime.date,
    payments: Sequence[tuple[datetime.date, int]],
    as_of: datetime.date,
    rates: Sequence[RatePeriod] = RATES,
) -> int:
    """The interest accrued up to ``as_of`` on a debt paid off in parts, in đồng.

    The balance starts at ``principal`` and each payment ``(paid_on, amount)`` reduces it from ``paid_on`` on
    (money paid on day P stops interest from day P). Interest counts the days from the day after ``due_on`` to
    the day before ``as_of``, as if the rest were paid on ``as_of``. Payments on or before ``due_on`` simply
    reduce the principal; payments on or after ``as_of`` change nothing; a day whose balance is 0 or less (an
    overpayment) bears nothing. Payments need not be sorted. Rounded once, at the end.

    With no payments this is ``interest(principal, due_on, as_of)``.

    Raises:
        LookupError: an interest-bearing day lies before the first period of ``rates``.
    """
    day = due_on + ONE_DAY
    if as_of <= day:
        return 0
    balance = principal
    numerator = 0
    for paid_on, amount in sorted(payment for payment in payments if payment[0] < as_of):
        if paid_on > day:
            if balance > 0:
                numerator += balance * rate_days(day, paid_on, rates)
            day = paid_on
        balance -= amount
    if balance > 0:
        numerator += balance * rate_days(day, as_of, rates)
    return round_half_up(numerator, RATE_DENOMINATOR)
