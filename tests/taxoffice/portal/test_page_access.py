"""Every page x nine principals, logged in through the login page, with the expected status written down.

A page without an entry fails. Pages answer 303 to a visitor without a session (to the login page), 403 to a
role the page is not for, and 404 for a record that is not the visitor's to see. Forms are posted empty (with the
CSRF token): where the role may act they answer 400/422 (the form got past the guard).
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from taxoffice.config import Settings
from tests.support.module_app import app_on, rolled_back_connection
from tests.support.pages import PageClient
from tests.support.users import PASSWORD
from tests.taxoffice.access_world import MISSING, PRINCIPALS, World, build_world

Cell = tuple[str, str]
NOT_PAGES = ("/api/", "/schema", "/health", "/ready", "/static")

#            anon tp_a tp_b bank1 bank2 off1 off2 manager admin
EXPECTED: dict[Cell, str] = {
    ("GET", "/"): "200 303 303 303 303 303 303 303 303",
    ("GET", "/start"): "303 303 303 303 303 303 303 303 303",
    ("GET", "/login"): "200 200 200 200 200 200 200 200 200",
    ("POST", "/login"): "400 400 400 400 400 400 400 400 400",
    ("POST", "/logout"): "303 303 303 303 303 303 303 303 303",
    ("GET", "/password/change"): "303 200 200 200 200 200 200 200 200",
    ("POST", "/password/change"): "303 400 400 400 400 400 400 400 400",
    ("GET", "/lang/{code:str}"): "303 303 303 303 303 303 303 303 303",
    ("GET", "/registrations/track"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/registrations/new"): "200 200 200 200 200 200 200 200 200",
    ("POST", "/registrations/new"): "422 422 422 422 422 422 422 422 422",
    ("GET", "/password/forgot"): "200 200 200 200 200 200 200 200 200",
    ("POST", "/password/forgot"): "400 400 400 400 400 400 400 400 400",
    ("GET", "/password/reset"): "200 200 200 200 200 200 200 200 200",
    ("POST", "/password/reset"): "400 400 400 400 400 400 400 400 400",
    ("GET", "/admin/outbox"): "303 403 403 403 403 403 403 403 200",
    ("GET", "/admin/outbox/{message_id:int}"): "303 403 403 403 403 403 403 403 404",
    ("GET", "/taxpayer"): "303 200 200 403 403 403 403 403 403",
    ("GET", "/taxpayer/returns/new"): "303 200 200 403 403 403 403 403 403",
    ("POST", "/taxpayer/returns/new"): "303 422 422 403 403 403 403 403 403",
    ("POST", "/taxpayer/returns/check"): "303 200 200 403 403 403 403 403 403",
    ("POST", "/taxpayer/returns/upload"): "303 422 422 403 403 403 403 403 403",
    ("GET", "/taxpayer/returns"): "303 200 200 403 403 403 403 403 403",
    ("GET", "/taxpayer/returns/{return_id:int}"): "303 404 404 403 403 403 403 403 403",
    ("GET", "/taxpayer/returns/{return_id:int}/receipt.pdf"): "303 404 404 403 403 403 403 403 403",
    ("GET", "/taxpayer/returns/{return_id:int}/notice.pdf"): "303 404 404 403 403 403 403 403 403",
    ("GET", "/taxpayer/account"): "303 200 200 403 403 403 403 403 403",
    ("GET", "/taxpayer/account.xlsx"): "303 200 200 403 403 403 403 403 403",
    ("GET", "/taxpayer/account.pdf"): "303 200 200 403 403 403 403 403 403",
    ("GET", "/taxpayer/notices/{file:str}"): "303 404 404 403 403 403 403 403 403",
    ("GET", "/taxpayer/pay"): "303 200 200 403 403 403 403 403 403",
    # Taxpayer A owes (a slip is made: 303 to it); taxpayer B owes nothing overdue (422, "nothing to pay").
    ("POST", "/taxpayer/pay/orders"): "303 303 422 403 403 403 403 403 403",
    ("GET", "/taxpayer/pay/orders/{reference:str}"): "303 404 404 403 403 403 403 403 403",
    ("POST", "/taxpayer/pay/orders/{reference:str}/cancel"): "303 404 404 403 403 403 403 403 403",
    ("GET", "/bank"): "303 403 403 200 200 403 403 403 200",
    ("GET", "/manager"): "303 403 403 403 403 200 200 200 200",
    ("GET", "/manager/reports/{filename:str}"): "303 403 403 403 403 200 200 200 200",
    ("GET", "/officer/applications"): "303 403 403 403 403 200 200 200 200",
    ("GET", "/officer/applications/{number:str}"): "303 403 403 403 403 404 404 404 404",
    ("POST", "/officer/applications/{number:str}/decision"): "303 403 403 403 403 404 404 403 404",
    ("GET", "/officer/taxpayers"): "303 403 403 403 403 200 200 200 200",
    ("GET", "/officer/taxpayers/{tax_code:str}"): "303 403 403 403 403 200 200 200 200",
    ("GET", "/officer/arrears"): "303 403 403 403 403 200 200 200 200",
    ("GET", "/officer/arrears/{case_id:int}"): "303 403 403 403 403 404 404 404 404",
    ("POST", "/officer/arrears/{case_id:int}/actions"): "303 403 403 403 403 404 404 403 404",
    ("POST", "/officer/arrears/{case_id:int}/plan"): "303 403 403 403 403 404 404 403 404",
    ("POST", "/officer/arrears/{case_id:int}/assign"): "303 403 403 403 403 404 404 403 404",
    ("POST", "/officer/arrears/{case_id:int}/notices"): "303 403 403 403 403 404 404 403 404",
    ("GET", "/officer/payments"): "303 403 403 403 403 200 200 200 200",
    ("POST", "/officer/payments/{payment_id:int}/assign"): "303 403 403 403 403 422 422 403 422",
    ("GET", "/officer/non-filers"): "303 403 403 403 403 200 200 200 200",
    ("GET", "/officer/fines"): "303 403 403 403 403 200 200 200 200",
    # An officer's empty form reaches the service: no such fine (404).
    ("POST", "/officer/fines/{fine_id:int}/confirm"): "303 403 403 403 403 404 404 403 404",
    ("GET", "/debtors"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/officer/debtors"): "303 403 403 403 403 200 200 200 200",
    ("POST", "/officer/debtors/select"): "303 403 403 403 403 422 422 403 422",
    # Only a manager of the entry's office confirms (the service refuses an admin); the entry does not exist.
    ("POST", "/officer/debtors/{entry_id:int}/confirm"): "303 403 403 403 403 403 403 404 404",
}


def _page_routes(app: Litestar) -> set[Cell]:
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute) and not route.path.startswith(NOT_PAGES)
        for method in route.methods - {"OPTIONS", "HEAD"}
    }


def _concrete(path: str, world: World) -> str:
    values = {
        "{code:str}": "en",
        "{filename:str}": "collections.xlsx",
        "{reference:str}": "NT00000000X",
        "{number:str}": world.registration or "NOPE",
        "{tax_code:str}": world.tax_code_a,
        "{file:str}": f"{MISSING}.pdf",
    }
    for placeholder, value in values.items():
        path = path.replace(placeholder, value)
    for placeholder in (
        "{return_id:int}",
        "{case_id:int}",
        "{payment_id:int}",
        "{notice_id:int}",
        "{message_id:int}",
        "{fine_id:int}",
        "{entry_id:int}",
    ):
        path = path.replace(placeholder, str(MISSING))
    return path


def _cases() -> list[Any]:
    return [pytest.param(method, path, id=f"{method} {path}") for method, path in EXPECTED]


@pytest.fixture(scope="module")
async def pages_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with rolled_back_connection(engine) as conn:
        yield conn


@pytest.fixture(scope="module")
def pages_app(settings: Settings, engine: AsyncEngine, pages_connection: AsyncConnection) -> Litestar:
    return app_on(pages_connection, settings, engine)


@pytest.fixture(scope="module")
async def pages_world(pages_app: Litestar, pages_connection: AsyncConnection, settings: Settings) -> World:
    async with AsyncSession(bind=pages_connection, join_transaction_mode="create_savepoint") as session:
        return await build_world(pages_app, session, settings)


@pytest.fixture(scope="module")
async def visitors(pages_app: Litestar, pages_world: World) -> AsyncIterator[dict[str, PageClient]]:
    """A browser per principal, logged in (but the anonymous one)."""
    clients = {name: PageClient(pages_app) for name in PRINCIPALS}
    for name, client in clients.items():
        if name != "anon":
            logged = await client.log_in(f"matrix.{name}", PASSWORD)
            assert logged.status_code == 303, logged.text[:300]
    yield clients
    for client in clients.values():
        await client.http.aclose()


def test_every_page_has_an_entry(pages_app: Litestar) -> None:
    routes = _page_routes(pages_app)
    assert sorted(routes - EXPECTED.keys()) == [], "pages without an entry in the matrix"
    assert sorted(EXPECTED.keys() - routes) == [], "entries for pages the app does not have"


@pytest.mark.parametrize(("method", "path"), _cases())
async def test_page_access(visitors: dict[str, PageClient], pages_world: World, method: str, path: str) -> None:
    concrete = _concrete(path, pages_world)
    got = []
    for name in PRINCIPALS:
        client = visitors[name]
        response = await (client.get(concrete) if method == "GET" else client.post(concrete, {}))
        got.append(str(response.status_code))
        if path == "/logout" and name != "anon":
            await client.log_in(f"matrix.{name}", PASSWORD)
    assert " ".join(got) == EXPECTED[(method, path)], f"{method} {path}"
