"""Giving cases to officers of the taxpayer's tax office: by hand, and automatically to balance amounts held.

Auto-assignment is greedy: the office's unassigned open cases, largest first, each go to the officer holding
the least amount at that moment (ties: the lower user id). Each case is written as an ``assigned`` event.
A frozen case (khoanh nợ, Law 38/2019 Art. 83) is not worked until the freeze is lifted (no reminder, no
enforcement: Art. 124.5), so auto-assignment neither gives it out nor counts it in what an officer holds; an
officer may still be given one by hand, and a lifted case is given out at the next run.
"""

import datetime
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears._cases import event_row, load_case
from taxoffice.arrears._search import may_see_office
from taxoffice.arrears.categories import Category
from taxoffice.arrears.errors import CaseClosedError, NoOfficersError, OfficerNotInOfficeError
from taxoffice.arrears.models import ArrearsCase, ArrearsCaseEvent
from taxoffice.arrears.vocabulary import CaseStatus, EventKind
from taxoffice.auth import audit
from taxoffice.auth.models import AuditEvent, User
from taxoffice.auth.roles import Principal, Role
from taxoffice.errors import ForbiddenError


def balance(cases: Iterable[tuple[int, int]], held: Mapping[int, int]) -> dict[int, int]:
    """Which officer gets each case: largest case first, to whoever holds the least amount then.

    Args:
        cases: ``(case id, amount in đồng)`` to give out.
        held: ``officer id → amount already held`` (every officer who may receive cases).

    Returns:
        ``case id → officer id`` (empty when there are no officers).
    """
    heap = [(amount, officer) for officer, amount in held.items()]
    heapq.heapify(heap)
    given: dict[int, int] = {}
    if not heap:
        return given
    for case_id, amount in sorted(cases, key=lambda c: (-c[1], c[0])):
        load, officer = heapq.heappop(heap)
        given[case_id] = officer
        heapq.heappush(heap, (load + amount, officer))
    return given


@dataclass(frozen=True)
class OfficerTotals:
    """An officer's open cases and amount held, and how many cases an auto-assignment gave them."""

    officer_id: int
    username: str
    cases: int
    amount: int
    assigned: int


class AssignmentService:
    """Who works which case."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def officers(self, tax_office: str) -> dict[int, str]:
        """The active officers of ``tax_office``, by id: who a case of that office can be given to."""
        rows = await self.session.execute(
            select(User.id, User.username)
            .where(User.role == Role.OFFICER.value, User.is_active.is_(True), User.tax_office == tax_office)
            .order_by(User.id)
        )
        return dict(rows.all())

    async def assign(self, actor: Principal, case_id: int, officer_id: int, today: datetime.date) -> ArrearsCase:
        """Give a case to an active officer of its tax office (an ``assigned`` event when it changes hands).

        Raises:
            CaseNotFoundError: no such case, or another office's.
            CaseClosedError: the case is closed.
            OfficerNotInOfficeError: the user is not an active officer of the case's tax office.
        """
        case, _ = await load_case(self.session, actor, case_id, for_update=True)
        if case.status != CaseStatus.OPEN:
            raise CaseClosedError(case_id)
        if officer_id not in await self.officers(case.tax_office):
            raise OfficerNotInOfficeError(officer_id, case.tax_office)
        if case.officer_id == officer_id:
            return case
        old = None if case.officer_id is None else str(case.officer_id)
        self.session.add(
            ArrearsCaseEvent(**event_row(case, today, EventKind.ASSIGNED, old, str(officer_id), actor.username))
        )
        case.officer_id = officer_id
        await audit.record(
            self.session, actor, "arrears.assign", "arrears_case", case.id, {"from": old, "to": officer_id}
        )
        await self.session.flush()
        return case

    async def auto_assign(self, actor: Principal, tax_office: str, today: datetime.date) -> list[OfficerTotals]:
        """Spread the office's unassigned open cases over its active officers, balancing the amounts held.

        Frozen cases are left out: not given out, and not counted in the cases and amount an officer holds.

        Cases being changed by someone else right now are skipped (``FOR UPDATE SKIP LOCKED``); a second run
        picks them up.

        Raises:
            ForbiddenError: an officer asking for another tax office.
            NoOfficersError: the office has no active officer.
        """
        if not may_see_office(actor, tax_office):
            raise ForbiddenError(f"Officers assign the cases of their own tax office, not {tax_office}.")
        officers = await self.officers(tax_office)
        if not officers:
            raise NoOfficersError(tax_office)
        held = dict.fromkeys(officers, 0)
        counts = dict.fromkeys(officers, 0)
        rows = await self.session.execute(
            select(ArrearsCase.officer_id, func.count(), func.coalesce(func.sum(ArrearsCase.overdue_total), 0))
            .where(
                ArrearsCase.status == CaseStatus.OPEN,
                ArrearsCase.category != Category.FROZEN.value,
                ArrearsCase.officer_id.in_(officers),
            )
            .group_by(ArrearsCase.officer_id)
        )
        for officer_id, count, amount in rows:
            if officer_id is not None:
                held[officer_id], counts[officer_id] = int(amount), int(count)
        open_cases = (
            await self.session.execute(
                select(ArrearsCase.id, ArrearsCase.overdue_total)
                .where(
                    ArrearsCase.status == CaseStatus.OPEN,
                    ArrearsCase.tax_office == tax_office,
                    ArrearsCase.officer_id.is_(None),
                    ArrearsCase.category != Category.FROZEN.value,
                )
                .with_for_update(skip_locked=True)
            )
        ).all()
        amounts = dict(open_cases)
        given = balance(amounts.items(), held)
        if given:
            await self.session.execute(
                update(ArrearsCase), [{"id": case_id, "officer_id": officer} for case_id, officer in given.items()]
            )
            events = [
                {
                    "case_id": case_id,
                    "event_on": today,
                    "kind": EventKind.ASSIGNED,
                    "from_value": None,
                    "to_value": str(officer),
                    "overdue_total": amounts[case_id],
                    "actor": actor.username,
                }
                for case_id, officer in given.items()
            ]
            await self.session.execute(insert(ArrearsCaseEvent), events)
            audits = [
                audit.audit_row(
                    actor, "arrears.assign", "arrears_case", case_id, {"from": None, "to": officer, "auto": True}
                )
                for case_id, officer in given.items()
            ]
            await self.session.execute(insert(AuditEvent), audits)
        assigned = dict.fromkeys(officers, 0)
        for case_id, officer in given.items():
            assigned[officer] += 1
            counts[officer] += 1
            held[officer] += amounts[case_id]
        return [
            OfficerTotals(officer_id, username, counts[officer_id], held[officer_id], assigned[officer_id])
            for officer_id, username in officers.items()
        ]
