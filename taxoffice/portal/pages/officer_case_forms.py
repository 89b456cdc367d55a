"""Officers' forms on a case: an action, an instalment plan, the officer in charge, a debt notice.

Each calls the service the API calls; a refusal shows the case page again with the reasons beside the fields.
"""

import datetime
from dataclasses import dataclass, field, fields
from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from taxoffice.accounts.services import AccountService
from taxoffice.arrears import mappers
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.notices import NoticeService
from taxoffice.arrears.schemas import ActionCreate, AssignCreate
from taxoffice.arrears.services import WorklistService
from taxoffice.auth.guards import OFFICERS
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError
from taxoffice.portal.forms import Form
from taxoffice.portal.pages.officer_arrears import PLAN_ROWS, case_page
from taxoffice.portal.pages.officer_forms import as_request, failure


@dataclass
class ActionForm:
    """An action taken today."""

    kind: str = ""
    channel: str = ""
    note: str = ""
    follow_up_on: str = ""
    decision: str = ""
    unfreeze: str = ""
    # A freeze (khoanh nợ, Art. 83) or Art. 59.5.a's relief: its ground, first day, relief, the budget's unpaid
    # amount, and the debts it covers (none ticked: those overdue on its first day).
    ground: str = ""
    frozen_from: str = ""
    relief: str = ""
    budget_unpaid: str = ""
    freeze_debt: list[str] | str = field(default_factory=list)  # one ticked box arrives as a plain string


@dataclass
class PlanForm:
    """An instalment plan: up to six dated amounts."""

    note: str = ""
    due_on_0: str = ""
    amount_0: str = ""
    due_on_1: str = ""
    amount_1: str = ""
    due_on_2: str = ""
    amount_2: str = ""
    due_on_3: str = ""
    amount_3: str = ""
    due_on_4: str = ""
    amount_4: str = ""
    due_on_5: str = ""
    amount_5: str = ""
    guarantor: str = ""
    guarantee_amount: str = ""
    guarantee_valid_until: str = ""


@dataclass
class AssignForm:
    """Give the case to an officer."""

    officer_id: str = ""


def _amount(text: str) -> int | str:
    """An amount as typed (``12.000.000`` or ``12000000``); text that is not one goes on to be refused."""
    digits = text.replace(".", "").replace(",", "").replace(" ", "").replace("₫", "")
    return int(digits) if digits.isdigit() else text


def action_body(data: ActionForm) -> dict[str, Any]:
    """The API's body (``ActionCreate``) of an action as the form posts it."""
    body: dict[str, Any] = {"kind": data.kind, "note": data.note.strip()}
    if data.channel:
        body["channel"] = data.channel
    if data.follow_up_on:
        body["follow_up_on"] = data.follow_up_on
    if data.decision.strip():
        body["details"] = {"decision": data.decision.strip()}
    if data.kind == ActionKind.FREEZE:
        body["frozen"] = not data.unfreeze
        if not data.unfreeze:
            body["details"] = body.get("details", {}) | _freeze_details(data)
    return body


def _freeze_details(data: ActionForm) -> dict[str, Any]:
    """The freeze's details as the API takes them; what is left empty is left out (the service's defaults)."""
    details: dict[str, Any] = {}
    for name in ("ground", "frozen_from", "relief"):
        if value := getattr(data, name).strip():
            details[name] = value
    if data.budget_unpaid.strip():
        details["budget_unpaid"] = _amount(data.budget_unpaid)
    if debts := _ticked(data.freeze_debt):
        details["charge_ids"] = [int(d) if d.isdigit() else d for d in debts]
    return details


def _ticked(boxes: list[str] | str) -> list[str]:
    """The values of the boxes ticked (one arrives as a plain string)."""
    return [boxes] if isinstance(boxes, str) else boxes


