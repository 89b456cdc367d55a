"""The taxpayer's home: the returns it owes for a year, their deadlines and whether they were filed."""

import datetime
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from filings.obligation_service import ObligationService
from filings.vocabulary import ObligationStatus
from taxoffice.auth.guards import TAXPAYERS
from taxoffice.auth.roles import Principal
from taxoffice.errors import ForbiddenError
from taxoffice.params import OptionalYear
from taxoffice.portal.rendering import page
from taxoffice.workdays.services import CalendarService

# The taxpayer's pages: a taxpayer's login only, and always its own tax code.
GUARDS = [TAXPAYERS]
# Years the selector offers: the current one and the open years before it (several tax years are open at once).
YEARS_BACK = 4


def own_code(actor: Principal) -> str:
    """The logged-in taxpayer's own tax code: the only one its pages ever show."""
    if not actor.tax_code:
        raise ForbiddenError("This login is not linked to a tax code.")
    return actor.tax_code


@get("/taxpayer", guards=GUARDS)
async def obligations(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    obligation_service: NamedDependency[ObligationService],
    calendar_service: NamedDependency[CalendarService],
    today: NamedDependency[datetime.date],
    year: FromQuery[OptionalYear] = None,
) -> Template:
    """Every return owed for a year (default this one): deadline, status, and the return filed or a link to file."""
    chosen = year or today.year
    calendar = await calendar_service.calendar()
    rows = await obligation_service.for_year(actor, own_code(actor), chosen, today, calendar)
    return page(
        request,
        "taxpayer_obligations.html",
        obligations=rows,
        overdue=[row for row in rows if row.status == ObligationStatus.OVERDUE],
        year=chosen,
        years=range(today.year, today.year - YEARS_BACK, -1),
    )


ROUTES = [obligations]
