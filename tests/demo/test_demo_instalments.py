"""The demo's instalment plan meets the rules an officer's plan must meet (Circular 80/2021 Art. 66.3)."""

import datetime

import pytest

from taxoffice.arrears.instalments import Guarantee, legal_problems, validate_plan
from taxoffice.demo_instalments import GUARANTEE_MARGIN, GUARANTOR, schedule


@pytest.mark.parametrize(
    ("today", "debt"),
    [
        (datetime.date(2026, 12, 4), 124_678_723),  # the demo of 4 Dec 2026: 20,779,787 five times, then 20,779,788
        (datetime.date(2026, 1, 31), 6),  # the last day of a month; the smallest debt six instalments can carry
        (datetime.date(2026, 7, 26), 1_000_000_005),  # after the 25th: the first instalment is still next month's
    ],
)
def test_the_demo_schedule_is_a_valid_plan(today: datetime.date, debt: int) -> None:
    plan = schedule(debt, today)
    guarantee = Guarantee(GUARANTOR, debt, plan[-1].due_on + GUARANTEE_MARGIN)
    assert validate_plan(plan, debt) == ()
    assert legal_problems(plan, debt, guarantee) == ()
    assert len(plan) == 6
    assert plan[0].due_on.month == today.month % 12 + 1
    assert {i.due_on.day for i in plan} == {25}
    assert sum(i.amount for i in plan) == debt


def test_the_demo_of_4_december_2026() -> None:
    plan = schedule(124_678_723, datetime.date(2026, 12, 4))
    assert [(i.due_on.isoformat(), i.amount) for i in plan] == [
        ("2027-01-25", 20_779_787),
        ("2027-02-25", 20_779_787),
        ("2027-03-25", 20_779_787),
        ("2027-04-25", 20_779_787),
        ("2027-05-25", 20_779_787),
        ("2027-06-25", 20_779_788),
    ]
