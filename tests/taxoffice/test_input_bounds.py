"""No 5xx on input: ids beyond the database's range, paging parameters, years and dates out of bounds (PostgreSQL)."""

import re

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.pages import PageClient
from tests.support.users import PASSWORD, Login

BIG = 2**63  # one past PostgreSQL's BIGINT
# Every route with an integer path parameter, as the route table spells it, and a request body it accepts.
INT_ROUTES = {
    ("POST", "/api/v1/arrears/debtor-list/entries/{entry_id:int}/confirm"): None,
    ("GET", "/api/v1/payments/{payment_id:int}"): None,
    ("POST", "/api/v1/payments/{payment_id:int}/assign"): {"tax_code": "0100000010", "note": "x"},
    ("POST", "/api/v1/payments/{payment_id:int}/reversal"): {"reason": "x"},
    ("POST", "/api/v1/extensions/{extension_id:int}/revocation"): {"reason": "x"},
    ("GET", "/api/v1/payments/{payment_id:int}/explanation"): None,
    ("GET", "/api/v1/arrears/cases/{case_id:int}"): None,
    ("POST", "/api/v1/arrears/cases/{case_id:int}/actions"): {"kind": "note", "note": "x"},
    ("POST", "/api/v1/arrears/cases/{case_id:int}/assign"): {"officer_id": 1},
    ("POST", "/api/v1/arrears/cases/{case_id:int}/notices"): {},
    ("GET", "/api/v1/taxpayers/{tax_code:str}/notices/{notice_id:int}/file"): None,
    ("GET", "/api/v1/taxpayers/{tax_code:str}/notices/{notice_id:int}/pdf"): None,
    ("GET", "/api/v1/mail/outbox/{message_id:int}"): None,
    ("GET", "/api/v1/returns/{return_id:int}/receipt.pdf"): None,
    ("GET", "/api/v1/returns/{return_id:int}/notice.pdf"): None,
    ("GET", "/api/v1/reports/files/{file_id:int}"): None,
    ("GET", "/api/v1/jobs/{run_id:int}"): None,
    ("GET", "/api/v1/returns/{return_id:int}"): None,
    ("GET", "/api/v1/fines/{fine_id:int}"): None,
    ("POST", "/api/v1/fines/{fine_id:int}/confirm"): {},
}
# Pages with an integer path parameter, and the role they are for: opened (forms posted empty) by a browser logged
# in with that role, answered by the 404 page.
PAGE_INT_ROUTES = {
    ("POST", "/officer/debtors/{entry_id:int}/confirm"): Role.MANAGER,
    ("GET", "/taxpayer/returns/{return_id:int}"): Role.TAXPAYER,
    ("GET", "/taxpayer/returns/{return_id:int}/receipt.pdf"): Role.TAXPAYER,
    ("GET", "/taxpayer/returns/{return_id:int}/notice.pdf"): Role.TAXPAYER,
    ("GET", "/officer/arrears/{case_id:int}"): Role.OFFICER,
    ("POST", "/officer/arrears/{case_id:int}/actions"): Role.OFFICER,
    ("POST", "/officer/arrears/{case_id:int}/plan"): Role.OFFICER,
    ("POST", "/officer/arrears/{case_id:int}/assign"): Role.OFFICER,
    ("POST", "/officer/arrears/{case_id:int}/notices"): Role.OFFICER,
    ("POST", "/officer/payments/{payment_id:int}/assign"): Role.OFFICER,
    ("POST", "/officer/fines/{fine_id:int}/confirm"): Role.OFFICER,
    ("GET", "/admin/outbox/{message_id:int}"): Role.ADMIN,
}


def int_routes(app: Litestar) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in app.routes
        if ":int}" in route.path
        for method in getattr(route, "methods", ())
        if method not in {"HEAD", "OPTIONS"}
    }


def test_every_route_with_an_integer_path_parameter_is_probed(app: Litestar) -> None:
    assert int_routes(app) == set(INT_ROUTES) | set(PAGE_INT_ROUTES)


