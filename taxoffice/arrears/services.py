"""The arrears worklist: search, one case with what the ladder proposes, and the actions officers record.

Each public method is one unit of work in the caller's transaction. Assignment lives in ``_assignment.py``;
proposals for one case in ``_proposals.py``; the search's filters and cursors in ``_search.py``.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts import reliefs
from taxoffice.accounts.reliefs import PAUSE_RELIEFS, Relief
from taxoffice.accounts.services import AccountService
from taxoffice.arrears import _search, writeoff
from taxoffice.arrears._assignment import AssignmentService, OfficerTotals, balance
from taxoffice.arrears._cases import event_row, load_case
from taxoffice.arrears._proposals import (
    CaseOutlook,
    actions_of,
    active_plan,
    category_now,
    outlook,
    plan_state,
    refresh,
)
from taxoffice.arrears._search import WorklistQuery
from taxoffice.arrears.errors import ActionInvalidError, CaseClosedError
from taxoffice.arrears.flagging import ladder_due_on
from taxoffice.arrears.guarantor import recorded_demand
from taxoffice.arrears.instalments import Guarantee, Instalment, PlanStatus, legal_problems, validate_plan
from taxoffice.arrears.ladder import ENFORCEMENT_MEASURES, ActionKind
from taxoffice.arrears.models import (
    ArrearsAction,
    ArrearsCase,
    ArrearsCaseEvent,
    DebtNotice,
    InstalmentPlan,
    wholly_frozen,
)
from taxoffice.arrears.notices import NoticeSummary, notice_summaries
from taxoffice.arrears.relief import FreezeGround
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.auth import audit
from taxoffice.auth.roles import Principal
from taxoffice.errors import ConflictError, FieldError
from taxoffice.workdays.services import CalendarService

__all__ = [
    "AssignmentService",
    "CaseStatus",
    "CaseView",
    "NewAction",
    "OfficerTotals",
    "WorklistQuery",
    "WorklistService",
    "balance",
    "load_case",
]


@dataclass(frozen=True)
class NewAction:
    """An action to record (validated against its kind by ``WorklistService.record_action``)."""

    kind: ActionKind
    note: str = ""
    channel: str | None = None
    follow_up_on: datetime.date | None = None
    details: dict[str, Any] | None = None
    instalments: tuple[Instalment, ...] | None = None
    guarantee: Guarantee | None = None
    frozen: bool | None = None


@dataclass(frozen=True)
class CaseView:
    """One case as an officer opens it."""

    case: ArrearsCase
    taxpayer_name: str
    outlook: CaseOutlook
    events: list[ArrearsCaseEvent]
    actions: list[ArrearsAction]
    notices: list[NoticeSummary]


# Kinds recorded elsewhere: a debt notice is issued with its document (POST /arrears/cases/{id}/notices).
_NOT_HERE = {
    ActionKind.DEBT_NOTICE: "Issue a debt notice with POST /arrears/cases/{id}/notices: it makes the document."
}


def _problems(action: NewAction, today: datetime.date, debt: int) -> list[FieldError]:
    """What is wrong with ``action`` for a case owing ``debt``."""
    found: list[FieldError] = []
    if action.kind in _NOT_HERE:
        found.append(FieldError("kind", "kind.not_recordable", _NOT_HERE[action.kind]))
    if action.kind is ActionKind.REMINDER and action.channel is None:
        found.append(FieldError("channel", "required", "A reminder needs its channel: phone, sms or email."))
    if action.follow_up_on is not None and action.follow_up_on < today:
        found.append(FieldError("follow_up_on", "date.past", "A follow-up date cannot be in the past."))
    if action.kind is ActionKind.WRITE_OFF and not str((action.details or {}).get("decision", "")).strip():
        found.append(
            FieldError("details.decision", "required", "A write-off needs the number of the decision that orders it.")
        )
    if action.kind is not ActionKind.FREEZE and action.frozen is not None:
        found.append(FieldError("frozen", "not_applicable", "Only a freeze action freezes or unfreezes."))
    if action.kind is not ActionKind.INSTALMENT_PLAN:
        if action.instalments is not None or action.guarantee is not None:
            field = "instalments" if action.instalments is not None else "guarantee"
            found.append(FieldError(field, "not_applicable", f"Only an instalment plan has {field}."))
        return found
    if action.instalments is None:
        found.append(FieldError("instalments", "required", "An instalment plan needs its schedule."))
        return found
    found.extend(FieldError(p.field, p.code, p.message) for p in validate_plan(action.instalments, debt))
    # Law 38/2019 Art. 124.5 and Circular 80/2021 Art. 66.3: a bank's guarantee, monthly, none below the average.
    legal = legal_problems(action.instalments, debt, action.guarantee)
    found.extend(FieldError(p.field, p.code, p.message) for p in legal)
    if action.instalments and action.instalments[0].due_on < today:
        found.append(FieldError("instalments[0].due_on", "date.past", "The first instalment cannot be in the past."))
    return found


# A complaint or lawsuit pending is no relief: Law 38/2019 Art. 61 (docs/arrears.md, "Disputed debts").
DISPUTES = frozenset({"complaint", "lawsuit", "dispute", "disputed"})
_DISPUTED = (
    "A pending complaint or lawsuit stops neither payment nor late-payment interest nor collection (Law 38/2019 "
    "Art. 61): the taxpayer still pays the tax, interest and fines unless a competent authority suspends the "
    "decision in dispute, and what proves overpaid is refunded afterwards with interest. Record the decision that "
    "settles the dispute (a reduction of the charge) instead."
)


def freeze_problems(details: dict[str, object], today: datetime.date, overdue_tax: int) -> list[FieldError]:
    """A freeze may name its relief, its Art. 83 ground and the day it counts from.

    ``details.relief``: ``freeze`` (default; khoanh nợ, Art. 83) or ``no_interest`` (Art. 59.5.a: the State budget
    has not paid the taxpayer), which needs ``details.budget_unpaid`` covering ``overdue_tax``, the tax it relieves:
    of the debts it names, else all the overdue tax (``taxoffice.accounts.reliefs``). ``details.ground`` is not
    required, but when given it must be Art. 83's. ``details.frozen_from``: a date, not after today.
    """
    found: list[FieldError] = []
    relief = details.get("relief", Relief.FREEZE.value)
    if relief in DISPUTES:
        found.append(FieldError("details.relief", "relief.disputed", _DISPUTED))
    elif relief not in set(PAUSE_RELIEFS):
        names = ", ".join(PAUSE_RELIEFS)
        found.append(FieldError("details.relief", "relief.unknown", f"A freeze is one of the reliefs {names}."))
    if relief == Relief.NO_INTEREST:
        unpaid = details.get("budget_unpaid")
        if type(unpaid) is not int or not reliefs.covers(unpaid, overdue_tax):
            msg = (
                f"Art. 59.5.a: no interest on tax up to what the State budget has not paid; details.budget_unpaid "
                f"(đồng) must cover the tax relieved, {overdue_tax:,} (name fewer debts in details.charge_ids)."
            )
            found.append(FieldError("details.budget_unpaid", "relief.budget_unpaid", msg))
    ground = details.get("ground")
    if ground is not None and ground not in set(FreezeGround):
        grounds = ", ".join(FreezeGround)
        found.append(FieldError("details.ground", "freeze.ground", f"A freeze names its Art. 83 ground: {grounds}."))
    since = details.get("frozen_from")
    if since is not None:
        try:
            day = datetime.date.fromisoformat(str(since))
        except ValueError:
            day = None
        if day is None or day > today:
            msg = "details.frozen_from is the day Art. 83 dates the freeze from: a date, not after today."
            found.append(FieldError("details.frozen_from", "freeze.frozen_from", msg))
    return found


class WorklistService:
    """Officers' worklist of arrears cases."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _cutoff(self, today: datetime.date) -> datetime.date:
        calendar = await CalendarService(self.session).calendar()
        return _search.stall_cutoff(today, calendar.is_working_day)

    async def search(
        self, actor: Principal, query: WorklistQuery, today: datetime.date
    ) -> tuple[list[Row[ArrearsCase, str]], str | None, datetime.date]:
        """One keyset page of cases, the next page's cursor (None on the last), and the stall cutoff used.

        Raises:
            ValidationFailedError: a reversed amount range, a bad cursor, a stage that is not a ladder step.
        """
        cutoff = await self._cutoff(today)
        limit = max(1, min(query.limit, _search.MAX_LIMIT))
        statement = (
            select(ArrearsCase, Taxpayer.name)
            .join(Taxpayer, Taxpayer.id == ArrearsCase.taxpayer_id)
            .where(*_search.conditions(actor, query, today, cutoff))
            .order_by(*_search.order_by(query.sort))
            .limit(limit + 1)
        )
        rows = list((await self.session.execute(statement)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = _search.encode_cursor(query.sort, rows[-1][0]) if more else None
        return rows, cursor, cutoff

    async def get(self, actor: Principal, case_id: int, today: datetime.date) -> CaseView:
        """A case with its history, actions, plan, notices and today's proposals.

        Raises:
            CaseNotFoundError: no such case, or another office's (for an officer).
        """
        case, taxpayer = await load_case(self.session, actor, case_id)
        actions = await actions_of(self.session, case.id)
        seen = await outlook(self.session, case, actions, today)
        events = await self.session.scalars(
            select(ArrearsCaseEvent)
            .where(ArrearsCaseEvent.case_id == case.id)
            .order_by(ArrearsCaseEvent.event_on, ArrearsCaseEvent.id)
        )
        notices = await notice_summaries(self.session, DebtNotice.case_id == case.id, case.tax_code)
        return CaseView(case, taxpayer.name, seen, list(events), actions, notices)

    async def record_action(
        self, actor: Principal, case_id: int, action: NewAction, today: datetime.date
    ) -> tuple[ArrearsAction, CaseView]:
        """Record an action taken today on an open case; a freeze or a plan moves its category (an event).

        Raises:
            CaseNotFoundError: no such case, or another office's.
            CaseClosedError: the case is closed.
            ActionInvalidError: the action breaks a rule (missing channel, invalid plan …), every problem listed.
            ConflictError: freezing a frozen case, or unfreezing one that is not frozen.
        """
        case, taxpayer = await load_case(self.session, actor, case_id, for_update=True)
        if case.status != CaseStatus.OPEN:
            raise CaseClosedError(case_id)
        problems, extra = await self._checked(case, taxpayer, action, today)
        if problems:
            raise ActionInvalidError(f"The {action.kind.value} action cannot be recorded.", problems)
        details = dict(action.details or {}) | extra
        if action.kind is ActionKind.FREEZE:
            frozen = action.frozen is not False
            if frozen == case.is_frozen:
                raise ConflictError(f"Arrears case {case_id} is already {'frozen' if frozen else 'not frozen'}.")
            details["frozen"] = frozen
            case.is_frozen = frozen
            accounts = AccountService(self.session)
            if frozen:
                # Art. 83 dates the freeze (death certificate, court notice …); no interest from then (Art. 59.6).
                since = datetime.date.fromisoformat(str(details.get("frozen_from", today.isoformat())))
                relief = str(details.get("relief", Relief.FREEZE.value))
                # Decree 126 Art. 23.3: the decision covers the debts it names, by default those overdue at its start.
                named = details.get("charge_ids")
                covered = named if isinstance(named, list) else await accounts.debt_ids(case.taxpayer_id, since)
                details["charge_ids"] = covered
                await accounts.pause_interest(case.taxpayer_id, since, relief, f"case:{case.id}", covered)
            else:
                await accounts.resume_interest(case.taxpayer_id, today)
            await self.session.flush()
            # The debts outside the freeze are collected as usual: the ladder counts from the oldest of them; lifted,
            # from the oldest of all, as flag-arrears writes it on a case not frozen.
            case.ladder_due_on = (
                await ladder_due_on(self.session, case.taxpayer_id, today) if frozen else case.oldest_due_on
            )
        if action.kind is ActionKind.INSTALMENT_PLAN and action.instalments is not None:
            plan_id = await self._new_plan(case, action.instalments, today)
            details["plan_id"] = plan_id
            if action.guarantee is not None:  # whom the office asks to pay when an instalment is missed (Art. 66.4)
                guarantee = action.guarantee
                details["guarantee"] = {
                    "guarantor": guarantee.guarantor,
                    "amount": guarantee.amount,
                    "valid_until": guarantee.valid_until.isoformat(),
                }
        if action.kind is ActionKind.WRITE_OFF:
            details |= await writeoff.write_off(self.session, case, str(details["decision"]).strip(), today)
        if action.kind in ENFORCEMENT_MEASURES:
            accounts = AccountService(self.session)
            details["enforcement_started"] = await accounts.start_enforcement(
                case.taxpayer_id, today, f"case:{case.id}"
            )
        row = ArrearsAction(
            case_id=case.id,
            kind=action.kind.value,
            taken_on=today,
            officer=actor.username,
            channel=action.channel,
            note=action.note,
            follow_up_on=action.follow_up_on,
            details=details,
        )
        self.session.add(row)
        await self.session.flush()
        await self._recategorise(actor, case, taxpayer, today)
        await refresh(self.session, case, today)
        await audit.record(
            self.session,
            actor,
            "arrears.action",
            "arrears_case",
            case.id,
            {"action_id": row.id, "kind": row.kind, "follow_up_on": str(row.follow_up_on or ""), **details},
        )
        await self.session.flush()
        return row, await self.get(actor, case_id, today)

    async def _checked(
        self, case: ArrearsCase, taxpayer: Taxpayer, action: NewAction, today: datetime.date
    ) -> tuple[list[FieldError], dict[str, Any]]:
        """What is wrong with ``action`` on ``case``, and details the checks add (a write-off's authority)."""
        problems = _problems(action, today, case.overdue_total)
        if wholly_frozen(case, today) and action.kind in ENFORCEMENT_MEASURES:
            basis = reliefs.no_enforcement_basis(today)
            msg = f"{basis}: no enforcement measure while the debt is frozen; lift the freeze first."
            problems.append(FieldError("kind", "action.frozen", msg))
        if action.kind is ActionKind.FREEZE and action.frozen is not False:
            named = (action.details or {}).get("charge_ids")
            accounts = AccountService(self.session)
            debts = await accounts.debt_ids(case.taxpayer_id)
            ids = named if isinstance(named, list) and all(type(i) is int for i in named) else []
            if named is not None and not (ids and set(ids) <= set(debts)):
                msg = "details.charge_ids names the debts frozen (Decree 126 Art. 23.3): this taxpayer's charges."
                problems.append(FieldError("details.charge_ids", "freeze.charges", msg))
            # Art. 59.5.a relieves tax up to what the budget owes: the debts named, else the whole overdue tax.
            relieved = await accounts.tax_owed(case.tax_code, ids, today) if ids else case.overdue_tax
            problems.extend(freeze_problems(action.details or {}, today, relieved))
        if action.kind is ActionKind.WRITE_OFF and not problems:
            found, extra = await writeoff.prepare(self.session, case, taxpayer, action.details or {}, today)
            return [*problems, *found], extra
        if action.kind is ActionKind.GUARANTOR_DEMAND:
            seen = await outlook(self.session, case, await actions_of(self.session, case.id), today)
            found, extra = recorded_demand(seen.demand)
            return [*problems, *found], extra
        return problems, {}

    async def _new_plan(self, case: ArrearsCase, instalments: tuple[Instalment, ...], today: datetime.date) -> int:
        """Replace the case's plan in force with a new one, kept from today."""
        await self.session.execute(
            update(InstalmentPlan)
            .where(InstalmentPlan.case_id == case.id, InstalmentPlan.is_active.is_(True))
            .values(is_active=False)
        )
        plan = InstalmentPlan(
            case_id=case.id,
            agreed_on=today,
            debt=case.overdue_total,
            schedule=[{"due_on": i.due_on.isoformat(), "amount": i.amount} for i in instalments],
            status=PlanStatus.KEPT.value,
            is_active=True,
        )
        self.session.add(plan)
        await self.session.flush()
        return plan.id

    async def _recategorise(
        self, actor: Principal, case: ArrearsCase, taxpayer: Taxpayer, today: datetime.date
    ) -> None:
        """Set the category the freeze and the plan give today; a change is an event of the case."""
        state = await plan_state(self.session, case, await active_plan(self.session, case.id), today)
        category = category_now(taxpayer.status, wholly_frozen(case, today), state).value
        if category != case.category:
            event = event_row(case, today, "category", case.category, category, actor.username)
            self.session.add(ArrearsCaseEvent(**event))
            case.category = category

    async def assign(self, actor: Principal, case_id: int, officer_id: int, today: datetime.date) -> CaseView:
        """Give a case to an active officer of its tax office; the case as it stands after.

        Raises:
            CaseNotFoundError: no such case, or another office's.
            CaseClosedError: the case is closed.
            OfficerNotInOfficeError: the user is not an active officer of the case's tax office.
        """
        await AssignmentService(self.session).assign(actor, case_id, officer_id, today)
        return await self.get(actor, case_id, today)

    async def officers(self, tax_office: str) -> dict[int, str]:
        """The active officers a case of ``tax_office`` can be given to: usernames by id."""
        return await AssignmentService(self.session).officers(tax_office)

    async def open_case_of(self, actor: Principal, tax_code: str) -> ArrearsCase | None:
        """The taxpayer's open case, if there is one ``actor`` may see (an officer: of its own office)."""
        query = select(ArrearsCase).where(ArrearsCase.tax_code == tax_code, ArrearsCase.status == CaseStatus.OPEN)
        if (office := _search.office_condition(actor)) is not None:
            query = query.where(office)
        return await self.session.scalar(query.limit(1))

    async def auto_assign(self, actor: Principal, tax_office: str, today: datetime.date) -> list[OfficerTotals]:
        """Spread a tax office's unassigned open cases over its officers (see ``AssignmentService.auto_assign``).

        Raises:
            ForbiddenError: an officer asking for another tax office.
            NoOfficersError: the office has no active officer.
        """
        return await AssignmentService(self.session).auto_assign(actor, tax_office, today)
