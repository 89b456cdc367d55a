"""Arriving, logging in and out, changing the password, choosing the language."""

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from taxoffice.auth.controllers import client_address
from taxoffice.auth.roles import Principal
from taxoffice.auth.services import UserService, principal_of
from taxoffice.errors import AuthenticationError, DomainError, TooManyAttemptsError
from taxoffice.portal.forms import Form, field_errors, safe_next
from taxoffice.portal.i18n import LANGUAGE_COOKIE, LANGUAGES
from taxoffice.portal.navigation import home_of
from taxoffice.portal.rendering import page
from taxoffice.portal.sessions import session_data

PUBLIC = {"exclude_from_auth": True}
# Why a login failed, in both languages (the API's problems say it in English).
LOGIN_ERRORS = {
    AuthenticationError.code: ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    TooManyAttemptsError.code: (
        "Đăng nhập sai quá nhiều lần: hãy đợi rồi thử lại.",
        "Too many failed attempts: wait, then try again.",
    ),
}


@dataclass
class LoginForm:
    """The login form."""

    username: str
    password: str
    next: str = ""


@dataclass
class PasswordForm:
    """The password-change form."""

    current_password: str
    new_password: str
    repeat_password: str


@get("/", opt=PUBLIC)
async def landing(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The front page: a logged-in user goes to its own start page; anyone else sees the login and public links."""
    if request.session.get("uid") is not None:
        return Redirect("/start", status_code=303)
    return page(request, "landing.html", next="")


@get("/start")
async def start(actor: NamedDependency[Principal]) -> Redirect:
    """The start page of the logged-in user's role."""
    return Redirect(home_of(actor), status_code=303)


@get("/login", opt=PUBLIC)
async def login_page(request: Request[Any, Any, Any]) -> Template:
    """The login form (``?next=`` is where to go afterwards)."""
    return page(request, "login.html", next=safe_next(request.query_params.get("next"), ""))


@post("/login", opt=PUBLIC)
async def login(
    request: Request[Any, Any, Any],
    data: Form[LoginForm],
    users: NamedDependency[UserService],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """Check the credentials (throttled as the API's login is) and open a session."""
    try:
        user = await users.authenticate(data.username, data.password, now, client_address(request))
    except DomainError as exc:
        return page(
            request,
            "login.html",
            status_code=exc.status,
            next=data.next,
            username=data.username,
            error=LOGIN_ERRORS.get(exc.code, (exc.detail, exc.detail)),
            retry=exc.headers.get("Retry-After") if exc.headers else None,
        )
    request.set_session(session_data(user))
    if user.must_change_password:
        return Redirect("/password/change", status_code=303)
    return Redirect(safe_next(data.next, home_of(principal_of(user))), status_code=303)


@post("/logout", opt=PUBLIC)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End the session."""
    request.clear_session()
    return Redirect("/", status_code=303)


@get("/password/change")
async def password_page(request: Request[Any, Any, Any]) -> Template:
    """The form to choose a new password (forced after a first login with a one-time password)."""
    return page(request, "password_change.html", errors={})


@post("/password/change")
async def change_password(
    request: Request[Any, Any, Any],
    data: Form[PasswordForm],
    actor: NamedDependency[Principal],
    users: NamedDependency[UserService],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """Change the password; the session goes on with the user's new token version (other sessions end)."""
    if data.new_password != data.repeat_password:
        errors = {"repeat_password": "The two new passwords differ. / Hai mật khẩu mới không giống nhau."}
        return page(request, "password_change.html", status_code=422, errors=errors)
    try:
        user = await users.change_password(
            actor, data.current_password, data.new_password, now, client_address(request)
        )
    except DomainError as exc:
        errors = field_errors(exc.errors) or {"current_password": exc.detail}
        return page(request, "password_change.html", status_code=exc.status, errors=errors)
    request.set_session(session_data(user))
    return Redirect(f"{home_of(actor)}?changed=password", status_code=303)


@get("/lang/{code:str}", opt=PUBLIC)
async def choose_language(request: Request[Any, Any, Any], code: FromPath[str]) -> Response[None]:
    """Switch the pages' language and go back where the visitor was."""
    target = safe_next(request.query_params.get("next"), "/")
    response: Response[None] = Redirect(target, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


ROUTES = [landing, start, login_page, login, logout, password_page, change_password, choose_language]
