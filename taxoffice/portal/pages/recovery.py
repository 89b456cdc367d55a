"""A forgotten password: asking for a reset link by e-mail, and setting a new password with it."""

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from taxoffice.auth.controllers import client_address
from taxoffice.errors import DomainError
from taxoffice.portal.forms import Form, field_errors
from taxoffice.portal.pages.auth import PUBLIC
from taxoffice.portal.rendering import page
from taxoffice.recovery.errors import InvalidResetTokenError
from taxoffice.recovery.services import PasswordResetService

TOKEN_MAX = 100


@dataclass
class ForgotForm:
    """Who forgot its password."""

    username: str


@dataclass
class ResetForm:
    """The new password, with the link's token."""

    token: str
    new_password: str
    repeat_password: str


@get("/password/forgot", opt=PUBLIC)
async def forgot_page(request: Request[Any, Any, Any]) -> Template:
    """Ask for a reset link."""
    return page(request, "password_forgot.html", sent=False)


@post("/password/forgot", opt=PUBLIC)
async def forgot(
    request: Request[Any, Any, Any],
    data: Form[ForgotForm],
    password_resets: NamedDependency[PasswordResetService],
    now: NamedDependency[datetime.datetime],
) -> Template:
    """Queue the link when the account exists and has an e-mail; the answer is the same either way."""
    try:
        await password_resets.request(data.username.strip(), client_address(request), now)
    except DomainError as exc:
        return page(request, "password_forgot.html", status_code=exc.status, sent=False, error=exc.detail)
    return page(request, "password_forgot.html", sent=True)


@get("/password/reset", opt=PUBLIC)
async def reset_page(request: Request[Any, Any, Any]) -> Template:
    """The form behind the e-mailed link."""
    token = (request.query_params.get("token") or "")[:TOKEN_MAX]
    return page(request, "password_reset.html", token=token, errors={})


@post("/password/reset", opt=PUBLIC)
async def reset(
    request: Request[Any, Any, Any],
    data: Form[ResetForm],
    password_resets: NamedDependency[PasswordResetService],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """Set the new password (the link works once); then log in with it."""
    token = data.token[:TOKEN_MAX]
    if data.new_password != data.repeat_password:
        errors = {"repeat_password": "The two new passwords differ. / Hai mật khẩu mới không giống nhau."}
        return page(request, "password_reset.html", status_code=422, token=token, errors=errors)
    try:
        await password_resets.confirm(token, data.new_password, now)
    except InvalidResetTokenError as exc:
        return page(request, "password_reset.html", status_code=exc.status, token="", errors={}, invalid=exc.detail)
    except DomainError as exc:
        errors = field_errors(exc.errors) or {"new_password": exc.detail}
        return page(request, "password_reset.html", status_code=exc.status, token=token, errors=errors)
    return Redirect("/login?reset=1", status_code=303)


ROUTES = [forgot_page, forgot, reset_page, reset]
