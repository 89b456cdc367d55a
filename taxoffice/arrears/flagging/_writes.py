"""Writing what a flag-arrears batch decided: new cases, changed and closed ones, history events, plan states.

One statement per kind of write per batch (executemany, or ``UPDATE … FROM unnest`` on PostgreSQL), never a
statement per case.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.services import AccountService
from taxoffice.arrears.flagging._compute import CaseValues, Move
from taxoffice.arrears.models import ArrearsCase, ArrearsCaseEvent, InstalmentPlan
from taxoffice.arrears.vocabulary import CaseStatus

ACTOR = "system:flag-arrears"
_CASE = cast("Table", ArrearsCase.__table__)
_EVENT = cast("Table", ArrearsCaseEvent.__table__)
_PLAN = cast("Table", InstalmentPlan.__table__)
_VALUE_COLUMNS = tuple(CaseValues.__slots__)

_INSERT_CASES = insert(_CASE).returning(_CASE.c.id, _CASE.c.taxpayer_id)
_INSERT_EVENTS = insert(_EVENT)
_UPDATE_CASES = (
    update(_CASE)
    .where(_CASE.c.id == bindparam("case_id"))
    .values(
        {name: bindparam(f"v_{name}") for name in (*_VALUE_COLUMNS, "as_of", "tax_code", "tax_office")},
    )
)
_CLOSE_CASES = (
    update(_CASE)
    .where(_CASE.c.id == bindparam("case_id"), _CASE.c.status == CaseStatus.OPEN)
    .values(
        status=CaseStatus.CLOSED,
        closed_on=bindparam("v_closed_on"),
        as_of=bindparam("v_closed_on"),
        overdue_tax=0,
        overdue_interest=0,
        overdue_fines=0,
        overdue_total=0,
        overdue_vat=0,
        overdue_cit=0,
        overdue_pit=0,
        overdue_over_year=0,
        next_action=None,
        next_action_due_on=None,
        is_stalled=False,
    )
)
_UPDATE_PLANS = update(_PLAN).where(_PLAN.c.id == bindparam("plan_id")).values(status=bindparam("v_status"))


@dataclass
class NewCase:
    """A case to open."""

    taxpayer_id: int
    tax_code: str
    tax_office: str
    values: CaseValues
    moves: tuple[Move, ...]


@dataclass
class Batch:
    """The writes a batch of taxpayers needs."""

    as_of: datetime.date
    opened: list[NewCase] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    closed_taxpayers: list[int] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)

    def event(self, case_id: int, move: Move, overdue_total: int) -> None:
        """Queue one history event."""
        self.events.append(
            {
                "case_id": case_id,
                "event_on": self.as_of,
                "kind": move.kind,
                "from_value": move.from_value,
                "to_value": move.to_value,
                "overdue_total": overdue_total,
                "actor": ACTOR,
            }
        )

    def update(self, case_id: int, values: CaseValues, tax_code: str, tax_office: str, moves: tuple[Move, ...]) -> None:
        """Queue new values for an open case, with its moves."""
        row = {f"v_{name}": value for name, value in values.columns().items()}
        row.update(case_id=case_id, v_as_of=self.as_of, v_tax_code=tax_code, v_tax_office=tax_office)
        self.updated.append(row)
        for move in moves:
            self.event(case_id, move, values.overdue_total)

    def close(self, case_id: int, taxpayer_id: int, moves: tuple[Move, ...]) -> None:
        """Queue the closing of an open case (and the end of its taxpayer's enforcement)."""
        self.closed.append({"case_id": case_id, "v_closed_on": self.as_of})
        self.closed_taxpayers.append(taxpayer_id)
        for move in moves:
            self.event(case_id, move, 0)

    def plan_status(self, plan_id: int, status: str) -> None:
        """Queue a plan's new status."""
        self.plans.append({"plan_id": plan_id, "v_status": status})

    async def write(self, session: AsyncSession) -> None:
        """Run the queued writes in the session's transaction."""
        if self.closed:
            # Closing first: the partial unique index allows one open case per taxpayer.
            await session.execute(_CLOSE_CASES, self.closed)
            # Settled: what enforcement covered is paid (or written off), so it ends with the case.
            await AccountService(session).end_enforcements(self.closed_taxpayers, self.as_of)
        if self.opened:
            rows = [
                {
                    "taxpayer_id": new.taxpayer_id,
                    "tax_code": new.tax_code,
                    "tax_office": new.tax_office,
                    "officer_id": None,
                    "status": CaseStatus.OPEN,
                    "opened_on": self.as_of,
                    "closed_on": None,
                    "as_of": self.as_of,
                    **new.values.columns(),
                }
                for new in self.opened
            ]
            ids: dict[int, int] = dict((await session.execute(_INSERT_CASES, rows)).all())
            by_taxpayer = {taxpayer_id: case_id for case_id, taxpayer_id in ids.items()}
            for new in self.opened:
                for move in new.moves:
                    self.event(by_taxpayer[new.taxpayer_id], move, new.values.overdue_total)
        if self.updated:
            await session.execute(_UPDATE_CASES, self.updated)
        if self.plans:
            await session.execute(_UPDATE_PLANS, self.plans)
        if self.events:
            await session.execute(_INSERT_EVENTS, self.events)
