"""Pages for anyone: following a registration application by its number."""

import datetime
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from registry import mappers
from registry.applications import ApplicationService
from taxoffice.errors import ResourceNotFoundError
from taxoffice.portal.pages.auth import PUBLIC
from taxoffice.portal.rendering import page

NUMBER_MAX = 20


@get("/registrations/track", opt=PUBLIC)
async def track_application(
    request: Request[Any, Any, Any],
    applications: NamedDependency[ApplicationService],
    today: NamedDependency[datetime.date],
) -> Template:
    """Where an application stands, by the number given on its receipt (no login)."""
    number = (request.query_params.get("number") or "").strip().upper()[:NUMBER_MAX]
    if not number:
        return page(request, "registration_track.html", number="", application=None)
    try:
        application = mappers.application_read(await applications.get(number), today)
    except ResourceNotFoundError:
        return page(request, "registration_track.html", status_code=404, number=number, application=None)
    return page(request, "registration_track.html", number=number, application=application)


ROUTES = [track_application]
