"""Late-payment interest (Law 38 Art. 59, DOMAIN.md §5) with the worked numbers, rate changes, declining balances."""

import datetime
import random
from fractions import Fraction

import pytest

from taxoffice.accounts.interest import RATES, RatePeriod, interest, interest_on_balance, late_days, rate_days

D = datetime.date
DAY = datetime.timedelta(days=1)
AUG_20 = D(2024, 8, 20)
# A custom table: 0.03 %/day, then 0.05 %/day from 1 Mar 2024 (2024 is a leap year).
RISING = (RatePeriod(D(2024, 1, 1), 3), RatePeriod(D(2024, 3, 1), 5))


def test_late_days() -> None:
    # Due Tue 20 Aug 2024, paid Mon 26 Aug: 21..25 Aug.
    assert late_days(AUG_20, D(2024, 8, 26)) == 5
    assert late_days(AUG_20, D(2024, 8, 21)) == 0
    assert late_days(AUG_20, AUG_20) == 0
    assert late_days(AUG_20, D(2024, 8, 1)) == 0
    assert late_days(D(2024, 12, 31), D(2025, 1, 2)) == 1
    assert late_days(D(2024, 2, 28), D(2024, 3, 1)) == 1  # 29 Feb


def test_domain_worked_numbers() -> None:
    # 100 000 000 đ for 10 days (21..30 Aug) → 300 000 đ.
    assert interest(100_000_000, AUG_20, D(2024, 8, 31)) == 300_000
    # 50 000 000 đ due 20 Aug 2024, paid 26 Aug 2024 → 5 days → 75 000 đ.
    assert interest(50_000_000, AUG_20, D(2024, 8, 26)) == 75_000
    # 1 234 567 đ for 3 days → 1 111.1103 → 1 111 đ.
    assert interest(1_234_567, AUG_20, D(2024, 8, 24)) == 1_111


def test_paid_on_time_or_the_day_after_costs_nothing() -> None:
    assert interest(50_000_000, AUG_20, D(2024, 8, 21)) == 0
    assert interest(50_000_000, AUG_20, AUG_20) == 0
    assert interest(50_000_000, AUG_20, D(2024, 8, 1)) == 0
    # The first day that costs: paid two days after the deadline.
    assert interest(50_000_000, AUG_20, D(2024, 8, 22)) == 15_000


def test_rounding_half_up_on_the_item() -> None:
    # 5 000 đ * 3 * 1 day / 10 000 = 1.5 → 2; 4 999 đ → 1.4997 → 1.
    assert interest(5_000, AUG_20, D(2024, 8, 22)) == 2
    assert interest(4_999, AUG_20, D(2024, 8, 22)) == 1


def test_statutory_formula_on_random_items() -> None:
    rng = random.Random(38)  # noqa: S311 - seeded test data, not secrets
    for _ in range(2_000):
        principal = rng.randint(0, 10**11)
        due_on = D(2020, 7, 1) + rng.randint(0, 2_500) * DAY
        paid_on = due_on + rng.randint(-5, 800) * DAY
        days = late_days(due_on, paid_on)
        assert interest(principal, due_on, paid_on) == int(Fraction(principal * 3 * days, 10_000) + Fraction(1, 2))


def test_rate_change_inside_the_range() -> None:
    # Due 25 Feb 2024, paid 5 Mar: 26, 27, 28, 29 Feb at 3, then 1..4 Mar at 5.
    # 1 000 000 * (4 * 3 + 4 * 5) / 10 000 = 3 200.
    assert interest(1_000_000, D(2024, 2, 25), D(2024, 3, 5), RISING) == 3_200
    # The change day itself is charged at the new rate: 29 Feb at 3 + 1 Mar at 5.
    assert interest(10_000, D(2024, 2, 28), D(2024, 3, 2), RISING) == 8
    # Entirely on either side.
    assert interest(1_000_000, D(2024, 2, 1), D(2024, 2, 12), RISING) == 3_000
    assert interest(1_000_000, D(2024, 3, 1), D(2024, 3, 12), RISING) == 5_000


def test_rounded_once_not_per_rate_period() -> None:
    rates = (RatePeriod(D(2024, 1, 1), 1), RatePeriod(D(2024, 1, 10), 1))
    # 9 Jan and 10 Jan, each 5 000 * 1 / 10 000 = 0.5: once 1.0 → 1 (rounding each half would give 2).
    assert interest(5_000, D(2024, 1, 8), D(2024, 1, 11), rates) == 1


def test_three_periods_in_one_range() -> None:
    rates = (RatePeriod(D(2024, 1, 1), 2), RatePeriod(D(2024, 1, 5), 7), RatePeriod(D(2024, 1, 7), 1))
    # 2..4 Jan at 2, 5..6 Jan at 7, 7..9 Jan at 1: 6 + 14 + 3 = 23.
    assert rate_days(D(2024, 1, 2), D(2024, 1, 10), rates) == 23
    assert interest(100_000, D(2024, 1, 1), D(2024, 1, 10), rates) == 230


def test_law_38_took_over_at_the_same_rate() -> None:
    # A debt straddling 1 Jul 2020 (Law 106/2016 to Law 38/2019): 0.03 % throughout.
    assert interest(10_000_000, D(2020, 6, 20), D(2020, 7, 11)) == 10_000_000 * 3 * 20 // 10_000


def test_no_rate_before_law_78_2006() -> None:
    assert RATES[0].valid_from == D(2007, 7, 1)
    with pytest.raises(LookupError):
        interest(1_000_000, D(2007, 6, 1), D(2007, 6, 10))
    with pytest.raises(LookupError):
        interest(1_000_000, D(2007, 6, 1), D(2007, 7, 10))
    # Nothing to charge, nothing to look up.
    assert interest(1_000_000, D(2007, 6, 1), D(2007, 6, 2)) == 0
    # The first charged day is 1 Jul 2007, at 0.05 %.
    assert interest(1_000_000, D(2007, 6, 30), D(2007, 7, 2)) == 500


