"""The portal's login session: an encrypted cookie naming the user and its token version.

The cookie is checked on every page exactly as a bearer token is (``current_principal``): disabling the user, a
password change or a role change ends its sessions at once. Pages need the session; the API keeps its bearer
tokens and never reads this cookie, so a page cannot be used to call the API on a visitor's behalf.
"""

import hashlib
from typing import Any

from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.security.session_auth import SessionAuth

from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal
from taxoffice.auth.tokens import current_principal
from taxoffice.config import Settings

SESSION_COOKIE = "taxoffice_session"
# Where a user who must change its one-time password may still go.
PASSWORD_CHANGE_PAGES = frozenset({"/password/change", "/logout"})
# Pages and files anyone may open; the API (bearer tokens) and its documents are not the portal's.
PUBLIC_PATHS = ["^/api/", "^/schema", "^/static/", "^/health$", "^/ready$"]


class PasswordChangeRequired(NotAuthorizedException):
    """The user logged in with a one-time password and must choose its own before anything else."""


def session_data(user: User) -> dict[str, Any]:
    """What the cookie holds for a logged-in ``user``."""
    return {"uid": user.id, "ver": user.token_version}


async def principal_from_session(
    session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    """The session's user as it is now; ``None`` (back to the login page) once it is gone, disabled or moved on."""
    try:
        user_id, version = int(session["uid"]), int(session["ver"])
    except (KeyError, TypeError, ValueError):
        return None
    found = await current_principal(connection, user_id, version)
    if found is None:
        return None
    principal, must_change_password = found
    if must_change_password and connection.scope["path"] not in PASSWORD_CHANGE_PAGES:
        raise PasswordChangeRequired
    return principal


def cookie_config(settings: Settings) -> CookieBackendConfig:
    """The session cookie: AES-GCM with a key derived from the office's secret, HTTP-only, SameSite=Lax."""
    key = hashlib.sha256(f"portal-session:{settings.secret_key}".encode()).digest()
    return CookieBackendConfig(
        secret=key,
        key=SESSION_COOKIE,
        max_age=settings.session_ttl_seconds,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        exclude=["^/api/", "^/static/"],
    )


class PageSessionAuth(SessionAuth[Principal, ClientSideSessionBackend]):
    """Session authentication that stays out of the API's OpenAPI document (pages are not part of the API)."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Add the session and authentication middleware, and nothing to the OpenAPI document."""
        app_config.middleware.insert(0, self.middleware)
        if self.type_encoders is None:
            self.type_encoders = app_config.type_encoders
        return app_config


def build_session_auth(settings: Settings) -> PageSessionAuth:
    """Session authentication for every page except the public ones (which opt out with ``exclude_from_auth``)."""
    return PageSessionAuth(
        retrieve_user_handler=principal_from_session,
        session_backend_config=cookie_config(settings),
        exclude=PUBLIC_PATHS,
    )


def csrf_config(settings: Settings) -> CSRFConfig:
    """Every form a page posts carries a token that only the office's own pages can know (double-submit cookie)."""
    return CSRFConfig(
        secret=hashlib.sha256(f"portal-csrf:{settings.secret_key}".encode()).hexdigest(),
        cookie_name="taxoffice_csrf",
        cookie_secure=settings.cookie_secure,
        cookie_httponly=True,
        cookie_samesite="lax",
        header_name="x-csrftoken",
        exclude=PUBLIC_PATHS,
    )
