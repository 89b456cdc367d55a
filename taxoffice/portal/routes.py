"""The portal's routes: its pages (errors shown as pages) and its static files."""

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

from taxoffice.portal.errors import PAGE_EXCEPTION_HANDLERS
from taxoffice.portal.pages import (
    admin,
    auth,
    bank,
    debtors,
    manager,
    officer,
    public,
    recovery,
    registration,
    taxpayer,
    taxpayer_account,
    taxpayer_filing,
    taxpayer_pay,
    taxpayer_returns,
)
from taxoffice.portal.rendering import STATIC

PAGES = Router(
    path="/",
    route_handlers=[
        *auth.ROUTES,
        *recovery.ROUTES,
        *public.ROUTES,
        *registration.ROUTES,
        *bank.ROUTES,
        *manager.ROUTES,
        *admin.ROUTES,
        *taxpayer.ROUTES,
        *taxpayer_filing.ROUTES,
        *taxpayer_returns.ROUTES,
        *taxpayer_account.ROUTES,
        *taxpayer_pay.ROUTES,
        *officer.ROUTES,
        *debtors.ROUTES,
    ],
    exception_handlers=PAGE_EXCEPTION_HANDLERS,
    include_in_schema=False,
    # A page is never cached: it shows one user's data, as of now.
    cache_control=CacheControlHeader(no_store=True),
)
STATIC_FILES = create_static_files_router(
    path="/static",
    directories=[STATIC],
    include_in_schema=False,
    cache_control=CacheControlHeader(max_age=3600),
    opt={"exclude_from_auth": True},
)


def swagger_ui() -> SwaggerRenderPlugin:
    """The API's Swagger page, its scripts and styles served by the app (it works without the internet)."""
    return SwaggerRenderPlugin(
        js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        css_url="/static/vendor/swagger-ui/swagger-ui.css",
        standalone_preset_js_url="/static/vendor/swagger-ui/swagger-ui-standalone-preset.js",
        favicon="<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>",
    )


ROUTES = [PAGES, STATIC_FILES]
