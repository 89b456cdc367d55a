"""The instalment plan as its taxpayer sees it: each instalment paid, next, missed or later, and what a miss brings.

A taxpayer paying its debt in instalments (Law 38/2019 Art. 124.5; Circular 80/2021 Art. 66) needs the schedule it
agreed with the office, what it has paid towards it, the next instalment, and, once one is missed, that the office
calls on the guarantor (form 02/NDAN, Art. 66.4, sent to the taxpayer too) and that enforcement may resume. The
figures are the officer's (``_proposals.outlook``): the same plan state, the same demand.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears._proposals import actions_of, outlook, schedule_of
from taxoffice.arrears.guarantor import GuarantorDemand
from taxoffice.arrears.instalments import Instalment, PlanState, PlanStatus
from taxoffice.arrears.models import ArrearsCase
from taxoffice.arrears.vocabulary import CaseStatus


class InstalmentStatus(StrEnum):
    """Where one instalment stands today."""

    PAID = "paid"  # the payments towards the plan cover it and every one before it
    MISSED = "missed"  # the first one not covered at its deadline
    NEXT = "next"  # the next one to pay
    LATER = "later"  # due after the next one


@dataclass(frozen=True)
class InstalmentRow:
    """One instalment of the schedule, with where it stands."""

    due_on: datetime.date
    amount: int
    status: InstalmentStatus


@dataclass(frozen=True)
class TaxpayerPlan:
    """The plan in force on the taxpayer's open arrears case, today."""

    agreed_on: datetime.date
    debt: int
    status: PlanStatus
    paid: int
    rows: tuple[InstalmentRow, ...]
    missed_on: datetime.date | None
    shortfall: int
    demand: GuarantorDemand | None


def instalment_rows(schedule: tuple[Instalment, ...], state: PlanState) -> tuple[InstalmentRow, ...]:
    """Each instalment: paid when the payments cover it and all before it, else missed, next or later."""
    rows: list[InstalmentRow] = []
    covered = 0
    next_given = False
    for index, instalment in enumerate(schedule):
        covered += instalment.amount
        if state.paid >= covered:
            status = InstalmentStatus.PAID
        elif index == state.missed_index:
            status = InstalmentStatus.MISSED
        elif not next_given and state.status is not PlanStatus.MISSED:
            status, next_given = InstalmentStatus.NEXT, True
        else:
            status = InstalmentStatus.LATER
        rows.append(InstalmentRow(instalment.due_on, instalment.amount, status))
    return tuple(rows)


async def taxpayer_plan(session: AsyncSession, tax_code: str, today: datetime.date) -> TaxpayerPlan | None:
    """The plan in force on ``tax_code``'s open arrears case (None: no open case, or no plan on it)."""
    case = await session.scalar(
        select(ArrearsCase).where(ArrearsCase.tax_code == tax_code, ArrearsCase.status == CaseStatus.OPEN).limit(1)
    )
    if case is None:
        return None
    seen = await outlook(session, case, await actions_of(session, case.id), today)
    plan, state = seen.plan, seen.plan_state
    if plan is None or state is None:
        return None
    return TaxpayerPlan(
        agreed_on=plan.agreed_on,
        debt=plan.debt,
        status=state.status,
        paid=state.paid,
        rows=instalment_rows(schedule_of(plan), state),
        missed_on=state.missed_on,
        shortfall=state.shortfall,
        demand=seen.demand,
    )


class TaxpayerPlans:
    """The taxpayer's own instalment plan (its pages name only its own tax code)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def plan_of(self, tax_code: str, today: datetime.date) -> TaxpayerPlan | None:
        """The plan in force on the taxpayer's open arrears case, today."""
        return await taxpayer_plan(self.session, tax_code, today)
