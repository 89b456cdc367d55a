"""Allocating a payment, property by property: never more than the payment, never more than a debt, the rest a
credit, and each debt paid in full before a later one in the legal order gets anything."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxoffice.accounts.allocation import Allocation, OpenItem, allocate, rules_on, tier_of
from taxoffice.accounts.vocabulary import ChargeKind

PERIODS = ("2024-12", "2025-01", "2025-Q1", "2025")
SUB_ITEMS = ("1701", "1052", "4931", "4254")
dates = st.dates(datetime.date(2020, 7, 1), datetime.date(2030, 12, 31))


@st.composite
def open_items(draw: st.DrawFn) -> list[OpenItem]:
    count = draw(st.integers(0, 12))
    return [
        OpenItem(
            key=key,
            charge_key=draw(st.integers(1, 5)),
            kind=draw(st.sampled_from(ChargeKind)),
            amount=draw(st.integers(-1_000, 10**10)),
            due_on=draw(dates),
            period=draw(st.sampled_from(PERIODS)),
            sub_item=draw(st.sampled_from(SUB_ITEMS)),
            under_enforcement=draw(st.booleans()),
        )
        for key in draw(st.lists(st.integers(1, 10**6), min_size=count, max_size=count, unique=True))
    ]


payments = st.tuples(
    st.integers(0, 3 * 10**10), dates, st.sampled_from((None, *PERIODS)), st.sampled_from((None, *SUB_ITEMS))
)


def _allocate(items: list[OpenItem], payment: tuple[int, datetime.date, str | None, str | None]) -> Allocation:
    amount, paid_on, period, sub_item = payment
    return allocate(amount, items, paid_on, period=period, sub_item=sub_item)


@given(open_items(), payments)
def test_never_more_than_the_payment_nor_a_debt_and_the_rest_is_credit(
    items: list[OpenItem], payment: tuple[int, datetime.date, str | None, str | None]
) -> None:
    amount = payment[0]
    result = _allocate(items, payment)
    owed = {item.key: item.amount for item in items}
    keys = [key for key, _ in result.parts]
    assert len(keys) == len(set(keys))
    assert all(0 < part <= owed[key] for key, part in result.parts)
    assert sum(part for _, part in result.parts) + result.credit == amount
    assert result.credit == max(0, amount - sum(a for a in owed.values() if a > 0))


@given(open_items(), payments)
def test_every_debt_but_the_last_reached_is_paid_in_full_in_the_legal_order(
    items: list[OpenItem], payment: tuple[int, datetime.date, str | None, str | None]
) -> None:
    _, paid_on, period, sub_item = payment
    result = _allocate(items, payment)
    by_key = {item.key: item for item in items}
    assert all(part == by_key[key].amount for key, part in result.parts[:-1])
    rules = rules_on(paid_on)
    named = period is not None or sub_item is not None

    def order(item: OpenItem) -> tuple[bool, int, datetime.date, int, int]:
        matches = named and period in {None, item.period} and sub_item in {None, item.sub_item}
        tier = rules.tier_ranks[tier_of(item, paid_on)]
        return (not matches, tier, item.due_on, rules.kind_ranks[item.kind], item.key)

    reached = [by_key[key] for key, _ in result.parts]
    assert reached == sorted(reached, key=order)
    if result.parts:
        last = order(reached[-1])
        skipped = [item for item in items if item.amount > 0 and item.key not in {key for key, _ in result.parts}]
        assert all(order(item) > last for item in skipped)


@given(open_items(), dates, st.integers(1, 10**9))
def test_a_negative_payment_is_refused(items: list[OpenItem], paid_on: datetime.date, amount: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate(-amount, items, paid_on)
