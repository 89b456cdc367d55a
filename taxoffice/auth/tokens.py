"""Bearer tokens (JWT): signed claims naming a user and its token version, checked on every request."""

import datetime
from collections.abc import Sequence
from typing import Any, Self

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.security.jwt import JWTAuth, Token
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.user_states import UserStates
from taxoffice.clock import utc_now
from taxoffice.config import Settings
from taxoffice.db import read_before_work
from taxoffice.fastpaths import Prepared

# Verified tokens remembered per process (a client sends the same token with every request; checking its signature
# and converting its claims again is a measurable share of a short request). Bounded: emptied when full.
_VERIFIED_MAX = 8192
_verified: dict[tuple[Any, ...], Token] = {}


class RememberedToken(Token):
    """A token whose successful decoding is remembered until it expires; anything else is decoded as usual."""

    @classmethod
    def decode(
        cls,
        encoded_token: str,
        secret: str,
        algorithm: str,
        audience: str | Sequence[str] | None = None,
        issuer: str | Sequence[str] | None = None,
        require_claims: Sequence[str] | None = None,
        verify_exp: bool = True,
        verify_nbf: bool = True,
        strict_audience: bool = False,
    ) -> Self:
        """The decoded token: from memory while it has not expired, else verified by Litestar (which raises)."""
        key = (
            encoded_token,
            secret,
            algorithm,
            audience if isinstance(audience, str | None) else tuple(audience),
            issuer if isinstance(issuer, str | None) else tuple(issuer),
            tuple(require_claims or ()),
            verify_exp,
            verify_nbf,
            strict_audience,
        )
        hit = _verified.get(key)
        if hit is not None and isinstance(hit, cls) and (not verify_exp or hit.exp > utc_now()):
            return hit
        token = super().decode(
            encoded_token, secret, algorithm, audience, issuer, require_claims, verify_exp, verify_nbf, strict_audience
        )
        if "nbf" not in token.extras:  # a not-before claim would need checking again on every use
            if len(_verified) >= _VERIFIED_MAX:
                _verified.clear()
            _verified[key] = token
        return token


# What a user who must change a one-time password may still reach with its token.
PASSWORD_CHANGE_PATHS = frozenset({"/api/v1/auth/password", "/api/v1/auth/me"})
CURRENT_STATE = Prepared(
    select(
        User.username,
        User.role,
        User.tax_code,
        User.tax_office,
        User.is_active,
        User.token_version,
        User.must_change_password,
    ).where(User.id == bindparam("user_id"))
)


async def current_principal(
    connection: ASGIConnection[Any, Any, Any, Any], user_id: int, version: int
) -> tuple[Principal, bool] | None:
    """The user as it is *now*, and whether it must change a one-time password: ``None`` once disabled or moved on.

    One primary-key read, a statement built once, in the request's own session (the handler's ``db_session`` is the
    same one), without leaving a transaction open behind it (``read_before_work``); none while this process listens
    for users' changes and remembers the user (``taxoffice.auth.user_states``). Bearer tokens and the portal's
    session cookie both name a user and its token version, and both are checked here.
    """
    state = connection.app.state
    states: UserStates | None = state.get("user_states")
    user = states.get(user_id) if states is not None else None
    if user is None:
        epoch = states.epoch if states is not None else 0
        session: AsyncSession = state.alchemy.provide_session(state, connection.scope)
        rows = await read_before_work(session, CURRENT_STATE, {"user_id": user_id})
        user = rows[0] if rows else None
        if user is not None and states is not None:
            states.remember(user_id, user, epoch)
    if user is None or not user["is_active"] or user["token_version"] != version:
        return None
    principal = Principal(
        user_id=user_id,
        username=user["username"],
        role=Role(user["role"]),
        tax_code=user["tax_code"],
        tax_office=user["tax_office"],
    )
    return principal, bool(user["must_change_password"])


async def principal_from_token(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The principal of a valid token, as the user is now (``current_principal``); ``None`` is a 401."""
    try:
        user_id, version = int(token.sub), int(token.extras["ver"])
    except (KeyError, TypeError, ValueError):
        return None
    found = await current_principal(connection, user_id, version)
    if found is None:
        return None
    principal, must_change_password = found
    if must_change_password and connection.scope["path"] not in PASSWORD_CHANGE_PATHS:
        msg = "Change the one-time password first: POST /api/v1/auth/password."
        raise PermissionDeniedException(msg)
    return principal


def build_jwt_auth(settings: Settings) -> JWTAuth[Principal, Token]:
    """The JWT security backend: every route needs a token unless its handler opts out."""
    return JWTAuth[Principal, Token](
        token_secret=settings.secret_key,
        token_cls=RememberedToken,
        retrieve_user_handler=principal_from_token,
        default_token_expiration=datetime.timedelta(seconds=settings.token_ttl_seconds),
        # Bearer tokens guard the API; the portal's pages have their own session cookie (taxoffice/portal/sessions.py).
        # (Written so that Litestar does not take it for "every path": page paths begin with a letter.)
        exclude=["^/$", "^/(?!api/)[A-Za-z_]"],
        description="Bearer token from POST /api/v1/auth/token.",
    )


def issue_token(jwt_auth: JWTAuth[Principal, Token], principal: Principal, version: int) -> str:
    """A signed token for ``principal`` at the user's ``version`` (``User.token_version``)."""
    return jwt_auth.create_token(
        identifier=str(principal.user_id),
        token_extras={
            "ver": version,
            "username": principal.username,
            "role": principal.role.value if principal.role else None,
            "tax_code": principal.tax_code,
            "tax_office": principal.tax_office,
        },
    )
