"""Errors on pages become pages: the login page when the session is missing, an error page otherwise.

The status, title and detail are the API's own (``taxoffice.problems``), so a page and a program are told the same
thing; only the form differs.
"""

from collections.abc import Callable
from inspect import getmro
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect

from taxoffice.portal.rendering import page
from taxoffice.portal.sessions import PasswordChangeRequired
from taxoffice.problems import EXCEPTION_HANDLERS

Handler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]


def problem_of(request: Request[Any, Any, Any], exc: Exception) -> dict[str, Any]:
    """The RFC 9457 problem the API would answer for ``exc``."""
    handler = next(EXCEPTION_HANDLERS[cls] for cls in getmro(type(exc)) if cls in EXCEPTION_HANDLERS)
    response = handler(request, exc)
    body: dict[str, Any] = response.content
    return body


def login_redirect(request: Request[Any, Any, Any]) -> Redirect:
    """To the login page, coming back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(here, safe='')}", status_code=303)


def page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A page's error: to the login or password page, or the error page with the API's status and words."""
    if isinstance(exc, PasswordChangeRequired):
        return Redirect("/password/change", status_code=303)
    if isinstance(exc, NotAuthorizedException):
        return login_redirect(request)
    problem = problem_of(request, exc)
    response: Response[Any] = page(
        request, "error.html", status_code=problem["status"], problem=problem, errors=problem.get("errors", [])
    )
    return response


def wants_page(request: Request[Any, Any, Any]) -> bool:
    """A browser asking for a page outside the API (a missing page gets the error page, not JSON)."""
    return not request.url.path.startswith(("/api/", "/schema")) and MediaType.HTML in request.headers.get("accept", "")


def pages_or_problems(handler: Handler) -> Handler:
    """The app's ``handler`` for programs, the error page for browsers (routes that exist nowhere)."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        return page_error(request, exc) if wants_page(request) else handler(request, exc)

    return handle


PAGE_EXCEPTION_HANDLERS: dict[Any, Any] = {Exception: page_error}
