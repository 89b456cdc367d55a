"""Late-payment interest (tiền chậm nộp), Law 38/2019/QH14 Art. 59 (DOMAIN.md §5). Pure.

Interest runs on every calendar day from the day after the effective deadline to the day before payment, at the
rate in force on that day: the rate is data (``RATES``, dated by ``valid_from``), and a range that crosses a rate
change is split there (DESIGN.md §5.10). From 1 Jul 2013 to 31 Dec 2014 the rate also depended on how late the
debt was (0.05 %/day up to the 90th day late, 0.07 % from the 91st): a period may carry that second step.
Days in a pause (``Pause``: an extension under Art. 62 or a decree, a frozen debt under Art. 59.6 / 83) bear
nothing. The sum is kept as an exact integer numerator over 10,000 and rounded once per debt item with
``taxoffice.money.round_half_up``.
"""

import bisect
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

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
    # From the day that is this many days late plus one (days late counted from the day after the deadline), the
    # rate is ``later_per_10000_per_day`` instead: 90 and 7 for 1 Jul 2013 - 31 Dec 2014. None: one flat rate.
    later_after_days: int | None = None
    later_per_10000_per_day: int = 0


class Pause(NamedTuple):
    """Days that bear no interest: from ``start`` to the day before ``end`` (``end`` None: still running).

    ``charges``: the charge ids it covers (a freeze naming its debts); None: every charge it is given to.
    """

    start: datetime.date
    end: datetime.date | None
    charges: frozenset[int] | None = None

    def covers(self, charge_id: int) -> bool:
        """Whether the pause applies to the charge ``charge_id``."""
        return self.charges is None or charge_id in self.charges


def pause_of_row(start: datetime.date, end: datetime.date | None, charge_ids: object) -> Pause:
    """A stored pause (``interest_pause``): ``charge_ids`` a list of ids, its JSON text, or None (every charge)."""
    ids = json.loads(charge_ids) if isinstance(charge_ids, str) else charge_ids
    if not isinstance(ids, list):
        return Pause(start, end)
    return Pause(start, end, frozenset(int(i) for i in ids))


# Sorted by valid_from; the last period is open-ended. Before 1 Jul 2007 (Law 78/2006 in force) no rate is known
# and asking raises LookupError. Each law moved debts that arose before it onto its own rate from its first day
# (Law 106/2016 says so for 1 Jul 2016; days late for the 2013-2014 step count from the debt's own deadline).
RATES: tuple[RatePeriod, ...] = (
    RatePeriod(datetime.date(2007, 7, 1), 5, "Luật Quản lý thuế 78/2006/QH11, Điều 106 khoản 1 (0,05 %/ngày)"),
    RatePeriod(
        datetime.date(2013, 7, 1),
        5,
        "Luật 21/2012/QH13 sửa Điều 106 Luật 78/2006/QH11 (0,05 %/ngày đến ngày thứ 90, 0,07 %/ngày từ ngày thứ 91)",
        later_after_days=90,
        later_per_10000_per_day=7,
    ),
    RatePeriod(datetime.date(2015, 1, 1), 5, "Luật 71/2014/QH13 sửa khoản 1 Điều 106 Luật 78/2006/QH11 (0,05 %/ngày)"),
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


def _flat_days(start: datetime.date, end: datetime.date, rates: Sequence[RatePeriod], due_on: datetime.date) -> int:
    """The rate summed over ``start`` … ``end`` - 1 (no pauses); days late are counted from ``due_on``."""
    index = bisect.bisect_right(rates, start, key=_valid_from) - 1
    if index < 0:
        raise LookupError(f"no late-payment interest rate is known for {start.isoformat()}")
    total = 0
    day = start
    last = len(rates) - 1
    while day < end:
        period = rates[index]
        stop = end if index == last else min(rates[index + 1].valid_from, end)
        if period.later_after_days is None:
            total += (stop - day).days * period.per_10000_per_day
        else:
            # The first day at the later rate: the (later_after_days + 1)-th day late.
            step = min(max(due_on + datetime.timedelta(days=period.later_after_days + 1), day), stop)
            total += (step - day).days * period.per_10000_per_day
            total += (stop - step).days * period.later_per_10000_per_day
        day = stop
        index += 1
    return total


def rate_days(
    start: datetime.date,
    end: datetime.date,
    rates: Sequence[RatePeriod] = RATES,
    *,
    due_on: datetime.date | None = None,
    pauses: Sequence[Pause] = (),
) -> int:
    """The sum, over every day from ``start`` to the day before ``end``, of the rate in force on that day.

    ``principal * rate_days(...) / RATE_DENOMINATOR`` is the unrounded interest on that range.

    Args:
        start: the first day counted.
        end: the day after the last day counted (an empty range when ``end <= start`` gives 0).
        rates: the rate table, sorted by ``valid_from``.
        due_on: the debt's deadline, for rates that depend on days late (default: the day before ``start``).
        pauses: ranges of days that bear nothing (extension, freezing), in any order, possibly overlapping.

    Raises:
        LookupError: a day counted lies before the first period of ``rates``.
    """
    if end <= start:
        return 0
    deadline = start - ONE_DAY if due_on is None else due_on
    if not pauses:
        return _flat_days(start, end, rates, deadline)
    total = 0
    day = start
    for pause in sorted(pauses, key=lambda p: p.start):
        pause_end = end if pause.end is None else min(pause.end, end)
        if pause_end <= day:
            continue
        if pause.start >= end:
            break
        if pause.start > day:
            total += _flat_days(day, pause.start, rates, deadline)
        day = pause_end
    if day < end:
        total += _flat_days(day, end, rates, deadline)
    return total


def interest(
    principal: int,
    due_on: datetime.date,
    paid_on: datetime.date,
    rates: Sequence[RatePeriod] = RATES,
    pauses: Sequence[Pause] = (),
) -> int:
    """The interest on ``principal`` due on ``due_on`` and paid in full on ``paid_on``, in đồng.

    Worked (DOMAIN.md §5): 100 000 000 đ for 10 days → 300 000 đ; 1 234 567 đ for 3 days → 1 111 đ.

    Raises:
        LookupError: an interest-bearing day lies before the first period of ``rates``.
    """
    numerator = principal * rate_days(due_on + ONE_DAY, paid_on, rates, due_on=due_on, pauses=pauses)
    return round_half_up(numerator, RATE_DENOMINATOR)


def interest_on_balance(
    principal: int,
    due_on: datetime.date,
    payments: Sequence[tuple[datetime.date, int]],
    as_of: datetime.date,
    rates: Sequence[RatePeriod] = RATES,
    pauses: Sequence[Pause] = (),
) -> int:
    """The interest accrued up to ``as_of`` on a debt paid off in parts, in đồng.

    The balance starts at ``principal`` and each payment ``(paid_on, amount)`` reduces it from ``paid_on`` on
    (money paid on day P stops interest from day P). Interest counts the days from the day after ``due_on`` to
    the day before ``as_of``, as if the rest were paid on ``as_of``. Payments on or before ``due_on`` simply
    reduce the principal; payments on or after ``as_of`` change nothing; a day whose balance is 0 or less (an
    overpayment) bears nothing, nor does a day in one of ``pauses``. Payments need not be sorted. Rounded once, at
    the end.

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
                numerator += balance * rate_days(day, paid_on, rates, due_on=due_on, pauses=pauses)
            day = paid_on
        balance -= amount
    if balance > 0:
        numerator += balance * rate_days(day, as_of, rates, due_on=due_on, pauses=pauses)
    return round_half_up(numerator, RATE_DENOMINATOR)
