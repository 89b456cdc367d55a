"""Instalment plans for a tax debt (Law 38/2019 Art. 124.5, Circular 80/2021 Art. 66: at most 12 months). Pure.

A plan is a schedule of dated amounts. ``validate_plan`` lists what is wrong with one (each problem with a field,
a stable code and a message, ready for the ``errors`` of a problem response); ``plan_state_on`` tells whether
the plan is kept on a day, given the payments made towards it.

Rules of a valid plan: at least one instalment; due days strictly increasing; the last at most 12 calendar
months after the first (first 15 Jan 2026: last 15 Jan 2027 at the latest); every amount a whole number of đồng
above 0; the amounts sum to the debt the plan covers.

An instalment is kept when the payments made on or before its due day cover it and all before it (paying ahead
counts towards later instalments). On a day D, the instalments due before D are checked; one due on D can still
be paid that day. Once an instalment is missed the plan stays missed, even if the money comes later: the case
goes back to collectible and the ladder resumes from the day after the missed due day.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from taxoffice.arrears.ageing import add_months

MAX_PLAN_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Instalment:
    """One dated amount of a plan, in đồng."""

    due_on: datetime.date
    amount: int


@dataclass(frozen=True, slots=True)
class PlanProblem:
    """Why a plan is not valid.

    Attributes:
        field: where, e.g. ``instalments[2].amount`` or ``instalments``.
        code: a stable code: ``empty``, ``amount_not_integer``, ``amount_not_positive``, ``dates_not_increasing``,
            ``longer_than_12_months``, ``total_mismatch``.
        message: what is wrong, with the figures.
    """

    field: str
    code: str
    message: str


class PlanStatus(StrEnum):
    """Where a plan stands on a day."""

    KEPT = "kept"
    MISSED = "missed"
    COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class PlanState:
    """A plan's state on a day.

    Attributes:
        status: kept, missed or completed (everything paid, nothing missed).
        paid: what was paid towards the plan up to and including the day, in đồng.
        missed_index: the position (0-based) of the first instalment missed, when missed.
        missed_on: the first day that instalment counts as missed (the day after its due day), when missed.
        shortfall: what was lacking at that instalment's due day, in đồng (0 unless missed).
        next_due: the next instalment not yet due before the day (None when all are past or the plan is missed).
    """

    status: PlanStatus
    paid: int
    missed_index: int | None = None
    missed_on: datetime.date | None = None
    shortfall: int = 0
    next_due: Instalment | None = None


def _amount_problem(index: int, amount: object) -> PlanProblem | None:
    field = f"instalments[{index}].amount"
    if type(amount) is not int:
        return PlanProblem(field, "amount_not_integer", f"Instalment {index + 1}: {amount!r} is not a whole đồng.")
    if amount <= 0:
        return PlanProblem(field, "amount_not_positive", f"Instalment {index + 1}: the amount must be above 0.")
    return None


def validate_plan(plan: Sequence[Instalment], debt: int) -> tuple[PlanProblem, ...]:
    """Every problem with ``plan`` as the schedule for a debt of ``debt`` đồng; empty when the plan is valid."""
    if not plan:
        return (PlanProblem("instalments", "empty", "A plan needs at least one instalment."),)
    problems: list[PlanProblem] = []
    for index, instalment in enumerate(plan):
        problem = _amount_problem(index, instalment.amount)
        if problem is not None:
            problems.append(problem)
        if index and instalment.due_on <= plan[index - 1].due_on:
            problems.append(
                PlanProblem(
                    f"instalments[{index}].due_on",
                    "dates_not_increasing",
                    f"Instalment {index + 1} is due {instalment.due_on.isoformat()}, not after instalment {index} "
                    f"({plan[index - 1].due_on.isoformat()}).",
                )
            )
    first, last = plan[0].due_on, plan[-1].due_on
    latest = add_months(first, MAX_PLAN_MONTHS)
    if last > latest:
        problems.append(
            PlanProblem(
                f"instalments[{len(plan) - 1}].due_on",
                "longer_than_12_months",
                f"The last instalment ({last.isoformat()}) is more than {MAX_PLAN_MONTHS} months after the first "
                f"({first.isoformat()}); it can be due {latest.isoformat()} at the latest.",
            )
        )
    if all(type(instalment.amount) is int for instalment in plan):
        total = sum(instalment.amount for instalment in plan)
        if total != debt:
            problems.append(
                PlanProblem(
                    "instalments",
                    "total_mismatch",
                    f"The instalments add up to {total} đồng; the debt covered is {debt} đồng.",
                )
            )
    return tuple(problems)


def plan_state_on(
    plan: Sequence[Instalment],
    payments: Iterable[tuple[datetime.date, int]],
    on: datetime.date,
) -> PlanState:
    """Whether ``plan`` is kept on ``on``.

    Args:
        plan: a valid plan (see ``validate_plan``).
        payments: ``(paid_on, amount in đồng)`` paid towards the plan, any order; those after ``on`` are ignored.
        on: the day the plan is looked at.

    Returns:
        The state: missed at the first instalment due before ``on`` that the payments made by its due day do
        not cover (with the cumulative shortfall); otherwise completed when all is paid, else kept.
    """
    counted = sorted((paid_on, amount) for paid_on, amount in payments if paid_on <= on)
    paid = sum(amount for _, amount in counted)
    total = sum(instalment.amount for instalment in plan)
    owed = 0
    paid_by = 0
    position = 0
    for index, instalment in enumerate(plan):
        if instalment.due_on >= on:
            status = PlanStatus.COMPLETED if paid >= total else PlanStatus.KEPT
            return PlanState(status, paid, next_due=instalment)
        owed += instalment.amount
        while position < len(counted) and counted[position][0] <= instalment.due_on:
            paid_by += counted[position][1]
            position += 1
        if paid_by < owed:
            return PlanState(
                PlanStatus.MISSED,
                paid,
                missed_index=index,
                missed_on=instalment.due_on + datetime.timedelta(days=1),
                shortfall=owed - paid_by,
            )
    # Every instalment is past and covered on its due day: all is paid.
    return PlanState(PlanStatus.COMPLETED, paid)


@dataclass(frozen=True, slots=True)
class Guarantee:
    """A credit institution's guarantee of a plan (thư bảo lãnh, Circular 80/2021 Art. 66.2.b).

    Attributes:
        guarantor: the credit institution.
        amount: the tax debt it guarantees, in đồng.
        valid_until: the last day the guarantee is in force.
    """

    guarantor: str
    amount: int
    valid_until: datetime.date


def legal_problems(plan: Sequence[Instalment], debt: int, guarantee: Guarantee | None) -> tuple[PlanProblem, ...]:
    """What Law 38/2019 Art. 124.5 and Circular 80/2021 Art. 66.3-4 add to ``validate_plan``.

    A guarantee by a credit institution covering the whole debt (66.3.a), every instalment within its validity
    (66.3.b); one instalment a month (66.3.c; each is due by its month's last day at the latest, 66.4); none below the
    monthly average, ``debt`` divided by the number of instalments, rounded down to the đồng (66.3.c).
    """
    problems: list[PlanProblem] = []
    if guarantee is None:
        problems.append(
            PlanProblem("guarantee", "guarantee_missing", "Art. 124.5: paying in instalments needs a bank guarantee.")
        )
    elif guarantee.amount < debt:
        problems.append(
            PlanProblem(
                "guarantee.amount",
                "guarantee_too_small",
                f"Circular 80 Art. 66.3.a: the guarantee covers {guarantee.amount} đồng of a {debt} đồng debt.",
            )
        )
    months = [(instalment.due_on.year, instalment.due_on.month) for instalment in plan]
    if len(set(months)) != len(months):
        problems.append(PlanProblem("instalments", "not_monthly", "Circular 80 Art. 66.3.c: one instalment a month."))
    average = debt // len(plan) if plan else 0
    for index, instalment in enumerate(plan):
        if guarantee is not None and instalment.due_on > guarantee.valid_until:
            problems.append(
                PlanProblem(
                    f"instalments[{index}].due_on",
                    "after_guarantee",
                    f"Circular 80 Art. 66.3.b: due {instalment.due_on.isoformat()}, after the guarantee ends "
                    f"({guarantee.valid_until.isoformat()}).",
                )
            )
        if type(instalment.amount) is int and instalment.amount < average:
            problems.append(
                PlanProblem(
                    f"instalments[{index}].amount",
                    "below_monthly_average",
                    f"Circular 80 Art. 66.3.c: {instalment.amount} đồng is below the monthly average of {average}.",
                )
            )
    return tuple(problems)


@dataclass(frozen=True, slots=True)
class Breach:
    """What a missed instalment triggers.

    Attributes:
        demand_by: the day by which the office sends form 02/NDAN to the guarantor (and the taxpayer), asking it to
            pay in the taxpayer's place: within 5 working days after the missed instalment's deadline (Art. 66.4).
        demand_amount: what the guarantor is asked to pay, the shortfall at that deadline, in đồng.
        enforcement_resumes_on: the plan no longer holds enforcement back (Art. 124.5): the ladder resumes.
    Late-payment interest ran all along (Law 38 Art. 59.1.d) and is still owed with each instalment.
    """

    demand_by: datetime.date
    demand_amount: int
    enforcement_resumes_on: datetime.date


def breach_of(state: PlanState, is_working_day: Callable[[datetime.date], bool]) -> Breach | None:
    """The steps a missed plan calls for (None when it is not missed)."""
    if state.status is not PlanStatus.MISSED or state.missed_on is None:
        return None
    day, counted = state.missed_on - datetime.timedelta(days=1), 0
    while counted < 5:  # noqa: PLR2004 - Circular 80 Art. 66.4's five working days
        day += datetime.timedelta(days=1)
        counted += is_working_day(day)
    return Breach(day, state.shortfall, state.missed_on)
