"""Officers' pages: the registration applications waiting, one application, and the decision on it."""

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from registry import mappers
from registry.applications import ApplicationService
from registry.schemas import Decision
from registry.vocabulary import ApplicationStatus
from taxoffice.auth.guards import OFFICERS, STAFF_ONLY
from taxoffice.auth.roles import Principal, Role
from taxoffice.errors import DomainError, FieldError, ValidationFailedError
from taxoffice.portal.forms import Form
from taxoffice.portal.pages.officer_forms import as_request, failure
from taxoffice.portal.rendering import page

STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
# The login opened on approval is shown once, on the page the decision leads to, then forgotten.
ISSUED = "issued_login"


@dataclass
class DecisionForm:
    """Approve or reject an application."""

    decision: str = ""
    reason: str = ""


@get("/officer/applications", guards=[STAFF_ONLY])
async def queue(
    request: Request[Any, Any, Any],
    applications: NamedDependency[ApplicationService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template:
    """Applications by status (waiting ones by default), oldest due first; an officer sees their office's only."""
    status = request.query_params.get("status") or ApplicationStatus.SUBMITTED
    status = status if status in STATUSES else ApplicationStatus.SUBMITTED
    overdue = request.query_params.get("overdue") == "1"
    office = request.query_params.get("tax_office") or None
    rows = await applications.list(
        actor, status=status, overdue_only=overdue, today=today, tax_office=office, limit=200
    )
    items = [mappers.application_read(a, today) for a in rows]
    return page(
        request,
        "officer_applications.html",
        items=items,
        status=status,
        overdue=overdue,
        office=actor.tax_office if actor.role is Role.OFFICER else office,
        offices=await applications.offices(),
    )


async def _application_page(
    request: Request[Any, Any, Any],
    applications: ApplicationService,
    number: str,
    today: datetime.date,
    *,
    status_code: int = 200,
    **context: Any,  # noqa: ANN401 - whatever the template shows
) -> Template:
    found = await applications.get(number)
    return page(
        request,
        "officer_application.html",
        status_code=status_code,
        application=mappers.application_read(found, today),
        details=found.details,
        **{"errors": {}, "error": None, "form": DecisionForm(), "issued": None} | context,
    )


@get("/officer/applications/{number:str}", guards=[STAFF_ONLY])
async def application(
    request: Request[Any, Any, Any],
    number: FromPath[str],
    applications: NamedDependency[ApplicationService],
    today: NamedDependency[datetime.date],
) -> Template:
    """One application: who applies, for what, by when; the decision form while it waits."""
    session = dict(request.session)
    issued = session.pop(ISSUED, None)
    if issued is not None:
        request.set_session(session)
        issued = issued if issued.get("number") == number else None
    return await _application_page(request, applications, number, today, issued=issued)


@post("/officer/applications/{number:str}/decision", guards=[OFFICERS])
async def decide(
    request: Request[Any, Any, Any],
    number: FromPath[str],
    data: Form[DecisionForm],
    applications: NamedDependency[ApplicationService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """Approve (the tax code and the taxpayer's first login are issued) or reject with a reason."""
    try:
        if data.decision not in {"approve", "reject"}:
            raise ValidationFailedError(
                "Choose to approve or to reject.",
                errors=[
                    FieldError("decision", "required", "Chọn chấp thuận hoặc từ chối. / Choose approve or reject.")
                ],
            )
        decision = as_request(Decision, {"approve": data.decision == "approve", "reason": data.reason or None})
        decided, password = await applications.decide(actor, number, decision, now)
    except DomainError as exc:
        return await _application_page(
            request, applications, number, today, status_code=exc.status, form=data, **failure(exc)
        )
    if password:
        request.set_session(
            dict(request.session) | {ISSUED: {"number": number, "username": decided.tax_code, "password": password}}
        )
    return Redirect(f"/officer/applications/{number}", status_code=303)


ROUTES = [queue, application, decide]
