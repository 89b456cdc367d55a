"""Every route x nine principals, with the expected status written down; a route without an entry fails.

Each request runs in a savepoint rolled back afterwards, so every cell sees the same world. Bodies are the smallest
that reach the authorisation decision: where a principal may act, a bad body answers 400/422 (it got past the
guard); where it may not, 401 (no token), 403 (wrong role) or 404 (another taxpayer's data).
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from taxoffice.config import Settings
from tests.support.module_app import app_on, client_of, rolled_back_connection
from tests.taxoffice.access_world import MISSING, PRINCIPALS, World, build_world

Cell = tuple[str, str]  # (method, route path as the app declares it)
API_PATHS = ("/api/", "/schema", "/health", "/ready")

# The expected status per principal, in the order of PRINCIPALS:
#            anon tp_a tp_b bank1 bank2 off1 off2 manager admin
EXPECTED: dict[Cell, str] = {
    ("POST", "/api/v1/arrears/auto-assign"): "401 403 403 403 403 400 400 403 400",
    ("GET", "/api/v1/arrears/cases"): "401 403 403 403 403 200 200 200 200",
    ("GET", "/api/v1/arrears/cases/{case_id:int}"): "401 403 403 403 403 404 404 404 404",
    ("POST", "/api/v1/arrears/cases/{case_id:int}/actions"): "401 403 403 403 403 400 400 403 400",
    ("POST", "/api/v1/arrears/cases/{case_id:int}/assign"): "401 403 403 403 403 400 400 403 400",
    ("POST", "/api/v1/arrears/cases/{case_id:int}/notices"): "401 403 403 403 403 404 404 403 404",
    ("GET", "/api/v1/arrears/oversight"): "401 403 403 403 403 403 403 200 200",
    ("GET", "/api/v1/arrears/debtor-list/candidates"): "401 403 403 403 403 200 200 200 200",
    ("GET", "/api/v1/arrears/debtor-list/entries"): "401 403 403 403 403 200 200 200 200",
    ("POST", "/api/v1/arrears/debtor-list/entries"): "401 403 403 403 403 400 400 403 400",
    # Only a manager of the entry's office confirms (the service refuses an admin); the entry does not exist.
    ("POST", "/api/v1/arrears/debtor-list/entries/{entry_id:int}/confirm"): "401 403 403 403 403 403 403 404 404",
    ("GET", "/api/v1/auth/me"): "401 200 200 200 200 200 200 200 200",
    ("POST", "/api/v1/auth/password"): "401 400 400 400 400 400 400 400 400",
    ("POST", "/api/v1/auth/token"): "401 401 401 401 401 401 401 401 401",
    ("POST", "/api/v1/auth/password-reset"): "202 202 202 202 202 202 202 202 202",
    ("POST", "/api/v1/auth/password-reset/confirm"): "400 400 400 400 400 400 400 400 400",
    ("GET", "/api/v1/calendar/holidays"): "401 400 400 400 400 400 400 400 400",
    ("DELETE", "/api/v1/calendar/overrides/{day:date}"): "401 403 403 403 403 403 403 403 404",
    ("PUT", "/api/v1/calendar/overrides/{day:date}"): "401 403 403 403 403 403 403 403 400",
    ("GET", "/api/v1/calendar/working-days/{day:date}"): "401 200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/forms"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/forms/{slug:str}"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/jobs"): "401 403 403 403 403 403 403 403 200",
    ("GET", "/api/v1/mail/outbox"): "401 403 403 403 403 403 403 403 200",
    ("GET", "/api/v1/mail/outbox/{message_id:int}"): "401 403 403 403 403 403 403 403 404",
    ("POST", "/api/v1/jobs"): "401 403 403 403 403 403 403 403 400",
    ("GET", "/api/v1/jobs/{run_id:int}"): "401 403 403 403 403 403 403 403 404",
    ("GET", "/api/v1/payment-orders/{reference:str}"): "401 200 404 403 403 200 200 200 200",
    ("POST", "/api/v1/payment-orders/{reference:str}/cancel"): "401 200 404 403 403 200 403 403 200",
    ("GET", "/api/v1/payment-orders/{reference:str}/qr.svg"): "401 200 404 403 403 200 200 200 200",
    ("GET", "/api/v1/payments"): "401 403 403 403 403 200 200 200 200",
    ("POST", "/api/v1/payments"): "401 403 403 400 400 400 400 403 400",
    ("POST", "/api/v1/payments/import"): "401 403 403 403 403 400 400 403 400",
    ("GET", "/api/v1/payments/{payment_id:int}"): "401 403 403 403 403 200 200 200 200",
    ("POST", "/api/v1/payments/{payment_id:int}/assign"): "401 403 403 403 403 400 400 403 400",
    ("GET", "/api/v1/payments/{payment_id:int}/explanation"): "401 200 404 403 403 200 200 200 200",
    ("POST", "/api/v1/payments/{payment_id:int}/reversal"): "401 403 403 200 404 200 200 403 200",
    ("GET", "/api/v1/public/debtors"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/public/taxpayers/{tax_code:str}"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/registrations"): "401 403 403 403 403 200 200 200 200",
    ("POST", "/api/v1/registrations"): "400 400 400 400 400 400 400 400 400",
    ("GET", "/api/v1/registrations/{number:str}"): "200 200 200 200 200 200 200 200 200",
    ("POST", "/api/v1/registrations/{number:str}/decision"): "401 403 403 403 403 200 403 403 200",
    ("GET", "/api/v1/reports"): "401 403 403 403 403 200 200 200 200",
    ("GET", "/api/v1/reports/files"): "401 403 403 403 403 403 403 200 200",
    ("GET", "/api/v1/reports/files/{file_id:int}"): "401 403 403 403 403 403 403 404 404",
    ("GET", "/api/v1/reports/targets"): "401 403 403 403 403 400 400 400 400",
    ("PUT", "/api/v1/reports/targets"): "401 403 403 403 403 403 403 400 400",
    ("GET", "/api/v1/reports/{name:str}"): "401 403 403 403 403 200 200 200 200",
    ("GET", "/api/v1/returns"): "401 200 200 403 403 200 200 200 200",
    ("POST", "/api/v1/returns"): "401 400 400 403 403 400 400 400 400",
    ("POST", "/api/v1/returns/validate"): "401 400 400 403 403 400 400 400 400",
    ("GET", "/api/v1/fines"): "401 200 200 403 403 200 200 200 200",
    ("GET", "/api/v1/fines/{fine_id:int}"): "401 404 404 403 403 404 404 404 404",
    ("POST", "/api/v1/fines/{fine_id:int}/confirm"): "401 403 403 403 403 404 404 403 404",
    ("GET", "/api/v1/returns/{return_id:int}"): "401 404 404 403 403 404 404 404 404",
    ("GET", "/api/v1/returns/{return_id:int}/notice.pdf"): "401 404 404 403 403 404 404 404 404",
    ("GET", "/api/v1/returns/{return_id:int}/receipt.pdf"): "401 404 404 403 403 404 404 404 404",
    ("GET", "/api/v1/taxpayers"): "401 200 200 403 403 200 200 200 200",
    ("POST", "/api/v1/taxpayers"): "401 403 403 403 403 400 400 403 400",
    ("GET", "/api/v1/taxpayers/{tax_code:str}"): "401 200 404 403 403 200 200 200 200",
    ("PATCH", "/api/v1/taxpayers/{tax_code:str}"): "401 200 404 403 403 200 403 403 200",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/account"): "401 200 404 403 403 200 200 200 200",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/account.pdf"): "401 200 404 403 403 200 200 200 200",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/charges"): "401 200 404 403 403 200 200 200 200",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/extensions"): "401 200 404 403 403 200 200 200 200",
    ("POST", "/api/v1/taxpayers/{tax_code:str}/extensions/decree"): "401 403 403 403 403 400 400 403 400",
    ("POST", "/api/v1/taxpayers/{tax_code:str}/extensions/decision"): "401 403 403 403 403 403 403 400 400",
    ("POST", "/api/v1/extensions/{extension_id:int}/revocation"): "401 403 403 403 403 403 403 400 400",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/history"): "401 200 404 403 403 200 200 200 200",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/notices"): "401 200 404 403 403 200 404 200 200",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/notices/{notice_id:int}/file"): "401 404 404 403 403 404 404 404 404",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/notices/{notice_id:int}/pdf"): "401 404 404 403 403 404 404 404 404",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/obligations"): "401 200 404 403 403 200 200 200 200",
    ("GET", "/api/v1/taxpayers/{tax_code:str}/payment-orders"): "401 200 404 403 403 200 200 200 200",
    ("POST", "/api/v1/taxpayers/{tax_code:str}/payment-orders"): "401 201 404 403 403 201 403 403 201",
    ("POST", "/api/v1/taxpayers/{tax_code:str}/status"): "401 403 403 403 403 200 403 403 200",
    ("GET", "/api/v1/users"): "401 403 403 403 403 403 403 403 200",
    ("POST", "/api/v1/users"): "401 403 403 403 403 403 403 403 400",
    ("POST", "/api/v1/users/{username:str}/disable"): "401 403 403 403 403 403 403 403 200",
    ("POST", "/api/v1/users/{username:str}/enable"): "401 403 403 403 403 403 403 403 200",
    ("PUT", "/api/v1/users/{username:str}/role"): "401 403 403 403 403 403 403 403 200",
    ("GET", "/health"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/ready"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/schema"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/schema/oauth2-redirect.html"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/schema/openapi.json"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/schema/swagger"): "200 200 200 200 200 200 200 200 200",
    ("GET", "/schema/{path:str}"): "404 404 404 404 404 404 404 404 404",
}

BODIES: dict[Cell, Any] = {
    ("POST", "/api/v1/auth/token"): {"username": "matrix.nobody", "password": "not-the-password"},
    ("POST", "/api/v1/auth/password-reset"): {"username": "matrix.nobody"},
    ("POST", "/api/v1/auth/password-reset/confirm"): {"token": "not-a-token", "new_password": "Xq7!vLw9#pTz2m"},
    ("PATCH", "/api/v1/taxpayers/{tax_code:str}"): {"phone": "0912345678"},
    ("POST", "/api/v1/taxpayers/{tax_code:str}/status"): {"status": "03", "reason": "matrix"},
    ("POST", "/api/v1/payments/{payment_id:int}/reversal"): {"reason": "matrix"},
    ("POST", "/api/v1/taxpayers/{tax_code:str}/payment-orders"): {"all_overdue": True},
    ("POST", "/api/v1/registrations/{number:str}/decision"): {"approve": False, "reason": "matrix"},
    ("PUT", "/api/v1/users/{username:str}/role"): {"role": "manager"},
}


def _app_routes(app: Litestar) -> set[Cell]:
    """The API's routes and the probes (the portal's pages have their own matrix: tests/taxoffice/portal/)."""
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith(API_PATHS)
        for method in route.methods - {"OPTIONS", "HEAD"}
    }


def _concrete(path: str, world: World) -> str:
    values = {
        "{tax_code:str}": world.tax_code_a,
        "{payment_id:int}": str(world.payment_id),
        "{number:str}": world.registration,
        "{username:str}": "matrix.target",
        "{slug:str}": "01-GTGT",
        "{name:str}": "collections",
        "{day:date}": "2026-12-24",
        "{path:str}": "openapi.yaml",
        "{reference:str}": world.order_reference,
    }
    for placeholder, value in values.items():
        path = path.replace(placeholder, value)
    ids = (
        "{case_id:int}",
        "{run_id:int}",
        "{file_id:int}",
        "{return_id:int}",
        "{notice_id:int}",
        "{message_id:int}",
        "{fine_id:int}",
        "{extension_id:int}",
        "{entry_id:int}",
    )
    for placeholder in ids:
        path = path.replace(placeholder, str(MISSING))
    return path


def _cases() -> list[Any]:
    cases = []
    for (method, path), statuses in EXPECTED.items():
        for principal, status in zip(PRINCIPALS, statuses.split(), strict=True):
            cases.append(pytest.param(method, path, principal, int(status), id=f"{method} {path} {principal}"))
    return cases


@pytest.fixture(scope="module")
async def matrix_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with rolled_back_connection(engine) as conn:
        yield conn


@pytest.fixture(scope="module")
def matrix_app(settings: Settings, engine: AsyncEngine, matrix_connection: AsyncConnection) -> Litestar:
    return app_on(matrix_connection, settings, engine)


@pytest.fixture(scope="module")
async def matrix_client(matrix_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(matrix_app) as client:
        yield client


@pytest.fixture(scope="module")
async def world(
    matrix_app: Litestar, matrix_connection: AsyncConnection, matrix_client: httpx.AsyncClient, settings: Settings
) -> World:
    async with AsyncSession(bind=matrix_connection, join_transaction_mode="create_savepoint") as session:
        built = await build_world(matrix_app, session, settings)
    application = {"kind": "enterprise", "name": "Công ty Đơn", "id_number": "0109555003", "address": {"street": "1"}}
    submitted = await matrix_client.post("/api/v1/registrations", json=application)
    assert submitted.status_code == 201, submitted.text
    built.registration = submitted.json()["number"]
    return built


def test_every_route_has_an_entry(matrix_app: Litestar) -> None:
    routes = _app_routes(matrix_app)
    assert sorted(routes - EXPECTED.keys()) == [], "routes without an entry in the access matrix"
    assert sorted(EXPECTED.keys() - routes) == [], "entries for routes the app does not have"


@pytest.mark.parametrize(("method", "path", "principal", "expected"), _cases())
async def test_access(
    matrix_client: httpx.AsyncClient,
    matrix_connection: AsyncConnection,
    world: World,
    method: str,
    path: str,
    principal: str,
    expected: int,
) -> None:
    savepoint = await matrix_connection.begin_nested()
    try:
        body = BODIES.get((method, path), {} if method in {"POST", "PUT", "PATCH"} else None)
        response = await matrix_client.request(
            method, _concrete(path, world), json=body, headers=world.headers[principal]
        )
    finally:
        await savepoint.rollback()
    assert response.status_code == expected, response.text[:300]
