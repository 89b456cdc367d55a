"""Bearer tokens (JWT): the claims carry the principal, so no request needs a database read to know its user."""

import datetime
import time
from collections.abc import Sequence
from typing import Any, Self

from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTAuth, Token

from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings

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
        if hit is not None and isinstance(hit, cls) and (not verify_exp or hit.exp.timestamp() > time.time()):
            return hit
        token = super().decode(
            encoded_token, secret, algorithm, audience, issuer, require_claims, verify_exp, verify_nbf, strict_audience
        )
        if "nbf" not in token.extras:  # a not-before claim would need checking again on every use
            if len(_verified) >= _VERIFIED_MAX:
                _verified.clear()
            _verified[key] = token
        return token


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
        token_cls=RememberedToken,
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
