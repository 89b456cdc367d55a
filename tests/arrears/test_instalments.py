"""Instalment plans: validation (12 months, whole đồng above 0, the sum) and kept or missed on a date."""

import datetime
from typing import cast

import pytest

from taxoffice.arrears.instalments import (
    Instalment,
    PlanProblem,
    PlanState,
    PlanStatus,
    plan_state_on,
    validate_plan,
)

D = datetime.date
M = 1_000_000
# 12 000 000 đ in three instalments.
PLAN = (Instalment(D(2026, 1, 15), 4 * M), Instalment(D(2026, 2, 15), 4 * M), Instalment(D(2026, 3, 15), 4 * M))


def codes(problems: tuple[PlanProblem, ...]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in problems]


def test_a_valid_plan() -> None:
    assert validate_plan(PLAN, 12 * M) == ()
    assert validate_plan([Instalment(D(2026, 1, 15), 1)], 1) == ()


@pytest.mark.parametrize(
    ("first", "last", "ok"),
    [
        (D(2026, 1, 15), D(2027, 1, 15), True),
        (D(2026, 1, 15), D(2027, 1, 16), False),
        (D(2026, 1, 31), D(2027, 1, 31), True),
        (D(2024, 2, 29), D(2025, 2, 28), True),
        (D(2024, 2, 29), D(2025, 3, 1), False),
    ],
)
def test_at_most_12_months_from_first_to_last(first: datetime.date, last: datetime.date, ok: bool) -> None:
    plan = [Instalment(first, 600_000), Instalment(last, 400_000)]
    assert codes(validate_plan(plan, M)) == ([] if ok else [("instalments[1].due_on", "longer_than_12_months")])


def test_too_long_says_the_latest_day() -> None:
    (problem,) = validate_plan([Instalment(D(2026, 1, 15), 1), Instalment(D(2027, 1, 16), 1)], 2)
    assert problem.message == (
        "The last instalment (2027-01-16) is more than 12 months after the first (2026-01-15); "
        "it can be due 2027-01-15 at the latest."
    )


def test_empty_plan() -> None:
    assert codes(validate_plan([], M)) == [("instalments", "empty")]


def test_amounts_must_be_whole_dong_above_zero() -> None:
    plan = [
        Instalment(D(2026, 1, 15), 0),
        Instalment(D(2026, 2, 15), -5),
        Instalment(D(2026, 3, 15), cast("int", 1.5)),
        Instalment(D(2026, 4, 15), True),  # a bool passes as an int to mypy, not as an amount
        Instalment(D(2026, 5, 15), M),
    ]
    assert codes(validate_plan(plan, M)) == [
        ("instalments[0].amount", "amount_not_positive"),
        ("instalments[1].amount", "amount_not_positive"),
        ("instalments[2].amount", "amount_not_integer"),
        ("instalments[3].amount", "amount_not_integer"),
    ]
    assert validate_plan(plan, M)[2].message == "Instalment 3: 1.5 is not a whole đồng."


def test_dates_strictly_increasing() -> None:
    plan = [Instalment(D(2026, 2, 15), M), Instalment(D(2026, 2, 15), M), Instalment(D(2026, 1, 15), M)]
    problems = validate_plan(plan, 3 * M)
    assert codes(problems) == [
        ("instalments[1].due_on", "dates_not_increasing"),
        ("instalments[2].due_on", "dates_not_increasing"),
    ]
    assert problems[1].message == "Instalment 3 is due 2026-01-15, not after instalment 2 (2026-02-15)."


def test_sum_must_be_the_debt() -> None:
    (problem,) = validate_plan(PLAN, 12 * M + 1)
    assert (problem.code, problem.message) == (
        "total_mismatch",
        "The instalments add up to 12000000 đồng; the debt covered is 12000001 đồng.",
    )


def test_kept_while_paid_on_time() -> None:
    payments = [(D(2026, 1, 10), 4 * M), (D(2026, 2, 15), 4 * M)]
    assert plan_state_on(PLAN, payments, D(2026, 2, 16)) == PlanState(PlanStatus.KEPT, 8 * M, next_due=PLAN[2])
    # 15 Mar: the third instalment can still be paid today.
    assert plan_state_on(PLAN, payments, D(2026, 3, 15)).status is PlanStatus.KEPT
    # 16 Mar without it: missed.
    assert plan_state_on(PLAN, payments, D(2026, 3, 16)) == PlanState(
        PlanStatus.MISSED, 8 * M, missed_index=2, missed_on=D(2026, 3, 16), shortfall=4 * M
    )
    paid_up = [*payments, (D(2026, 3, 15), 4 * M)]
    assert plan_state_on(PLAN, paid_up, D(2026, 3, 16)) == PlanState(PlanStatus.COMPLETED, 12 * M)


def test_before_the_first_instalment() -> None:
    assert plan_state_on(PLAN, [], D(2026, 1, 1)) == PlanState(PlanStatus.KEPT, 0, next_due=PLAN[0])


def test_paying_ahead_covers_later_instalments() -> None:
    payments = [(D(2026, 1, 10), 8 * M)]
    assert plan_state_on(PLAN, payments, D(2026, 2, 20)) == PlanState(PlanStatus.KEPT, 8 * M, next_due=PLAN[2])
    assert plan_state_on(PLAN, [(D(2026, 1, 10), 12 * M)], D(2026, 1, 11)).status is PlanStatus.COMPLETED


def test_a_short_instalment_is_missed_and_stays_missed() -> None:
    payments = [(D(2026, 1, 15), 3_500_000)]
    missed = PlanState(PlanStatus.MISSED, 3_500_000, missed_index=0, missed_on=D(2026, 1, 16), shortfall=500_000)
    assert plan_state_on(PLAN, payments, D(2026, 1, 16)) == missed
    # Catching up the next day does not undo the miss.
    late = [*payments, (D(2026, 1, 16), 500_000)]
    state = plan_state_on(PLAN, late, D(2026, 1, 20))
    assert (state.status, state.missed_index, state.missed_on, state.paid) == (
        PlanStatus.MISSED,
        0,
        D(2026, 1, 16),
        4 * M,
    )


def test_payments_after_the_day_and_order_do_not_matter() -> None:
    payments = [(D(2026, 2, 14), 4 * M), (D(2026, 3, 20), 4 * M), (D(2026, 1, 15), 4 * M)]
    state = plan_state_on(PLAN, payments, D(2026, 3, 1))
    assert state == PlanState(PlanStatus.KEPT, 8 * M, next_due=PLAN[2])
    assert plan_state_on(PLAN, payments, D(2026, 3, 16)).missed_index == 2
