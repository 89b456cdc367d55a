"""What a taxpayer's arrears case should say on a day, and the moves from what it says now. Pure.

The flag-arrears job feeds each taxpayer's overdue figures (aggregated in SQL) and the case's context (registry
status, freeze, instalment plan, actions taken) through ``evaluate``; ``moves`` compares the result with the stored
case and names the history events to write. Ladder proposals are memoised per run: most cases with the same
oldest due date and no recorded actions share one proposal.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from registry.statuses import TaxpayerStatus
from taxoffice.arrears.ageing import bucket_of
from taxoffice.arrears.categories import category_of, escalates
from taxoffice.arrears.instalments import Instalment, PlanState, PlanStatus, plan_state_on
from taxoffice.arrears.ladder import TakenAction, is_stalled, next_action, stage_of
from taxoffice.arrears.vocabulary import EventKind


@dataclass(frozen=True, slots=True)
class Figures:
    """A taxpayer's overdue amounts on the day, in đồng, as aggregated from the ledger.

    Attributes:
        overdue_tax: tax due before the day and unpaid (reductions netted, payments up to the day).
        overdue_interest: late-payment interest outstanding on those charges (the accrue-interest snapshot).
        overdue_fines: fines due before the day and unpaid.
        oldest_due_on: the due date of the oldest charge with something owed, None when nothing is owed.
        interest_as_of: the day of the interest snapshot used (None without interest rows).
        overdue_vat: tax, interest and fines overdue on the charges of tax type ``VAT``.
        overdue_cit: the same of tax type ``CIT``.
        overdue_pit: the same of tax type ``PIT`` (other tax types: the total less the three).
        overdue_over_year: tax, interest and fines overdue on the charges more than 365 days overdue.
        frozen_since: the day the taxpayer's debts were frozen, when a freeze runs on the day (the ledger's
            ``interest_pause``); None otherwise.
        ladder_due_on: the due date of the oldest charge with something owed that the running freeze does not
            cover (``oldest_due_on`` when nothing is frozen); None when the freeze covers all of them.
    """

    overdue_tax: int
    overdue_interest: int
    overdue_fines: int
    oldest_due_on: datetime.date | None
    interest_as_of: datetime.date | None
    overdue_vat: int
    overdue_cit: int
    overdue_pit: int
    overdue_over_year: int = 0
    frozen_since: datetime.date | None = None
    ladder_due_on: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """The case's active instalment plan: its schedule and the payments made since it was agreed."""

    schedule: tuple[Instalment, ...]
    payments: tuple[tuple[datetime.date, int], ...]


