"""What the ladder proposes for one case today, from its recorded actions, its plan and its freezes."""

import datetime
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.statuses import TaxpayerStatus
from taxoffice.accounts.models import Payment
from taxoffice.accounts.vocabulary import PAID_STATUSES
from taxoffice.arrears import ladder
from taxoffice.arrears.categories import Category, category_of, escalates
from taxoffice.arrears.guarantor import GuarantorDemand, demand_of
from taxoffice.arrears.instalments import Instalment, PlanState, PlanStatus, plan_state_on
from taxoffice.arrears.ladder import ActionKind, Proposal, TakenAction
from taxoffice.arrears.models import ArrearsAction, ArrearsCase, InstalmentPlan, ladder_day
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.workdays.services import CalendarService

# Payments in these states are money the taxpayer really paid (a reversal cancels it).


@dataclass(frozen=True)
class CaseOutlook:
    """A case seen today: its days overdue, the ladder's proposals, whether it is stalled, its plan's state."""

    days: int
    proposals: tuple[Proposal, ...]
    is_stalled: bool
    plan: InstalmentPlan | None
    plan_state: PlanState | None
    demand: GuarantorDemand | None = None

    @property
    def next_action(self) -> Proposal | None:
        """The first proposal, if any."""
        return self.proposals[0] if self.proposals else None


def schedule_of(plan: InstalmentPlan) -> tuple[Instalment, ...]:
    """A stored plan's schedule as instalments."""
    return tuple(Instalment(datetime.date.fromisoformat(i["due_on"]), int(i["amount"])) for i in plan.schedule)


async def active_plan(session: AsyncSession, case_id: int) -> InstalmentPlan | None:
    """The case's plan in force, if any."""
    return await session.scalar(
        select(InstalmentPlan)
        .where(InstalmentPlan.case_id == case_id, InstalmentPlan.is_active.is_(True))
        .order_by(InstalmentPlan.id.desc())
        .limit(1)
    )


async def plan_state(
    session: AsyncSession, case: ArrearsCase, plan: InstalmentPlan | None, today: datetime.date
) -> PlanState | None:
    """Whether the plan is kept today: the taxpayer's payments made since the plan was agreed count towards it."""
    if plan is None:
        return None
    rows = await session.execute(
        select(Payment.paid_on, Payment.amount).where(
            Payment.taxpayer_id == case.taxpayer_id,
            Payment.paid_on >= plan.agreed_on,
            Payment.paid_on <= today,
            Payment.status.in_(PAID_STATUSES),
        )
    )
    return plan_state_on(schedule_of(plan), [(paid_on, amount) for paid_on, amount in rows], today)


def category_now(status: str, is_frozen: bool, state: PlanState | None) -> Category:
    """The case's category from the registry status, the freeze and the plan's state."""
    return category_of(TaxpayerStatus(status), is_frozen, state.status if state else None)


def _not_before(actions: list[ArrearsAction], state: PlanState | None) -> datetime.date | None:
    """The day the case last came back to collectible: unfrozen, or an instalment missed."""
    days = [a.taken_on for a in actions if a.kind == ActionKind.FREEZE.value and a.details.get("frozen") is False]
    if state is not None and state.status is PlanStatus.MISSED and state.missed_on is not None:
        days.append(state.missed_on)
    return max(days, default=None)


async def outlook(
    session: AsyncSession, case: ArrearsCase, actions: list[ArrearsAction], today: datetime.date
) -> CaseOutlook:
    """The case today. Only collectible cases get proposals (``categories.escalates``)."""
    days = max((today - case.oldest_due_on).days, 0)
    plan = await active_plan(session, case.id)
    state = await plan_state(session, case, plan, today)
    calendar = await CalendarService(session).calendar()
    # A missed plan calls on its guarantor (Circular 80 Art. 66.4), whatever the case's category now.
    demand = demand_of(state, actions, calendar.is_working_day)
    if case.status != CaseStatus.OPEN or not escalates(Category(case.category)):
        return CaseOutlook(days, (), is_stalled=False, plan=plan, plan_state=state, demand=demand)
    taken = [TakenAction(ActionKind(a.kind), a.taken_on) for a in actions]
    # Debts outside a freeze: the ladder counts from the oldest of them (Decree 126/2020 Art. 23.3).
    pursued = ladder_day(case, today)
    ladder_days = days if pursued is None else max((today - pursued).days, 0)
    proposals = ladder.due_actions(ladder_days, today, taken, not_before=_not_before(actions, state))
    stalled = ladder.is_stalled(proposals[0] if proposals else None, today, calendar.is_working_day)
    return CaseOutlook(days, proposals, is_stalled=stalled, plan=plan, plan_state=state, demand=demand)


async def actions_of(session: AsyncSession, case_id: int) -> list[ArrearsAction]:
    """The actions recorded on a case, in the order taken."""
    return list(
        await session.scalars(
            select(ArrearsAction)
            .where(ArrearsAction.case_id == case_id)
            .order_by(ArrearsAction.taken_on, ArrearsAction.id)
        )
    )


async def refresh(session: AsyncSession, case: ArrearsCase, today: datetime.date) -> CaseOutlook:
    """Store today's next action, its due day and the stalled flag on the case (after an action changed them)."""
    seen = await outlook(session, case, await actions_of(session, case.id), today)
    proposal = seen.next_action
    case.next_action = proposal.kind.value if proposal else None
    case.next_action_due_on = proposal.due_on if proposal else None
    case.is_stalled = seen.is_stalled
    return seen
