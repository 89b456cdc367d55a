"""Late-payment interest on old debts (the dated rates since Law 78/2006) and days that bear none (pauses)."""

import datetime

from taxoffice.accounts.interest import RATES, Pause, interest, interest_on_balance, rate_days

D = datetime.date
M100 = 100_000_000


def test_the_rates_by_law() -> None:
    firsts = [(period.valid_from, period.per_10000_per_day, period.later_per_10000_per_day) for period in RATES]
    assert firsts == [
        (D(2007, 7, 1), 5, 0),  # Law 78/2006 Art. 106.1: 0.05 %/day
        (D(2013, 7, 1), 5, 7),  # Law 21/2012: 0.05 % to the 90th day late, 0.07 % from the 91st
        (D(2015, 1, 1), 5, 0),  # Law 71/2014: 0.05 %/day
        (D(2016, 7, 1), 3, 0),  # Law 106/2016: 0.03 %/day
        (D(2020, 7, 1), 3, 0),  # Law 38/2019 Art. 59.2.a: 0.03 %/day
    ]


def test_before_2013_a_flat_five_per_ten_thousand() -> None:
    # 100 000 000 đ due 20 Jan 2010, paid 31 Jan: 21..30 Jan, 10 days x 0.05 % = 500 000 đ.
    assert interest(M100, D(2010, 1, 20), D(2010, 1, 31)) == 500_000


def test_2013_2014_the_ninety_first_day_late_costs_more() -> None:
    # Due 20 Mar 2014, paid 30 Jul 2014: 131 days late (21 Mar .. 29 Jul).
    # Days 1-90 (21 Mar .. 18 Jun) at 0.05 % = 450, days 91-131 (19 Jun .. 29 Jul, 41 days) at 0.07 % = 287.
    assert rate_days(D(2014, 3, 21), D(2014, 7, 30), due_on=D(2014, 3, 20)) == 450 + 287
    assert interest(M100, D(2014, 3, 20), D(2014, 7, 30)) == 7_370_000
    # Exactly 90 days late: all at 0.05 %.
    assert interest(M100, D(2014, 3, 20), D(2014, 6, 19)) == 4_500_000


def test_the_step_ends_with_2014() -> None:
    # Due 20 Sep 2014, paid 1 Feb 2015: 21 Sep .. 31 Dec is 102 days (90 at 0.05 %, 20..31 Dec at 0.07 %),
    # then 1..31 Jan 2015 at Law 71/2014's flat 0.05 %: 450 + 84 + 155 = 689 → 6 890 000 đ.
    assert interest(M100, D(2014, 9, 20), D(2015, 2, 1)) == 6_890_000


def test_a_debt_from_before_2013_counts_its_days_late_from_its_own_deadline() -> None:
    # Due 20 Jun 2013, paid 1 Oct 2013: 21..30 Jun at Law 78's 0.05 % (10 days), 1 Jul .. 18 Sep are days 11-90
    # (80 days at 0.05 %), 19..30 Sep days 91-102 (12 days at 0.07 %): 50 + 400 + 84 = 534.
    assert interest(M100, D(2013, 6, 20), D(2013, 10, 1)) == 5_340_000


def test_old_debts_move_to_the_lower_rate_on_1_july_2016() -> None:
    # Due 20 Jun 2016, paid 11 Jul 2016: 21..30 Jun at 0.05 % (50), 1..10 Jul at 0.03 % (30) → 800 000 đ.
    assert interest(M100, D(2016, 6, 20), D(2016, 7, 11)) == 800_000


def test_a_frozen_month_bears_nothing() -> None:
    # 100 000 000 đ due 20 Aug 2024, frozen 1..30 Sep (unfrozen on 1 Oct), looked at on 11 Oct:
    # 21..31 Aug (11 days) and 1..10 Oct (10 days) at 0.03 % → 630 000 đ instead of 1 530 000 đ (51 days).
    frozen = (Pause(D(2024, 9, 1), D(2024, 10, 1)),)
    assert interest(M100, D(2024, 8, 20), D(2024, 10, 11)) == 1_530_000
    assert interest(M100, D(2024, 8, 20), D(2024, 10, 11), pauses=frozen) == 630_000
    # Still frozen (no end): nothing after 31 Aug.
    assert interest(M100, D(2024, 8, 20), D(2024, 12, 1), pauses=(Pause(D(2024, 9, 1), None),)) == 330_000


def test_pauses_overlap_and_payments_inside_them() -> None:
    # Two overlapping pauses (1..15 Sep and 10..30 Sep) are one: 1..30 Sep.
    pauses = (Pause(D(2024, 9, 10), D(2024, 10, 1)), Pause(D(2024, 9, 1), D(2024, 9, 16)))
    assert interest(M100, D(2024, 8, 20), D(2024, 10, 11), pauses=pauses) == 630_000
    # Half paid on 15 Sep, inside the pause: 11 days on 100 000 000, 10 days on 50 000 000 → 330 000 + 150 000.
    paid = [(D(2024, 9, 15), 50_000_000)]
    assert interest_on_balance(M100, D(2024, 8, 20), paid, D(2024, 10, 11), pauses=pauses) == 480_000


def test_an_extension_to_a_date_is_a_pause_up_to_that_date() -> None:
    # VAT of March 2023 due 20 Apr 2023, extended by Decree 12/2023 to 20 Oct 2023 and paid 31 Oct 2023:
    # no interest 21 Apr .. 20 Oct; 21..30 Oct (10 days) at 0.03 % → 300 000 đ on 100 000 000 đ.
    extension = (Pause(D(2023, 4, 21), D(2023, 10, 21)),)
    assert interest(M100, D(2023, 4, 20), D(2023, 10, 31), pauses=extension) == 300_000
    # Paid on the extended date: nothing.
    assert interest(M100, D(2023, 4, 20), D(2023, 10, 20), pauses=extension) == 0
