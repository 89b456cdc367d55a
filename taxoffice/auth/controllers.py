"""Login, password changes, user administration."""

import datetime
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from taxoffice.auth.guards import ADMINS
from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.schemas import Credentials, Me, PasswordChange, RoleChange, TokenResponse, UserCreate, UserRead
from taxoffice.auth.services import UserService, principal_of
from taxoffice.auth.tokens import issue_token
from taxoffice.config import Settings
from taxoffice.openapi import problems


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address as the server sees it (behind a proxy: as the proxy reports it, see docs/security.md)."""
    return request.client.host if request.client else "unknown"


def _user_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        role=user.role,
        tax_code=user.tax_code,
        tax_office=user.tax_office,
        full_name=user.full_name,
        is_active=user.is_active,
        email=user.email,
    )


class AuthController(Controller):
    """Tokens and one's own account."""

    path = "/auth"
    tags = ["auth"]  # noqa: RUF012 - Litestar reads a plain list

    @post(
        "/token",
        operation_id="createToken",
        exclude_from_auth=True,
        status_code=200,
        responses=problems(401, 429),  # a wrong password; an address or account backing off
    )
    async def token(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[Credentials],
        users: NamedDependency[UserService],
        settings: NamedDependency[Settings],
        now: NamedDependency[datetime.datetime],
    ) -> TokenResponse:
        """Exchange a username and password for a bearer token."""
        user = await users.authenticate(data.username, data.password, now, client_address(request))
        token = issue_token(request.app.state.jwt_auth, principal_of(user), user.token_version)
        return TokenResponse(
            access_token=token,
            token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
            expires_in=settings.token_ttl_seconds,
            must_change_password=user.must_change_password,
        )

    @get("/me", operation_id="whoAmI")
    async def me(self, actor: NamedDependency[Principal]) -> Me:
        """The caller's identity."""
        return Me(
            username=actor.username,
            role=actor.role.value if actor.role else None,
            tax_code=actor.tax_code,
            tax_office=actor.tax_office,
        )

    @post("/password", operation_id="changePassword", status_code=204)
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PasswordChange],
        users: NamedDependency[UserService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> None:
        """Change one's own password (required after a first login with a one-time password)."""
        await users.change_password(actor, data.current_password, data.new_password, now, client_address(request))


class UserController(Controller):
    """User administration."""

    path = "/users"
    tags = ["auth"]  # noqa: RUF012 - Litestar reads a plain list
    guards = [ADMINS]  # noqa: RUF012 - Litestar reads a plain list

    @post(operation_id="createUser", responses=problems(409))  # the username is taken
    async def create(
        self, data: JSONBody[UserCreate], users: NamedDependency[UserService], actor: NamedDependency[Principal]
    ) -> UserRead:
        """Create a user."""
        user = await users.create(
            actor,
            username=data.username,
            password=data.password,
            role=data.role,
            tax_code=data.tax_code,
            tax_office=data.tax_office,
            full_name=data.full_name,
            email=data.email,
        )
        return _user_read(user)

    @get(operation_id="listUsers")
    async def list_users(
        self, users: NamedDependency[UserService], role: FromQuery[Role | None] = None
    ) -> list[UserRead]:
        """Users, newest first."""
        return [_user_read(u) for u in await users.list_users(role)]

    @post("/{username:str}/disable", operation_id="disableUser", status_code=200, responses=problems(409))
    async def disable(
        self, username: FromPath[str], users: NamedDependency[UserService], actor: NamedDependency[Principal]
    ) -> UserRead:
        """Disable a user: it can no longer log in, and its tokens stop working at once."""
        return _user_read(await users.set_active(actor, username, active=False))

    @post("/{username:str}/enable", operation_id="enableUser", status_code=200)
    async def enable(
        self, username: FromPath[str], users: NamedDependency[UserService], actor: NamedDependency[Principal]
    ) -> UserRead:
        """Enable a disabled user again (it logs in anew)."""
        return _user_read(await users.set_active(actor, username, active=True))

    @put("/{username:str}/role", operation_id="setUserRole", responses=problems(409))  # oneself, the last admin
    async def set_role(
        self,
        username: FromPath[str],
        data: JSONBody[RoleChange],
        users: NamedDependency[UserService],
        actor: NamedDependency[Principal],
    ) -> UserRead:
        """Give a user another role; its tokens stop working at once."""
        user = await users.set_role(actor, username, data.role, tax_code=data.tax_code, tax_office=data.tax_office)
        return _user_read(user)


ROUTES = [AuthController, UserController]