@pytest.mark.parametrize(("method", "path"), sorted(PAGE_INT_ROUTES))
@pytest.mark.parametrize("value", [BIG, 10**30, -(2**63) - 1])
async def test_a_page_with_an_id_beyond_the_database_is_the_not_found_page(
    app: Litestar, login: Login, method: str, path: str, value: int
) -> None:
    role = PAGE_INT_ROUTES[(method, path)]
    await login(role, username="bounds", tax_code="0100000010" if role is Role.TAXPAYER else None)
    async with PageClient(app) as browser:
        await browser.log_in("bounds", PASSWORD)
        url = re.sub(r"\{\w+:int\}", str(value), path)
        answer = await (browser.get(url) if method == "GET" else browser.post(url, {}))
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("method", "path"), list(INT_ROUTES))
@pytest.mark.parametrize("value", [BIG, 10**30, -(2**63) - 1])
async def test_an_id_beyond_the_database_is_not_found(
    client: httpx.AsyncClient, login: Login, method: str, path: str, value: int
) -> None:
    url = re.sub(r"\{tax_code:str\}", "0100000010", path)
    url = re.sub(r"\{\w+:int\}", str(value), url)
    answer = await client.request(method, url, json=INT_ROUTES[(method, path)], headers=await login(Role.ADMIN))
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_the_largest_id_is_just_not_found(client: httpx.AsyncClient, login: Login) -> None:
    answer = await client.get(f"/api/v1/payments/{BIG - 1}", headers=await login(Role.ADMIN))
    assert answer.status_code == 404
    assert "No payment" in answer.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-5",
        "limit=201",
        "limit=abc",
        f"cursor={BIG}",
        "cursor=-1",
    ],
)
async def test_payment_paging_is_bounded(client: httpx.AsyncClient, login: Login, query: str) -> None:
    answer = await client.get(f"/api/v1/payments?{query}", headers=await login(Role.OFFICER))
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_payment_paging_within_bounds(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    for query in ("limit=1", "limit=200", f"cursor={BIG - 1}", "cursor=0"):
        assert (await client.get(f"/api/v1/payments?{query}", headers=officer)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/arrears/cases?officer_id={BIG}",
        "/api/v1/arrears/cases?limit=0",
        "/api/v1/taxpayers?limit=0",
        "/api/v1/registrations?limit=1000",
        "/api/v1/taxpayers/{code}/obligations?year=99999",
        "/api/v1/taxpayers/{code}/obligations?year=1999",
        "/api/v1/reports/targets?year=99999",
        "/api/v1/calendar/holidays?year=99999",
    ],
)
async def test_query_numbers_out_of_range_are_bad_requests(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, url: str
) -> None:
    code = (await register_enterprise(session, "0109666031")).tax_code
    answer = await client.get(url.format(code=code), headers=await login(Role.ADMIN))
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/taxpayers/{code}/account?as_of=9999-12-31", "as_of"),
        ("/api/v1/taxpayers/{code}/account?as_of=0001-01-01", "as_of"),
        ("/api/v1/calendar/working-days/9999-12-31?plus=366", "day"),
        ("/api/v1/calendar/working-days/1999-12-31", "day"),
        ("/api/v1/reports/collections?as_of=9999-12-31", "as_of"),
        ("/api/v1/reports/taxpayer-growth?from=0001-01-01&to=0001-12-31", "from"),
        ("/api/v1/arrears/oversight?from=0001-01-01", "from"),
    ],
)
async def test_dates_out_of_range_are_refused(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, url: str, field: str
) -> None:
    code = (await register_enterprise(session, "0109666032")).tax_code
    answer = await client.get(url.format(code=code), headers=await login(Role.ADMIN))
    assert answer.status_code == 422, answer.text
    assert field in {e["field"] for e in answer.json()["errors"]}


async def test_dates_in_range_are_answered(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    code = (await register_enterprise(session, "0109666033")).tax_code
    admin = await login(Role.ADMIN)
    assert (await client.get(f"/api/v1/taxpayers/{code}/account?as_of=2100-12-31", headers=admin)).status_code == 200
    assert (await client.get("/api/v1/calendar/working-days/2026-04-30?plus=3", headers=admin)).status_code == 200
    assert (await client.get(f"/api/v1/taxpayers/{code}/obligations?year=2026", headers=admin)).status_code == 200


async def test_record_dates_out_of_range_are_refused(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    code = (await register_enterprise(session, "0109666034")).tax_code
    officer = await login(Role.OFFICER)
    suspend = {"status": "05", "reason": "x", "effective_on": "9999-12-30", "until": "9999-12-31"}
    answer = await client.post(f"/api/v1/taxpayers/{code}/status", json=suspend, headers=officer)
    assert answer.status_code == 422, answer.text
    body = {"kind": "enterprise", "name": "Cty", "id_number": "0109666035", "address": {"street": "1"}}
    answer = await client.post("/api/v1/taxpayers", json={**body, "registered_on": "1900-01-01"}, headers=officer)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["code"] == "registered_on.out_of_range"
    answer = await client.post("/api/v1/arrears/cases/1/assign", json={"officer_id": BIG}, headers=officer)
    assert answer.status_code == 400, answer.text
