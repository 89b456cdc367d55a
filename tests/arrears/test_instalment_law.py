"""Instalment plans as Law 38/2019 Art. 124.5 and Circular 80/2021 Art. 66 set them, and what a missed one triggers."""

import datetime

from taxoffice.arrears.instalments import (
    Guarantee,
    Instalment,
    PlanStatus,
    breach_of,
    legal_problems,
    plan_state_on,
    validate_plan,
)

D = datetime.date
M = 1_000_000
BANK = Guarantee("Vietcombank", 12 * M, D(2026, 6, 30))
# 12,000,000 over three months, each on the month's last day: 4,000,000 a month (the average).
PLAN = (Instalment(D(2026, 1, 31), 4 * M), Instalment(D(2026, 2, 28), 4 * M), Instalment(D(2026, 3, 31), 4 * M))


def _codes(plan: tuple[Instalment, ...], guarantee: Guarantee | None, debt: int = 12 * M) -> list[str]:
    return [problem.code for problem in (*validate_plan(plan, debt), *legal_problems(plan, debt, guarantee))]


def test_a_guaranteed_monthly_plan_is_lawful() -> None:
    assert _codes(PLAN, BANK) == []


def test_the_guarantee() -> None:
    # Art. 124.5: a credit institution's guarantee; Art. 66.3.a: covering the debt; 66.3.b: valid to the end.
    assert _codes(PLAN, None) == ["guarantee_missing"]
    assert _codes(PLAN, Guarantee("Vietcombank", 10 * M, D(2026, 6, 30))) == ["guarantee_too_small"]
    assert _codes(PLAN, Guarantee("Vietcombank", 12 * M, D(2026, 2, 28))) == ["after_guarantee"]


def test_monthly_and_not_below_the_average() -> None:
    # Two instalments in January: not monthly. 5 + 5 + 2 million: 2,000,000 is below the 4,000,000 average.
    twice = (Instalment(D(2026, 1, 10), 4 * M), Instalment(D(2026, 1, 31), 4 * M), Instalment(D(2026, 3, 31), 4 * M))
    assert _codes(twice, BANK) == ["not_monthly"]
    uneven = (Instalment(D(2026, 1, 31), 5 * M), Instalment(D(2026, 2, 28), 5 * M), Instalment(D(2026, 3, 31), 2 * M))
    assert _codes(uneven, BANK) == ["below_monthly_average"]
    # 13,000,000 in three: the average rounds down to 4,333,333, so 4,333,333 + 4,333,333 + 4,333,334 is lawful.
    odd = (
        Instalment(D(2026, 1, 31), 4_333_333),
        Instalment(D(2026, 2, 28), 4_333_333),
        Instalment(D(2026, 3, 31), 4_333_334),
    )
    assert _codes(odd, Guarantee("Vietcombank", 13 * M, D(2026, 6, 30)), 13 * M) == []


def test_at_most_twelve_months() -> None:
    long = tuple(Instalment(D(2026 + (m // 12), m % 12 + 1, 28), M) for m in range(14))
    assert "longer_than_12_months" in _codes(long, Guarantee("Vietcombank", 13 * M, D(2027, 12, 31)), 14 * M)


def test_a_missed_instalment_calls_on_the_guarantor_within_five_working_days() -> None:
    # 4,000,000 paid for January, nothing for February (due Sat 28 Feb 2026): missed from 1 Mar. Circular 80
    # Art. 66.4: form 02/NDAN to the guarantor within 5 working days after the deadline: Mon 2 .. Fri 6 Mar.
    state = plan_state_on(PLAN, [(D(2026, 1, 30), 4 * M)], D(2026, 3, 2))
    assert (state.status, state.missed_on, state.shortfall) == (PlanStatus.MISSED, D(2026, 3, 1), 4 * M)
    breach = breach_of(state, lambda day: day.weekday() < 5)
    assert breach is not None
    assert (breach.demand_by, breach.demand_amount, breach.enforcement_resumes_on) == (
        D(2026, 3, 6),
        4 * M,
        D(2026, 3, 1),
    )
    kept = plan_state_on(PLAN, [(D(2026, 1, 30), 4 * M)], D(2026, 2, 15))
    assert breach_of(kept, lambda _day: True) is None
