"""Days overdue and ageing buckets (DOMAIN.md §8) with dated examples at every bucket boundary."""

import datetime

import pytest

from taxoffice.arrears.ageing import (
    BUCKETS,
    Bucket,
    add_months,
    bucket_of,
    case_days_overdue,
    days_overdue,
    oldest_overdue_on,
)

D = datetime.date
DUE = D(2025, 7, 31)


def test_worked_example_91_days_on_30_october() -> None:
    assert days_overdue(DUE, D(2025, 10, 29)) == 90
    assert days_overdue(DUE, D(2025, 10, 30)) == 91
    assert bucket_of(days_overdue(DUE, D(2025, 10, 29))) is Bucket.DAYS_61_90
    assert bucket_of(days_overdue(DUE, D(2025, 10, 30))) is Bucket.DAYS_91_120


@pytest.mark.parametrize(
    ("on", "days", "bucket"),
    [
        (D(2025, 7, 30), 0, None),
        (D(2025, 7, 31), 0, None),  # the deadline itself
        (D(2025, 8, 1), 1, Bucket.DAYS_1_30),
        (D(2025, 8, 30), 30, Bucket.DAYS_1_30),
        (D(2025, 8, 31), 31, Bucket.DAYS_31_60),
        (D(2025, 9, 29), 60, Bucket.DAYS_31_60),
        (D(2025, 9, 30), 61, Bucket.DAYS_61_90),
        (D(2025, 10, 29), 90, Bucket.DAYS_61_90),
        (D(2025, 10, 30), 91, Bucket.DAYS_91_120),
        (D(2025, 11, 28), 120, Bucket.DAYS_91_120),
        (D(2025, 11, 29), 121, Bucket.DAYS_121_365),
        (D(2026, 7, 31), 365, Bucket.DAYS_121_365),
        (D(2026, 8, 1), 366, Bucket.OVER_365),
        (D(2030, 1, 1), 1615, Bucket.OVER_365),
    ],
)
def test_bucket_boundaries(on: datetime.date, days: int, bucket: Bucket | None) -> None:
    assert days_overdue(DUE, on) == days
    assert bucket_of(days) is bucket


def test_buckets_cover_every_day_once() -> None:
    assert [bucket for bucket, _, _ in BUCKETS] == list(Bucket)
    for days in range(-3, 800):
        matching = [b for b, first, last in BUCKETS if days >= first and (last is None or days <= last)]
        assert len(matching) == (1 if days >= 1 else 0)
        assert bucket_of(days) == (matching[0] if matching else None)


def test_oldest_overdue_amount_decides() -> None:
    on = D(2025, 10, 30)
    amounts = [(D(2025, 9, 20), 5_000_000), (DUE, 1_000_000), (D(2025, 11, 20), 9_000_000)]
    assert oldest_overdue_on(amounts, on) == DUE
    assert case_days_overdue(amounts, on) == 91
    # Paying off the oldest item makes the case younger at once: 20 Sep → 30 Oct is 40 days.
    paid_off = [(D(2025, 9, 20), 5_000_000), (DUE, 0), (D(2025, 11, 20), 9_000_000)]
    assert oldest_overdue_on(paid_off, on) == D(2025, 9, 20)
    assert case_days_overdue(paid_off, on) == 40


def test_nothing_overdue() -> None:
    on = D(2025, 10, 30)
    assert oldest_overdue_on([], on) is None
    assert case_days_overdue([(D(2025, 10, 30), 1_000)], on) == 0  # due today: not yet overdue
    assert case_days_overdue([(DUE, 0), (DUE, -500)], on) == 0  # settled, and a credit


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 12, 31), 1, D(2026, 1, 31)),
        (D(2026, 1, 15), 12, D(2027, 1, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
    ],
)
def test_add_months(day: datetime.date, months: int, expected: datetime.date) -> None:
    assert add_months(day, months) == expected
