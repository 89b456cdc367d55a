"""Officers' page: who has not filed a return owed for a period (the office's non-filers)."""

import datetime
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from filings.nonfilers import FORMS, NonFilerService
from taxoffice.auth.guards import STAFF_ONLY
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError
from taxoffice.portal.pages.officer_forms import failure
from taxoffice.portal.rendering import page
from taxoffice.workdays.services import CalendarService

TEXT_MAX = 20


@get("/officer/non-filers", guards=[STAFF_ONLY])
async def non_filer_list(
    request: Request[Any, Any, Any],
    non_filers: NamedDependency[NonFilerService],
    calendar_service: NamedDependency[CalendarService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template:
    """Choose a form and a period; the taxpayers who owed that return, are past its deadline and have not filed it."""
    form = (request.query_params.get("form") or FORMS[0])[:TEXT_MAX]
    period = (request.query_params.get("period") or "").strip()[:TEXT_MAX]
    context: dict[str, Any] = {"forms": FORMS, "form": form, "period": period, "result": None, "errors": {}}
    if not period:
        return page(request, "officer_nonfilers.html", **context)
    try:
        result = await non_filers.search(
            actor,
            form,
            period,
            today,
            await calendar_service.calendar(),
            after=request.query_params.get("after") or None,
        )
    except DomainError as exc:
        return page(request, "officer_nonfilers.html", status_code=exc.status, **context | failure(exc))
    return page(request, "officer_nonfilers.html", **context | {"result": result})


ROUTES = [non_filer_list]
