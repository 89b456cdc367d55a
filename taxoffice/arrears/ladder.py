"""The action ladder for overdue debts (DOMAIN.md §8): what to do next, by when, and when a case is stalled. Pure.

The ladder is data: ``RULES`` is a table of ``LadderRules`` dated by ``valid_from`` (like the allocation order),
and the rules in force on the day the case is looked at apply. Each ``Stage`` starts on a day overdue:

=====  ===================  =====================================================================
from   action               notes
=====  ===================  =====================================================================
1      reminder             phone, SMS or e-mail; once
31     debt_notice          tax-debt notice (form 01/TTN); again one month after the last one
61     warning_letter       once
91     enforcement          bank deduction and account freezing first; once
121    invoice_invalidation invoices declared invalid; once
=====  ===================  =====================================================================

How a proposal is made (``due_actions``; ``next_action`` is its first):

- Only actions taken in the current overdue spell count: from the case's first overdue day (``on - days + 1``)
  to ``on``. A payment that makes the case younger therefore restarts the ladder at the new age.
- One-off stages: the highest stage reached is due on the day it was reached, unless an action satisfying it or
  a later stage has been taken; lower one-off stages are superseded (at 95 days nobody sends a first reminder).
  The next one-off stage not yet reached (and not taken early) is proposed for the day it will be reached.
- A repeating stage (the monthly notice) is due on the day it is reached, then ``repeat_months`` after the last
  such action.
- ``not_before`` (the day a case came back to collectible, e.g. after a missed instalment) moves every due day
  that falls before it onto it: the ladder resumes where it was, without being late from day one.

A case is **stalled** when its next action is more than ``stall_after_working_days`` (5) working days late.
The caller proposes actions for collectible cases only (``categories.escalates``).
"""

import bisect
import datetime
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from taxoffice.arrears.ageing import add_months


class ActionKind(StrEnum):
    """What an officer can record on an arrears case: the ladder's actions and the other moves."""

    REMINDER = "reminder"
    DEBT_NOTICE = "debt_notice"
    WARNING_LETTER = "warning_letter"
    ENFORCEMENT = "enforcement"
    INVOICE_INVALIDATION = "invoice_invalidation"
    BANK_DEDUCTION = "bank_deduction"
    ACCOUNT_FREEZE = "account_freeze"
    INVOICE_SUSPENSION = "invoice_suspension"
    INSTALMENT_PLAN = "instalment_plan"
    GUARANTOR_DEMAND = "guarantor_demand"
    FREEZE = "freeze"
    WRITE_OFF = "write_off"
    NOTE = "note"


# Recorded measures that put the taxpayer's overdue debts under enforcement (Law 38/2019 Art. 125): payments then
# go to those debts first (DOMAIN.md §7) until the case closes.
ENFORCEMENT_MEASURES = frozenset(
    {
        ActionKind.ENFORCEMENT,
        ActionKind.BANK_DEDUCTION,
        ActionKind.ACCOUNT_FREEZE,
        ActionKind.INVOICE_INVALIDATION,
        ActionKind.INVOICE_SUSPENSION,
    }
)


@dataclass(frozen=True, slots=True)
class Stage:
    """A step of the ladder.

    Attributes:
        kind: the action proposed.
        from_day: the first day overdue the stage applies to (at least 1).
        repeat_months: 0 for a one-off action; n for an action due again n months after the last one.
        satisfied_by: the recorded kinds that count as this action done (``kind`` always counts).
        legal_basis: where the step comes from.
    """

    kind: ActionKind
    from_day: int
    repeat_months: int = 0
    satisfied_by: frozenset[ActionKind] = frozenset()
    legal_basis: str = ""

    def is_satisfied_by(self, kind: ActionKind) -> bool:
        """Whether a recorded action of ``kind`` counts as this stage's action."""
        return kind is self.kind or kind in self.satisfied_by


