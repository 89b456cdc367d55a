"""How long a debt has been overdue, and its ageing bucket (DOMAIN.md §8). Pure.

Days overdue on a date D are ``D - effective deadline`` of the oldest amount still owed (0 when nothing is
overdue): a debt due 31 Jul 2025 is 91 days overdue on 30 Oct 2025. The buckets are fixed reporting bands,
1-30, 31-60, 61-90, 91-120, 121-365 and over 365 days, the last one being the "older than a year" share managers
watch.
"""

import calendar
import datetime
from collections.abc import Iterable
from enum import StrEnum

# A debt is "older than a year" (more than 365 days overdue) from this many days overdue on.
OVER_YEAR_DAYS = 366


class Bucket(StrEnum):
    """An ageing band of days overdue (the value is how it reads in URLs and reports)."""

    DAYS_1_30 = "1-30"
    DAYS_31_60 = "31-60"
    DAYS_61_90 = "61-90"
    DAYS_91_120 = "91-120"
    DAYS_121_365 = "121-365"
    OVER_365 = "over-365"


# (bucket, first day, last day or None for no end), in order; every day from 1 on falls in exactly one.
BUCKETS: tuple[tuple[Bucket, int, int | None], ...] = (
    (Bucket.DAYS_1_30, 1, 30),
    (Bucket.DAYS_31_60, 31, 60),
    (Bucket.DAYS_61_90, 61, 90),
    (Bucket.DAYS_91_120, 91, 120),
    (Bucket.DAYS_121_365, 121, 365),
    (Bucket.OVER_365, OVER_YEAR_DAYS, None),
)


def days_overdue(due_on: datetime.date, on: datetime.date) -> int:
    """Days an amount with the effective deadline ``due_on`` is overdue on ``on`` (0 up to the deadline itself)."""
    return max(0, (on - due_on).days)


def oldest_overdue_on(open_amounts: Iterable[tuple[datetime.date, int]], on: datetime.date) -> datetime.date | None:
    """The effective deadline of the oldest amount still owed and overdue on ``on``.

    Args:
        open_amounts: ``(due_on, amount still owed in đồng)`` for each debt item; amounts of 0 or less (settled,
            or a credit) do not count.
        on: the day the case is looked at.

    Returns:
        The earliest ``due_on`` before ``on`` with something owed, or None when nothing is overdue.
    """
    overdue = [due_on for due_on, amount in open_amounts if amount > 0 and due_on < on]
    return min(overdue, default=None)


def case_days_overdue(open_amounts: Iterable[tuple[datetime.date, int]], on: datetime.date) -> int:
    """Days overdue of a case on ``on``: those of its oldest overdue amount (0 when nothing is overdue).

    A payment that settles the oldest item makes the case younger at once (DESIGN.md §5.9).
    """
    oldest = oldest_overdue_on(open_amounts, on)
    return 0 if oldest is None else days_overdue(oldest, on)


def bucket_of(days: int) -> Bucket | None:
    """The ageing bucket of a debt ``days`` overdue, or None when it is not overdue (``days`` < 1)."""
    for bucket, first, last in BUCKETS:
        if days >= first and (last is None or days <= last):
            return bucket
    return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later, or that month's last day when it is shorter.

    31 Jan 2026 + 1 → 28 Feb 2026; 29 Feb 2024 + 12 → 28 Feb 2025. Used for the monthly notice and the
    12-month limit of instalment plans.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
