"""The dates of the demo activity as a pure function of "today": the demo plan.

Whatever day the demo runs, every date it uses lies before that day and follows the rules: a return arrives only
after its period has ended; its deadline is the statutory one moved past weekends and holidays; a bank pays on a
working day, on or after the day the return arrived; an application is submitted on a working day. The first
filer is the demo taxpayer's login, scripted so that it always has returns filed, debts overdue and the latest
month still to file; the others file and pay at random (most on time, some late, a few never).
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from filings.forms import find_form
from filings.periods import PeriodKind, effective_deadline, parse_period

FORM = "01/GTGT"
DAY = datetime.timedelta(days=1)
# The demo taxpayer leaves this many of its latest filed periods unpaid (all past their deadline).
UNPAID_PERIODS = 3
# ... and files one return late, this many months before the latest, by LATE_DAYS days: an old return whose
# late-filing fine has been decided (Decree 125/2020 Art. 13.2: 1 to 30 days late) and paid with its tax, so the
# taxpayer's pages show a fine with its legal basis.
LATE_MONTHS_BACK = 12
LATE_DAYS = 9
IsWorkingDay = Callable[[datetime.date], bool]


@dataclass(frozen=True)
class FilingPlan:
    """One filer's 01/GTGT for one month: its deadline, when it arrives and when it is paid (None: never)."""

    period: str
    due_on: datetime.date
    received_on: datetime.date | None
    paid_on: datetime.date | None


@dataclass(frozen=True)
class DemoPlan:
    """Every date of one demo run."""

    today: datetime.date
    periods: list[str]
    filings: list[list[FilingPlan]]  # one list a filer, in ``periods`` order; the first filer is the demo login
    applications: list[datetime.date]  # submission days of the registration applications left waiting
    unmatched: list[datetime.date]  # payment days of the payments naming no registered taxpayer


def month_labels(today: datetime.date, months: int) -> list[str]:
    """The ``months`` whole months before ``today``'s month, oldest first (``2026-10``)."""
    labels: list[str] = []
    year, month = today.year, today.month
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        labels.append(f"{year}-{month:02d}")
    return labels[::-1]


def due_on(label: str, is_working_day: IsWorkingDay) -> datetime.date:
    """The effective deadline of the monthly 01/GTGT for the month ``label``."""
    period = parse_period(label)
    form = find_form(FORM, period.end)
    return effective_deadline(form.deadline_rules[PeriodKind.MONTH], period, is_working_day)


def working_day_on_or_after(day: datetime.date, is_working_day: IsWorkingDay) -> datetime.date:
    """``day`` when offices and banks work on it, else the next day they do."""
    while not is_working_day(day):
        day += DAY
    return day


def working_days_before(today: datetime.date, count: int, is_working_day: IsWorkingDay) -> datetime.date:
    """The ``count``-th working day before ``today`` (``today`` not counted)."""
    day = today
    while count > 0:
        day -= DAY
        count -= is_working_day(day)
    return day


def _received_on(rng: random.Random, label: str, due: datetime.date, today: datetime.date) -> datetime.date | None:
    """When the return arrives: mostly in the ten days up to the deadline, some late, a few never (None).

    Never before the day after the period's end, never on or after ``today``.
    """
    first = parse_period(label).end + DAY
    roll = rng.random()
    if roll < 0.08:  # noqa: PLR2004 - the share that never files
        return None
    if roll < 0.20:  # noqa: PLR2004 - the share that files late
        day = due + datetime.timedelta(days=rng.randint(1, 75))
    else:
        day = max(first, due - datetime.timedelta(days=rng.randint(0, 10)))
    day = min(day, today - DAY)
    return day if day >= first else None


def _paid_on(
    rng: random.Random, due: datetime.date, received: datetime.date, today: datetime.date, is_working_day: IsWorkingDay
) -> datetime.date | None:
    """When the bank pays: mostly by the deadline, some late, some not yet (None); a working day before today."""
    roll = rng.random()
    if roll < 0.12:  # noqa: PLR2004 - the share not paid yet
        return None
    if roll < 0.27:  # noqa: PLR2004 - the share paid late
        day = due + datetime.timedelta(days=rng.randint(3, 150))
    else:
        day = due - datetime.timedelta(days=rng.randint(0, 5))
    day = working_day_on_or_after(max(day, received), is_working_day)
    return day if day < today else None  # a payment still ahead: not paid yet


def _demo_login(dues: dict[str, datetime.date], today: datetime.date, is_working_day: IsWorkingDay) -> list[FilingPlan]:
    """The demo taxpayer: files every month on time but one a year ago and the latest; pays all but its latest."""
    plans: list[FilingPlan] = []
    periods = list(dues)
    unpaid = set(periods[-1 - UNPAID_PERIODS : -1])
    late = periods[-1 - LATE_MONTHS_BACK] if len(periods) > LATE_MONTHS_BACK + UNPAID_PERIODS else None
    for label, due in dues.items():
        first = parse_period(label).end + DAY
        received = due + LATE_DAYS * DAY if label == late else max(first, due - datetime.timedelta(days=4))
        if label == periods[-1] or received >= today:
            plans.append(FilingPlan(label, due, None, None))
            continue
        paid = None if label in unpaid else working_day_on_or_after(received, is_working_day)
        plans.append(FilingPlan(label, due, received, paid if paid is not None and paid < today else None))
    return plans


def plan(today: datetime.date, *, filers: int, months: int, seed: int, is_working_day: IsWorkingDay) -> DemoPlan:
    """The dates of a demo run on ``today``: ``filers`` monthly VAT filers over the ``months`` months before it."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    periods = month_labels(today, months)
    dues = {label: due_on(label, is_working_day) for label in periods}
    filings = [_demo_login(dues, today, is_working_day)] if filers else []
    for _ in range(1, filers):
        row: list[FilingPlan] = []
        for label, due in dues.items():
            received = _received_on(rng, label, due, today)
            paid = None if received is None else _paid_on(rng, due, received, today, is_working_day)
            row.append(FilingPlan(label, due, received, paid))
        filings.append(row)
    applications = [working_days_before(today, n, is_working_day) for n in (8, 2, 1)]
    unmatched = [working_days_before(today, n, is_working_day) for n in (6, 3, 1)]
    return DemoPlan(today, periods, filings, applications, unmatched)