@dataclass(frozen=True, slots=True)
class LadderRules:
    """The ladder in force from ``valid_from`` until the next rules' ``valid_from``.

    Attributes:
        valid_from: the first day these rules apply to.
        stages: the steps, by strictly increasing ``from_day``.
        stall_after_working_days: a case whose next action is more working days late than this is stalled.
        publish_over_days: debtors more days overdue than this are on the public list.
        legal_basis: where the ladder comes from.

    Raises:
        ValueError: no stages, a ``from_day`` below 1, stages out of order, or a negative parameter.
    """

    valid_from: datetime.date
    stages: tuple[Stage, ...]
    stall_after_working_days: int = 5
    publish_over_days: int = 90
    legal_basis: str = ""

    def __post_init__(self) -> None:
        days = [stage.from_day for stage in self.stages]
        if not days or days[0] < 1 or any(a >= b for a, b in itertools.pairwise(days)):
            raise ValueError(f"ladder rules from {self.valid_from}: stages need from_day ≥ 1, strictly increasing")
        if self.stall_after_working_days < 0 or self.publish_over_days < 0:
            raise ValueError(f"ladder rules from {self.valid_from}: day counts cannot be negative")
        if any(stage.repeat_months < 0 for stage in self.stages):
            raise ValueError(f"ladder rules from {self.valid_from}: repeat_months cannot be negative")


_LAW_38 = "Luật Quản lý thuế 38/2019/QH14"

# Sorted by valid_from; before the first entry no ladder is known and asking raises LookupError.
RULES: tuple[LadderRules, ...] = (
    LadderRules(
        valid_from=datetime.date(2020, 7, 1),
        stages=(
            Stage(ActionKind.REMINDER, 1, legal_basis="DOMAIN.md §8: phone, SMS or e-mail"),
            Stage(ActionKind.DEBT_NOTICE, 31, repeat_months=1, legal_basis="Thông báo tiền thuế nợ, mẫu 01/TTN"),
            Stage(ActionKind.WARNING_LETTER, 61),
            Stage(
                ActionKind.ENFORCEMENT,
                91,
                satisfied_by=frozenset({ActionKind.BANK_DEDUCTION, ActionKind.ACCOUNT_FREEZE}),
                legal_basis=f"{_LAW_38}, Điều 124-125",
            ),
            Stage(
                ActionKind.INVOICE_INVALIDATION,
                121,
                satisfied_by=frozenset({ActionKind.INVOICE_SUSPENSION}),
                legal_basis=f"{_LAW_38}, Điều 125",
            ),
        ),
        legal_basis=_LAW_38,
    ),
)


@dataclass(frozen=True, slots=True)
class TakenAction:
    """An action recorded on a case: its kind and the day it was taken."""

    kind: ActionKind
    taken_on: datetime.date


@dataclass(frozen=True, slots=True)
class Proposal:
    """An action the ladder asks for.

    Attributes:
        kind: the action.
        due_on: the day it is (or becomes) due.
        from_day: the ``from_day`` of the stage it belongs to.
    """

    kind: ActionKind
    due_on: datetime.date
    from_day: int


def _valid_from(rules: LadderRules) -> datetime.date:
    return rules.valid_from


def rules_on(day: datetime.date, rules: Sequence[LadderRules] = RULES) -> LadderRules:
    """The ladder in force on ``day`` (``rules`` sorted by ``valid_from``).

    Raises:
        LookupError: ``day`` is before the first rules.
    """
    index = bisect.bisect_right(rules, day, key=_valid_from) - 1
    if index < 0:
        raise LookupError(f"no arrears action ladder is known for {day.isoformat()}")
    return rules[index]


def stage_of(days: int, on: datetime.date, rules: Sequence[LadderRules] = RULES) -> Stage | None:
    """The highest stage a case ``days`` overdue has reached on ``on`` (None when not overdue)."""
    reached = [stage for stage in rules_on(on, rules).stages if stage.from_day <= days]
    return reached[-1] if reached else None


def on_public_list(days: int, on: datetime.date, rules: Sequence[LadderRules] = RULES) -> bool:
    """Whether a debtor ``days`` overdue on ``on`` is published: more than 90 days (> 90, not ≥ 90)."""
    return days > rules_on(on, rules).publish_over_days


