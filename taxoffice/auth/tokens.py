"""Bearer tokens (JWT): the claims carry the principal, so no request needs a database read to know its user."""

import datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTAuth, Token

from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings


async def principal_from_token(token: Token, _connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The principal named by a valid token."""
    extras = token.extras
    try:
        role = Role(extras["role"])
    except (KeyError, ValueError):
        return None
    return Principal(
        user_id=int(token.sub),
        username=str(extras.get("username", "")),
        role=role,
        tax_code=extras.get("tax_code"),
        tax_office=extras.get("tax_office"),
    )


def build_jwt_auth(settings: Settings) -> JWTAuth[Principal, Token]:
    """The JWT security backend: every route needs a token unless its handler opts out."""
    return JWTAuth[Principal, Token](
        token_secret=settings.secret_key,
        retrieve_user_handler=principal_from_token,
        default_token_expiration=datetime.timedelta(seconds=settings.token_ttl_seconds),
        exclude=["^/schema", "^/health$", "^/ready$", "^/$"],
        description="Bearer token from POST /api/v1/auth/token.",
    )


def issue_token(jwt_auth: JWTAuth[Principal, Token], principal: Principal) -> str:
    """A signed token for ``principal``."""
    return jwt_auth.create_token(
        identifier=str(principal.user_id),
        token_extras={
            "username": principal.username,
            "role": principal.role.value if principal.role else None,
            "tax_code": principal.tax_code,
            "tax_office": principal.tax_office,
        },
    )
