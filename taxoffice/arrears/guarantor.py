"""The demand on a plan's guarantor (form 02/NDAN) when an instalment is missed.

Circular 80/2021 Art. 66.4: when the taxpayer misses an instalment, the tax office sends form 02/NDAN, within five
working days after that instalment's deadline, to the credit institution that guaranteed the plan (and to the
taxpayer), asking it to pay the shortfall in the taxpayer's place. The plan's guarantee is kept with the action that
agreed it (``details.guarantee``); the demand is recorded as an action of its own (``guarantor_demand``), which says
to whom, for how much and on which day it went.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from taxoffice.arrears.instalments import PlanState, breach_of
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.models import ArrearsAction
from taxoffice.errors import ConflictError, FieldError

FORM = "02/NDAN"
LEGAL_BASIS = "Thông tư 80/2021/TT-BTC Điều 66 khoản 4"


@dataclass(frozen=True)
class GuarantorDemand:
    """The demand a missed plan calls for, and whether it went.

    Attributes:
        guarantor: the credit institution that guaranteed the plan (None: a plan agreed without its guarantee kept).
        amount: what it is asked to pay, the shortfall at the missed instalment's deadline, in đồng.
        missed_on: the first day the instalment counts as missed (the day after its deadline).
        due_by: the last day to send the demand: five working days after the deadline (Art. 66.4).
        sent_on: the day the demand was recorded as sent, if it was.
    """

    guarantor: str | None
    amount: int
    missed_on: datetime.date
    due_by: datetime.date
    sent_on: datetime.date | None


def guarantee_of(actions: Sequence[ArrearsAction]) -> dict[str, Any] | None:
    """The guarantee kept with the latest plan agreed on the case (``guarantor``, ``amount``, ``valid_until``)."""
    plans = [a for a in actions if a.kind == ActionKind.INSTALMENT_PLAN.value]
    guarantee: Any = plans[-1].details.get("guarantee") if plans else None
    return guarantee if isinstance(guarantee, dict) and guarantee.get("guarantor") else None


def _guarantor(actions: Sequence[ArrearsAction]) -> str | None:
    """The guarantor named by the latest plan agreed on the case."""
    guarantee = guarantee_of(actions)
    return None if guarantee is None else str(guarantee["guarantor"])


def demand_of(
    state: PlanState | None, actions: Sequence[ArrearsAction], is_working_day: Callable[[datetime.date], bool]
) -> GuarantorDemand | None:
    """The demand on the guarantor of a missed plan (None while the plan is kept, completed or absent)."""
    breach = None if state is None else breach_of(state, is_working_day)
    if breach is None:
        return None
    missed_on = breach.enforcement_resumes_on
    sent = [a.taken_on for a in actions if a.kind == ActionKind.GUARANTOR_DEMAND.value and a.taken_on >= missed_on]
    return GuarantorDemand(
        _guarantor(actions), breach.demand_amount, missed_on, breach.demand_by, min(sent, default=None)
    )


def demand_details(demand: GuarantorDemand) -> dict[str, Any]:
    """What a recorded demand keeps: the form, to whom, for how much, for which missed instalment, and why."""
    return {
        "form": FORM,
        "guarantor": demand.guarantor,
        "amount": demand.amount,
        "missed_on": demand.missed_on.isoformat(),
        "due_by": demand.due_by.isoformat(),
        "legal_basis": LEGAL_BASIS,
    }


def recorded_demand(demand: GuarantorDemand | None) -> tuple[list[FieldError], dict[str, Any]]:
    """The problems with recording the demand today, else what the action keeps (``demand_details``).

    Raises:
        ConflictError: the demand for this missed instalment was recorded already.
    """
    if demand is None:
        msg = (
            f"Form {FORM} goes to the guarantor only when an instalment of the plan in force is missed ({LEGAL_BASIS})."
        )
        return [FieldError("kind", "guarantor_demand.no_missed_instalment", msg)], {}
    if demand.sent_on is not None:
        msg = f"The {FORM} demand for the instalment missed on {demand.missed_on.isoformat()} went on "
        raise ConflictError(msg + f"{demand.sent_on.isoformat()}.")
    return [], demand_details(demand)
