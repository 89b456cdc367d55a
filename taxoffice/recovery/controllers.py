"""``POST /auth/password-reset`` (ask for a link) and ``POST /auth/password-reset/confirm`` (use it)."""

import datetime
from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from taxoffice.auth.controllers import client_address
from taxoffice.auth.schemas import PasswordResetAccepted, PasswordResetConfirm, PasswordResetRequest
from taxoffice.openapi import problems
from taxoffice.recovery.services import PasswordResetService


class PasswordResetController(Controller):
    """Forgotten passwords."""

    path = "/auth/password-reset"
    tags = ["auth"]  # noqa: RUF012 - Litestar reads a plain list

    @post(operation_id="requestPasswordReset", exclude_from_auth=True, status_code=202, responses=problems(429))
    async def request_reset(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PasswordResetRequest],
        password_resets: NamedDependency[PasswordResetService],
        now: NamedDependency[datetime.datetime],
    ) -> PasswordResetAccepted:
        """Ask for a reset link by e-mail; always 202, whether or not the account exists (throttled like logins)."""
        await password_resets.request(data.username, client_address(request), now)
        return PasswordResetAccepted(
            detail="If the account exists and has an e-mail address, a reset link valid for one hour is on its way."
        )

    @post(
        "/confirm",
        operation_id="confirmPasswordReset",
        exclude_from_auth=True,
        status_code=204,
        responses=problems(422),
    )
    async def confirm(
        self,
        data: JSONBody[PasswordResetConfirm],
        password_resets: NamedDependency[PasswordResetService],
        now: NamedDependency[datetime.datetime],
    ) -> None:
        """Set a new password with the link's token: it works once, within an hour; every session ends."""
        await password_resets.confirm(data.token, data.new_password, now)


ROUTES = [PasswordResetController]