def _plan_body(data: PlanForm) -> dict[str, Any]:
    rows = [(getattr(data, f"due_on_{i}"), getattr(data, f"amount_{i}")) for i in range(PLAN_ROWS)]
    instalments = [{"due_on": due or None, "amount": _amount(amount)} for due, amount in rows if due or amount]
    body: dict[str, Any] = {"kind": "instalment_plan", "note": data.note.strip(), "instalments": instalments}
    if data.guarantor.strip() or data.guarantee_amount or data.guarantee_valid_until:
        body["guarantee"] = {
            "guarantor": data.guarantor.strip(),
            "amount": _amount(data.guarantee_amount),
            "valid_until": data.guarantee_valid_until or None,
        }
    return body


async def _record(
    request: Request[Any, Any, Any],
    worklist: WorklistService,
    accounts: AccountService,
    actor: Principal,
    case_id: int,
    today: datetime.date,
    body: dict[str, Any],
    *,
    which: str,
    form: dict[str, str],
) -> Template | Redirect:
    try:
        await worklist.record_action(actor, case_id, mappers.new_action(as_request(ActionCreate, body)), today)
    except DomainError as exc:
        return await case_page(
            request,
            worklist,
            accounts,
            actor,
            case_id,
            today,
            status_code=exc.status,
            which=which,
            form=form,
            **failure(exc),
        )
    return Redirect(f"/officer/arrears/{case_id}?done={which}", status_code=303)


def _values(data: object) -> dict[str, Any]:
    """The form's values as typed, to show it again; ticked boxes as a list (one arrives as a plain string)."""
    values = {f.name: getattr(data, f.name) for f in fields(data)}  # type: ignore[arg-type]
    if "freeze_debt" in values:
        values["freeze_debt"] = _ticked(values["freeze_debt"])
    return values


@post("/officer/arrears/{case_id:int}/actions", guards=[OFFICERS])
async def record_action(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    data: Form[ActionForm],
    worklist: NamedDependency[WorklistService],
    accounts: NamedDependency[AccountService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template | Redirect:
    """Record an action taken today (reminder, warning letter, enforcement measure, freeze, write-off, note …)."""
    body = action_body(data)
    return await _record(request, worklist, accounts, actor, case_id, today, body, which="action", form=_values(data))


@post("/officer/arrears/{case_id:int}/plan", guards=[OFFICERS])
async def agree_plan(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    data: Form[PlanForm],
    worklist: NamedDependency[WorklistService],
    accounts: NamedDependency[AccountService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template | Redirect:
    """Agree an instalment plan (it replaces the plan in force; the case becomes an instalment case)."""
    body = _plan_body(data)
    return await _record(request, worklist, accounts, actor, case_id, today, body, which="plan", form=_values(data))


@post("/officer/arrears/{case_id:int}/assign", guards=[OFFICERS])
async def assign(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    data: Form[AssignForm],
    worklist: NamedDependency[WorklistService],
    accounts: NamedDependency[AccountService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template | Redirect:
    """Give the case to an active officer of its tax office."""
    try:
        chosen = as_request(AssignCreate, {"officer_id": data.officer_id}, strict=False)
        await worklist.assign(actor, case_id, chosen.officer_id, today)
    except DomainError as exc:
        return await case_page(
            request,
            worklist,
            accounts,
            actor,
            case_id,
            today,
            status_code=exc.status,
            which="assign",
            form=_values(data),
            **failure(exc),
        )
    return Redirect(f"/officer/arrears/{case_id}?done=assign", status_code=303)


@post("/officer/arrears/{case_id:int}/notices", guards=[OFFICERS])
async def issue_notice(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    notices: NamedDependency[NoticeService],
    worklist: NamedDependency[WorklistService],
    accounts: NamedDependency[AccountService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """Issue a debt notice (01/TTN) as of today (e-mailed to the taxpayer through the outbox, as the API does)."""
    try:
        await notices.issue(actor, case_id, today, now)
    except DomainError as exc:
        return await case_page(
            request, worklist, accounts, actor, case_id, today, status_code=exc.status, which="notice", **failure(exc)
        )
    return Redirect(f"/officer/arrears/{case_id}?done=notice", status_code=303)


ROUTES = [record_action, agree_plan, assign, issue_notice]