def test_rate_table_is_sorted_and_cited() -> None:
    assert [p.valid_from for p in RATES] == sorted(p.valid_from for p in RATES)
    assert all(p.legal_basis for p in RATES)
    assert all(p.per_10000_per_day == 3 for p in RATES if p.valid_from >= datetime.date(2016, 7, 1))
    assert RATES[-1].valid_from == D(2020, 7, 1)


def test_declining_balance_by_hand() -> None:
    # 12 345 678 đ due 20 Aug 2024; 5 000 000 paid 25 Aug, the remaining 7 345 678 paid 1 Sep; as of 30 Sep.
    # 21..24 Aug: 4 days on 12 345 678 → 148 148 136; 25..31 Aug: 7 days on 7 345 678 → 154 259 238;
    # from 1 Sep: nothing owed. (148 148 136 + 154 259 238) / 10 000 = 30 240.7374 → 30 241.
    payments = [(D(2024, 8, 25), 5_000_000), (D(2024, 9, 1), 7_345_678)]
    assert interest_on_balance(12_345_678, AUG_20, payments, D(2024, 9, 30)) == 30_241
    # Unsorted payments give the same.
    assert interest_on_balance(12_345_678, AUG_20, payments[::-1], D(2024, 9, 30)) == 30_241
    # As of 28 Aug: 21..24 Aug on the full amount, 25..27 Aug on 7 345 678 (3 days → 66 111 102).
    assert interest_on_balance(12_345_678, AUG_20, payments, D(2024, 8, 28)) == 21_426


def test_balance_without_payments_is_the_item_interest() -> None:
    assert interest_on_balance(100_000_000, AUG_20, [], D(2024, 8, 31)) == 300_000
    assert interest_on_balance(50_000_000, AUG_20, (), D(2024, 8, 26)) == 75_000


def test_paid_in_full_stops_interest() -> None:
    # Paying everything on 26 Aug costs what `interest` says, however late as_of is.
    assert interest_on_balance(50_000_000, AUG_20, [(D(2024, 8, 26), 50_000_000)], D(2025, 1, 1)) == 75_000


def test_payments_on_or_before_due_date_reduce_the_principal() -> None:
    payments = [(D(2024, 8, 1), 20_000_000), (AUG_20, 10_000_000)]
    assert interest_on_balance(50_000_000, AUG_20, payments, D(2024, 8, 26)) == interest(
        20_000_000, AUG_20, D(2024, 8, 26)
    )
    # Paid on the day after the deadline: no day bears interest on that money.
    assert interest_on_balance(50_000_000, AUG_20, [(D(2024, 8, 21), 50_000_000)], D(2024, 9, 1)) == 0


def test_payments_after_as_of_are_ignored() -> None:
    later = [(D(2024, 8, 26), 50_000_000), (D(2024, 9, 1), 1)]
    assert interest_on_balance(50_000_000, AUG_20, later, D(2024, 8, 26)) == 75_000
    assert interest_on_balance(50_000_000, AUG_20, later, D(2024, 8, 24)) == 45_000


def test_as_of_before_interest_starts() -> None:
    assert interest_on_balance(50_000_000, AUG_20, [], D(2024, 8, 21)) == 0
    assert interest_on_balance(50_000_000, AUG_20, [], D(2024, 8, 1)) == 0


def test_overpayment_bears_no_negative_interest() -> None:
    payments = [(D(2024, 8, 23), 70_000_000)]
    # 21, 22 Aug on 50 000 000 → 30 000; afterwards the balance is below zero and bears nothing.
    assert interest_on_balance(50_000_000, AUG_20, payments, D(2024, 9, 30)) == 30_000


def test_balance_across_a_rate_change() -> None:
    # 1 000 000 due 25 Feb 2024; 600 000 paid 28 Feb; as of 5 Mar.
    # 26, 27 Feb: 1 000 000 * 3 * 2; 28, 29 Feb: 400 000 * 3 * 2; 1..4 Mar: 400 000 * 5 * 4.
    expected = (6_000_000 + 2_400_000 + 8_000_000) // 10_000
    assert (
        interest_on_balance(1_000_000, D(2024, 2, 25), [(D(2024, 2, 28), 600_000)], D(2024, 3, 5), RISING) == expected
    )


def _day_by_day(
    principal: int, due_on: datetime.date, payments: list[tuple[datetime.date, int]], as_of: datetime.date
) -> int:
    """A slow reference: every day's balance times that day's rate, rounded once."""
    total = 0
    day = due_on + DAY
    while day < as_of:
        balance = principal - sum(amount for paid_on, amount in payments if paid_on <= day)
        rate = next(p.per_10000_per_day for p in reversed(RISING) if p.valid_from <= day)
        total += max(balance, 0) * rate
        day += DAY
    return int(Fraction(total, 10_000) + Fraction(1, 2))


def test_declining_balance_matches_a_day_by_day_reference() -> None:
    rng = random.Random(59)  # noqa: S311 - seeded test data, not secrets
    for _ in range(500):
        principal = rng.randint(1, 10**10)
        due_on = D(2024, 1, 1) + rng.randint(0, 90) * DAY
        payments = [
            (due_on + rng.randint(-10, 80) * DAY, rng.randint(1, principal // 2 + 1)) for _ in range(rng.randint(0, 4))
        ]
        as_of = due_on + rng.randint(-3, 90) * DAY
        assert interest_on_balance(principal, due_on, payments, as_of, RISING) == _day_by_day(
            principal, due_on, payments, as_of
        )
