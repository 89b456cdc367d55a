"""The bank's page: banks report payments by program, through the API; the page says how."""

from typing import Any

from litestar import Request, get
from litestar.response import Template

from taxoffice.auth.guards import requires
from taxoffice.auth.roles import Role
from taxoffice.portal.rendering import page


@get("/bank", guards=[requires(Role.BANK, Role.ADMIN)])
async def bank_home(request: Request[Any, Any, Any]) -> Template:
    """How a bank's system reports the payments it received for the state budget."""
    return page(request, "bank_home.html", base_url=str(request.base_url).rstrip("/"))


ROUTES = [bank_home]
