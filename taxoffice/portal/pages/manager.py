"""The manager's dashboard: growth, collections against last year and the target, arrears by age, compliance.

Every figure and chart comes from the reports service the API uses (``GET /api/v1/reports/{name}``), with the
API's guard: managers and administrators see the whole department, an officer its own tax office. Each chart
links to its report as a workbook, downloaded with the session (a browser has no bearer token).
"""

import asyncio
import datetime
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template

from taxoffice.auth.guards import STAFF_ONLY
from taxoffice.auth.roles import Principal, Role
from taxoffice.errors import ResourceNotFoundError
from taxoffice.params import OptionalYear
from taxoffice.portal.forms import field_errors
from taxoffice.portal.i18n import language_of
from taxoffice.portal.pages.manager_panels import GROUPING, build_reports, dashboard_query, panels_of, replica_lag
from taxoffice.portal.pages.manager_view import Period, asked, period_of
from taxoffice.portal.rendering import page
from taxoffice.reports.charts import Lang
from taxoffice.reports.errors import ReportParameterError
from taxoffice.reports.services import FileFormat, ReportService

OptionalMonth = Annotated[int | None, Parameter(ge=1, le=12)]
XLSX = ".xlsx"
FIRST_YEAR = 2020  # the first year the period selector offers


def _lang(request: Request[Any, Any, Any]) -> Lang:
    return "en" if language_of(request) == "en" else "vi"


@get("/manager", guards=[STAFF_ONLY])
async def dashboard(
    request: Request[Any, Any, Any],
    reports: NamedDependency[ReportService],
    actor: NamedDependency[Principal],
    now: NamedDependency[datetime.datetime],
    today: NamedDependency[datetime.date],
    year: FromQuery[OptionalYear] = None,
    month: FromQuery[OptionalMonth] = None,
) -> Template:
    """The dashboard of the period asked (default: this year to date), as the reports API gives it."""
    lang = _lang(request)
    chosen_year, chosen_month = asked(year, month, today)
    shown = {
        "chosen_year": chosen_year,
        "chosen_month": chosen_month,
        "office": actor.tax_office if actor.role is Role.OFFICER else None,
        "years": list(range(max(today.year, chosen_year), min(FIRST_YEAR, chosen_year) - 1, -1)),
        "months": list(range(1, 13)),
    }
    try:
        period = period_of(year, month, today)
    except ReportParameterError as exc:  # a month not begun: said beside the selector
        return page(
            request,
            "manager_dashboard.html",
            status_code=exc.status,
            errors=field_errors(exc.errors),
            panels=[],
            period=None,
            shown=shown,
        )
    built = await build_reports(reports, period, lang, actor, now)  # anything else: the error page
    panels = await asyncio.to_thread(panels_of, built, period, lang)
    return page(
        request,
        "manager_dashboard.html",
        errors={},
        panels=panels,
        period=period,
        shown=shown,
        replica_lag=replica_lag(built),
    )


@get("/manager/reports/{filename:str}", guards=[STAFF_ONLY])
async def workbook(
    request: Request[Any, Any, Any],
    filename: FromPath[str],
    reports: NamedDependency[ReportService],
    actor: NamedDependency[Principal],
    now: NamedDependency[datetime.datetime],
    today: NamedDependency[datetime.date],
    year: FromQuery[OptionalYear] = None,
    month: FromQuery[OptionalMonth] = None,
) -> Response[bytes]:
    """A dashboard report as the workbook ``GET /api/v1/reports/{name}?format=xlsx`` gives, for the same period."""
    name = filename.removesuffix(XLSX)
    if not filename.endswith(XLSX) or name not in GROUPING:
        msg = f"No workbook '{filename}'; workbooks: {', '.join(f'{n}{XLSX}' for n in GROUPING)}."
        raise ResourceNotFoundError(msg)
    period: Period = period_of(year, month, today)
    query = dashboard_query(name, period, _lang(request))
    rendered = await reports.render(name, query, FileFormat.XLSX, actor, now)
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"'},
    )


ROUTES = [dashboard, workbook]