@dataclass(frozen=True, slots=True)
class CaseValues:
    """The values of an open case that the job keeps; two equal values mean nothing to rewrite.

    The split by tax type (``overdue_vat``, ``overdue_cit``, ``overdue_pit``) and ``overdue_over_year`` are None
    only as read back from a case written before they existed, so such a case always differs from its evaluation and is rewritten.
    """

    category: str
    is_frozen: bool
    overdue_tax: int
    overdue_interest: int
    overdue_fines: int
    overdue_total: int
    oldest_due_on: datetime.date
    ladder_due_on: datetime.date | None
    bucket: str
    stage: str | None
    next_action: str | None
    next_action_due_on: datetime.date | None
    is_stalled: bool
    interest_as_of: datetime.date | None
    overdue_vat: int | None
    overdue_cit: int | None
    overdue_pit: int | None
    overdue_over_year: int | None

    def columns(self) -> dict[str, object]:
        """The values by ``arrears_case`` column name."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Context:
    """What besides the figures decides a case.

    Attributes:
        status: the taxpayer's registry status code.
        is_frozen: whether the open case is marked frozen (False for a new case); the ledger's running freeze
            (``Figures.frozen_since``) freezes it too.
        plan: the active instalment plan, if any.
        taken: the actions recorded on the open case.
        unfrozen_on: the last day the case was unfrozen, if ever (the ladder resumes from it).
    """

    status: str
    is_frozen: bool = False
    plan: Plan | None = None
    taken: tuple[TakenAction, ...] = ()
    unfrozen_on: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class Move:
    """One history event: what moved, from what to what."""

    kind: str
    from_value: str | None
    to_value: str | None


@dataclass
class Evaluator:
    """Evaluates cases on one day, memoising ladder proposals and working days."""

    as_of: datetime.date
    is_working_day: Callable[[datetime.date], bool]
    _days: dict[datetime.date, bool] = field(default_factory=dict)
    _ladder: dict[
        tuple[datetime.date, tuple[TakenAction, ...], datetime.date | None],
        tuple[str | None, datetime.date | None, bool],
    ] = field(default_factory=dict)

    def _working(self, day: datetime.date) -> bool:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self.is_working_day(day)
        return known

    def plan_state(self, plan: Plan) -> PlanState:
        """The plan's state on the day."""
        return plan_state_on(plan.schedule, plan.payments, self.as_of)

    def proposal(
        self, oldest_due_on: datetime.date, taken: tuple[TakenAction, ...], not_before: datetime.date | None
    ) -> tuple[str | None, datetime.date | None, bool]:
        """The next action, its due day and whether the case is stalled, for a collectible case."""
        key = (oldest_due_on, taken, not_before)
        hit = self._ladder.get(key)
        if hit is None:
            days = (self.as_of - oldest_due_on).days
            proposal = next_action(days, self.as_of, taken, not_before=not_before)
            stalled = is_stalled(proposal, self.as_of, self._working)
            hit = (None, None, False) if proposal is None else (proposal.kind.value, proposal.due_on, stalled)
            self._ladder[key] = hit
        return hit

    def evaluate(self, figures: Figures, context: Context) -> tuple[CaseValues | None, PlanState | None]:
        """The case the figures make on the day (None: nothing overdue), and the plan's state when there is one."""
        oldest = figures.oldest_due_on
        plan_state = None if context.plan is None else self.plan_state(context.plan)
        if oldest is None or oldest >= self.as_of:
            return None, plan_state
        days = (self.as_of - oldest).days
        bucket = bucket_of(days)
        if bucket is None:  # pragma: no cover - oldest < as_of means at least one day overdue
            return None, plan_state
        # Frozen (Law 38/2019 Art. 83, 124.5): no enforcement while it runs, so the case is off the ladder (no stage,
        # no proposal) however old its debt, and back on it, from the day the freeze is lifted, once it ends. A
        # freeze covers the debts it names (Decree 126/2020 Art. 23.3): while a debt outside it is overdue, the case
        # is collected as usual, the ladder counting from the oldest such debt.
        frozen = context.is_frozen or figures.frozen_since is not None
        if figures.frozen_since is not None:
            ladder_from = figures.ladder_due_on
        else:  # a case marked frozen with no pause on the ledger: every debt frozen, as before pauses named debts
            ladder_from = None if context.is_frozen else oldest
        pursued = ladder_from if ladder_from is not None and ladder_from < self.as_of else None
        stage = None if pursued is None else stage_of((self.as_of - pursued).days, self.as_of)
        category = category_of(
            TaxpayerStatus(context.status), pursued is None, None if plan_state is None else plan_state.status
        )
        action: str | None = None
        action_due: datetime.date | None = None
        stalled = False
        if pursued is not None and escalates(category):
            resumed = [context.unfrozen_on]
            if plan_state is not None and plan_state.status is PlanStatus.MISSED:
                resumed.append(plan_state.missed_on)
            not_before = max((day for day in resumed if day is not None), default=None)
            taken = tuple(sorted(context.taken, key=lambda a: (a.taken_on, a.kind.value)))
            action, action_due, stalled = self.proposal(pursued, taken, not_before)
        total = figures.overdue_tax + figures.overdue_interest + figures.overdue_fines
        values = CaseValues(
            category=category.value,
            is_frozen=frozen,
            overdue_tax=figures.overdue_tax,
            overdue_interest=figures.overdue_interest,
            overdue_fines=figures.overdue_fines,
            overdue_total=total,
            oldest_due_on=oldest,
            ladder_due_on=pursued,
            bucket=bucket.value,
            stage=None if stage is None else stage.kind.value,
            next_action=action,
            next_action_due_on=action_due,
            is_stalled=stalled,
            interest_as_of=figures.interest_as_of,
            overdue_vat=figures.overdue_vat,
            overdue_cit=figures.overdue_cit,
            overdue_pit=figures.overdue_pit,
            overdue_over_year=figures.overdue_over_year,
        )
        return values, plan_state


def moves(old: CaseValues | None, new: CaseValues | None) -> Sequence[Move]:
    """The history events from ``old`` (None: no open case) to ``new`` (None: nothing overdue any more).

    Opening records the bucket; closing the last total; otherwise one event for each of the amounts, the
    bucket, the stage and the category that changed (the proposal, the stalled mark and the split of the total
    by tax type move without history).
    """
    if old is None:
        return () if new is None else (Move(EventKind.OPENED, None, new.bucket),)
    if new is None:
        return (Move(EventKind.CLOSED, str(old.overdue_total), "0"),)
    found: list[Move] = []
    if (old.overdue_tax, old.overdue_interest, old.overdue_fines) != (
        new.overdue_tax,
        new.overdue_interest,
        new.overdue_fines,
    ):
        found.append(Move(EventKind.AMOUNTS, str(old.overdue_total), str(new.overdue_total)))
    if old.bucket != new.bucket:
        found.append(Move(EventKind.BUCKET, old.bucket, new.bucket))
    if old.stage != new.stage:
        found.append(Move(EventKind.STAGE, old.stage, new.stage))
    if old.category != new.category:
        found.append(Move(EventKind.CATEGORY, old.category, new.category))
    return tuple(found)


def plan_from_json(schedule: Sequence[dict[str, object]]) -> tuple[Instalment, ...]:
    """An ``instalment_plan.schedule`` (``[{"due_on": "2026-01-31", "amount": 5000000}, …]``) as instalments."""
    return tuple(
        Instalment(datetime.date.fromisoformat(str(item["due_on"])), int(str(item["amount"]))) for item in schedule
    )
