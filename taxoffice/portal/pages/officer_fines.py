"""Officers' pages: the late-filing fines proposed on acceptance, and confirming or amending one (then it is charged)."""

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from filings.fine_schemas import FineConfirmation, fine_read
from filings.fine_service import CONFIRMED, DRAFT, FineService
from taxoffice.auth.guards import OFFICERS, STAFF_ONLY
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError
from taxoffice.portal.forms import Form
from taxoffice.portal.pages.officer_forms import as_request, failure
from taxoffice.portal.rendering import page
from taxoffice.workdays.services import CalendarService


@dataclass
class ConfirmFineForm:
    """The circumstances an officer found (empty: the draft as proposed)."""

    mitigating: str = "0"
    aggravating: str = "0"
    paid_before_record: str = "yes"
    circumstances: str = ""


async def _fines(
    request: Request[Any, Any, Any],
    fine_service: FineService,
    actor: Principal,
    *,
    status_code: int = 200,
    **extra: Any,  # noqa: ANN401
) -> Template:
    drafts = [fine_read(f) for f in await fine_service.search(actor, status=DRAFT, tax_code=None)]
    decided = [fine_read(f) for f in await fine_service.search(actor, status=CONFIRMED, tax_code=None, limit=20)]
    context: dict[str, Any] = {
        "drafts": drafts,
        "decided": decided,
        "failed": None,
        "form": ConfirmFineForm(),
        "errors": {},
        "error": None,
    }
    return page(request, "officer_fines.html", status_code=status_code, **context | extra)


@get("/officer/fines", guards=[STAFF_ONLY])
async def fine_list(
    request: Request[Any, Any, Any], fine_service: NamedDependency[FineService], actor: NamedDependency[Principal]
) -> Template:
    """Draft fines waiting for a decision, and the latest decided."""
    return await _fines(request, fine_service, actor, confirmed=request.query_params.get("confirmed"))


@post("/officer/fines/{fine_id:int}/confirm", guards=[OFFICERS])
async def confirm_fine(
    request: Request[Any, Any, Any],
    fine_id: FromPath[int],
    data: Form[ConfirmFineForm],
    fine_service: NamedDependency[FineService],
    calendar_service: NamedDependency[CalendarService],
    actor: NamedDependency[Principal],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """Decide the draft with the circumstances found (audited); the fine is charged unless it is a warning."""
    try:
        body = as_request(
            FineConfirmation,
            {
                "mitigating": data.mitigating.strip() or "0",
                "aggravating": data.aggravating.strip() or "0",
                "paid_before_record": data.paid_before_record != "no",
                "circumstances": data.circumstances.strip(),
            },
            strict=False,
        )
        await fine_service.confirm(
            actor,
            fine_id,
            mitigating=body.mitigating,
            aggravating=body.aggravating,
            paid_before_record=body.paid_before_record,
            circumstances=body.circumstances,
            now=now,
            calendar=await calendar_service.calendar(),
        )
    except DomainError as exc:
        return await _fines(
            request, fine_service, actor, status_code=exc.status, failed=fine_id, form=data, **failure(exc)
        )
    return Redirect(f"/officer/fines?confirmed={fine_id}", status_code=303)


ROUTES = [fine_list, confirm_fine]
