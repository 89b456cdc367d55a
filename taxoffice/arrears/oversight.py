"""Manager oversight of the worklist: per officer and per tax office.

Today's figures: open cases, the amount they hold, stalled cases. The period's figures (both ends included):
amounts collected from cases (allocations of the case's taxpayer paid in the period while the case was open,
that is from ``opened_on`` up to ``closed_on``), and actions taken on the cases. Figures go to the case's
current officer and tax office.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.models import Allocation
from taxoffice.arrears._search import stall_cutoff, stalled_condition
from taxoffice.arrears.errors import bad_query
from taxoffice.arrears.models import ArrearsAction, ArrearsCase
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.auth.models import User
from taxoffice.auth.roles import Role
from taxoffice.workdays.services import CalendarService

# A longer period is a report (``GET /reports/arrears``), not an oversight screen.
MAX_PERIOD_DAYS = 366


@dataclass
class Figures:
    """One officer's or one office's figures."""

    tax_office: str
    officer_id: int | None = None
    username: str | None = None
    open_cases: int = 0
    amount_held: int = 0
    stalled_cases: int = 0
    collected: int = 0
    actions_taken: int = 0


@dataclass(frozen=True)
class Oversight:
    """Per officer and per office, for ``from_on`` … ``to_on``, today's figures as of ``as_of``."""

    from_on: datetime.date
    to_on: datetime.date
    as_of: datetime.date
    officers: list[Figures]
    offices: list[Figures]


class OversightService:
    """Reads the oversight figures."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def report(
        self, from_on: datetime.date, to_on: datetime.date, tax_office: str | None, today: datetime.date
    ) -> Oversight:
        """The figures for the period, optionally for one tax office.

        Raises:
            ValidationFailedError: the period is reversed or longer than a year.
        """
        if from_on > to_on:
            raise bad_query("from", "range.reversed", "from is after to.")
        if (to_on - from_on).days >= MAX_PERIOD_DAYS:
            raise bad_query("to", "range.too_long", f"The period can be {MAX_PERIOD_DAYS} days at most.")
        calendar = await CalendarService(self.session).calendar()
        cutoff = stall_cutoff(today, calendar.is_working_day)
        office = [] if tax_office is None else [ArrearsCase.tax_office == tax_office]
        people: dict[tuple[str, int | None], Figures] = {}
        users = await self.session.execute(
            select(User.id, User.username, User.tax_office).where(
                User.role == Role.OFFICER.value,
                User.is_active.is_(True),
                *([] if tax_office is None else [User.tax_office == tax_office]),
            )
        )
        for user_id, username, user_office in users:
            people[(user_office or "", user_id)] = Figures(user_office or "", user_id, username)

        def at(key: tuple[str, int | None]) -> Figures:
            return people.setdefault(key, Figures(key[0], key[1]))

        stalled = func.sum(case((stalled_condition(cutoff), 1), else_=0))
        held = select(
            ArrearsCase.tax_office, ArrearsCase.officer_id, func.count(), func.sum(ArrearsCase.overdue_total), stalled
        )
        for office_code, officer_id, count, amount, stuck in await self._rows(
            held.where(ArrearsCase.status == CaseStatus.OPEN, *office)
        ):
            figures = at((office_code, officer_id))
            figures.open_cases, figures.amount_held, figures.stalled_cases = (
                int(count),
                int(amount or 0),
                int(stuck or 0),
            )
        while_open = and_(
            Allocation.taxpayer_id == ArrearsCase.taxpayer_id,
            Allocation.paid_on >= from_on,
            Allocation.paid_on <= to_on,
            Allocation.paid_on >= ArrearsCase.opened_on,
            or_(ArrearsCase.closed_on.is_(None), Allocation.paid_on <= ArrearsCase.closed_on),
        )
        collected = (
            select(ArrearsCase.tax_office, ArrearsCase.officer_id, func.sum(Allocation.amount))
            .join(Allocation, while_open)
            .where(
                ArrearsCase.opened_on <= to_on, or_(ArrearsCase.closed_on.is_(None), ArrearsCase.closed_on >= from_on)
            )
        )
        for office_code, officer_id, amount in await self._rows(collected.where(*office)):
            at((office_code, officer_id)).collected = int(amount or 0)
        actions = (
            select(ArrearsCase.tax_office, ArrearsCase.officer_id, func.count())
            .join(ArrearsAction, ArrearsAction.case_id == ArrearsCase.id)
            .where(ArrearsAction.taken_on >= from_on, ArrearsAction.taken_on <= to_on)
        )
        for office_code, officer_id, count in await self._rows(actions.where(*office)):
            at((office_code, officer_id)).actions_taken = int(count)
        officers = sorted((f for f in people.values() if f.officer_id is not None), key=_officer_order)
        return Oversight(from_on, to_on, today, officers, _offices(people.values()))

    async def _rows(self, query: Any) -> list[Any]:  # noqa: ANN401 - a grouped select of any shape
        grouped = query.group_by(ArrearsCase.tax_office, ArrearsCase.officer_id)
        return list((await self.session.execute(grouped)).all())


def _officer_order(figures: Figures) -> tuple[str, str, int]:
    return figures.tax_office, figures.username or "", figures.officer_id or 0


def _offices(rows: Iterable[Figures]) -> list[Figures]:
    """Each office's figures: the sum over its officers and its unassigned cases."""
    offices: dict[str, Figures] = {}
    for row in rows:
        total = offices.setdefault(row.tax_office, Figures(row.tax_office))
        total.open_cases += row.open_cases
        total.amount_held += row.amount_held
        total.stalled_cases += row.stalled_cases
        total.collected += row.collected
        total.actions_taken += row.actions_taken
    return [offices[code] for code in sorted(offices)]
