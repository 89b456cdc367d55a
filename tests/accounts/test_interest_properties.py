"""Late-payment interest, property by property: nothing until the day after the day after the deadline, then
more for more days and more principal, 0.03 % a day as DOMAIN.md §5 writes it, less when part is paid."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxoffice.accounts.interest import RATES, interest, interest_on_balance, late_days
from taxoffice.money import round_half_up

ONE_DAY = datetime.timedelta(days=1)
FIRST_RATE = RATES[0].valid_from
principals = st.integers(0, 10**13)  # up to ten thousand billion đồng
due_dates = st.dates(FIRST_RATE, datetime.date(2090, 12, 31))
# 0.03 %/day from 1 Jul 2016 on (Law 106/2016, then Law 38/2019 Art. 59); older days cost 0.05-0.07 %.
law_106_due_dates = st.dates(datetime.date(2016, 6, 30), datetime.date(2090, 12, 31))
spans = st.integers(-30, 4000)  # days from the deadline to the payment


@given(principals, due_dates, st.integers(-30, 1))
def test_nothing_is_owed_up_to_the_day_after_the_deadline(principal: int, due: datetime.date, days: int) -> None:
    paid = due + days * ONE_DAY
    assert late_days(due, paid) == 0
    assert interest(principal, due, paid) == 0
    assert interest_on_balance(principal, due, [], paid) == 0


@given(principals, due_dates, spans, spans)
def test_more_days_never_cost_less(principal: int, due: datetime.date, a: int, b: int) -> None:
    early, late = sorted((a, b))
    assert interest(principal, due, due + early * ONE_DAY) <= interest(principal, due, due + late * ONE_DAY)


@given(principals, principals, due_dates, spans)
def test_more_principal_never_costs_less(a: int, b: int, due: datetime.date, days: int) -> None:
    small, large = sorted((a, b))
    paid = due + days * ONE_DAY
    assert 0 <= interest(small, due, paid) <= interest(large, due, paid)


@given(principals, law_106_due_dates, spans)
def test_it_is_three_ten_thousandths_a_day_rounded_once(principal: int, due: datetime.date, days: int) -> None:
    paid = due + days * ONE_DAY
    assert late_days(due, paid) == max(0, days - 1)
    assert interest(principal, due, paid) == round_half_up(principal * 3 * late_days(due, paid), 10_000)


@given(
    principals,
    due_dates,
    spans,
    st.lists(st.tuples(st.integers(-30, 4000), st.integers(0, 10**13)), max_size=6),
)
def test_paying_part_never_raises_the_interest(
    principal: int, due: datetime.date, days: int, payments: list[tuple[int, int]]
) -> None:
    as_of = due + days * ONE_DAY
    dated = [(due + offset * ONE_DAY, amount) for offset, amount in payments]
    owed = interest_on_balance(principal, due, dated, as_of)
    assert interest_on_balance(principal, due, [], as_of) == interest(principal, due, as_of)
    assert 0 <= owed <= interest(principal, due, as_of)
    assert interest_on_balance(principal, due, [*dated, (as_of, principal)], as_of) == owed  # paid on as_of: no change


@given(principals.filter(bool), st.dates(datetime.date(2000, 1, 1), FIRST_RATE - 2 * ONE_DAY))
def test_a_day_before_any_known_rate_is_refused(principal: int, due: datetime.date) -> None:
    with pytest.raises(LookupError):
        interest(principal, due, FIRST_RATE + 10 * ONE_DAY)