def due_actions(
    days: int,
    on: datetime.date,
    taken: Iterable[TakenAction],
    *,
    not_before: datetime.date | None = None,
    rules: Sequence[LadderRules] = RULES,
) -> tuple[Proposal, ...]:
    """Every action the ladder proposes for a collectible case, earliest due first.

    Args:
        days: days overdue on ``on`` (see ``ageing.case_days_overdue``).
        on: the day the case is looked at; it also picks the rules.
        taken: the actions recorded on the case, any order; those outside the current overdue spell are ignored.
        not_before: nothing is due before this day (the case came back to collectible then).
        rules: the dated rule table.

    Returns:
        The proposals (overdue ones, due today, and the next ones to come), by ``due_on``, the later stage first
        on a tie; empty when the case is not overdue or every stage is done.

    Raises:
        LookupError: no ladder is in force on ``on``.
    """
    if days < 1:
        return ()
    stages = rules_on(on, rules).stages
    first_day = on - datetime.timedelta(days=days - 1)
    spell = [action for action in taken if first_day <= action.taken_on <= on]

    def reached_on(stage: Stage) -> datetime.date:
        return first_day + datetime.timedelta(days=stage.from_day - 1)

    def done(index: int) -> bool:
        # A one-off stage is done by its own action or by any later stage's.
        return any(stage.is_satisfied_by(action.kind) for stage in stages[index:] for action in spell)

    found: list[Proposal] = []
    one_offs = [index for index, stage in enumerate(stages) if not stage.repeat_months]
    reached = [index for index in one_offs if stages[index].from_day <= days]
    if reached and not done(reached[-1]):
        found.append(Proposal(stages[reached[-1]].kind, reached_on(stages[reached[-1]]), stages[reached[-1]].from_day))
    upcoming = next((index for index in one_offs if stages[index].from_day > days and not done(index)), None)
    if upcoming is not None:
        found.append(Proposal(stages[upcoming].kind, reached_on(stages[upcoming]), stages[upcoming].from_day))
    for stage in stages:
        if stage.repeat_months:
            last = max((a.taken_on for a in spell if stage.is_satisfied_by(a.kind)), default=None)
            due_on = reached_on(stage) if last is None else add_months(last, stage.repeat_months)
            found.append(Proposal(stage.kind, due_on, stage.from_day))
    if not_before is not None:
        found = [Proposal(p.kind, max(p.due_on, not_before), p.from_day) for p in found]
    return tuple(sorted(found, key=lambda p: (p.due_on, -p.from_day)))


def next_action(
    days: int,
    on: datetime.date,
    taken: Iterable[TakenAction],
    *,
    not_before: datetime.date | None = None,
    rules: Sequence[LadderRules] = RULES,
) -> Proposal | None:
    """The action a collectible case needs first (the earliest due of ``due_actions``), or None.

    Raises:
        LookupError: no ladder is in force on ``on``.
    """
    proposals = due_actions(days, on, taken, not_before=not_before, rules=rules)
    return proposals[0] if proposals else None


def working_days_late(
    due_on: datetime.date,
    on: datetime.date,
    is_working_day: Callable[[datetime.date], bool],
    *,
    limit: int | None = None,
) -> int:
    """Working days after ``due_on`` up to and including ``on`` (0 when ``on`` ≤ ``due_on``).

    Counting stops once it passes ``limit`` (so checking a long-stalled case costs a few days, not hundreds).
    """
    count = 0
    day = due_on
    while day < on and (limit is None or count <= limit):
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def is_stalled(
    proposal: Proposal | None,
    on: datetime.date,
    is_working_day: Callable[[datetime.date], bool],
    rules: Sequence[LadderRules] = RULES,
) -> bool:
    """Whether the proposed action is more than 5 working days late on ``on``.

    Args:
        proposal: the case's next action (None: nothing is due, so not stalled).
        on: the day the case is looked at; it also picks the rules.
        is_working_day: e.g. ``WorkingCalendar().is_working_day``.
        rules: the dated rule table.
    """
    if proposal is None:
        return False
    grace = rules_on(on, rules).stall_after_working_days
    return working_days_late(proposal.due_on, on, is_working_day, limit=grace) > grace
