"""Who may do what: anonymous 401, wrong role 403, another taxpayer's data 404."""

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import TaxpayerChange
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.users import Login


async def test_anonymous_gets_401_problem(client: httpx.AsyncClient, session: AsyncSession) -> None:
    tp = await register_enterprise(session, "0109100001")
    for method, path in [
        ("GET", f"/api/v1/taxpayers/{tp.tax_code}"),
        ("GET", "/api/v1/taxpayers"),
        ("PATCH", f"/api/v1/taxpayers/{tp.tax_code}"),
        ("POST", "/api/v1/taxpayers"),
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/registrations"),
    ]:
        response = await client.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_bad_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401


async def test_taxpayer_cannot_read_or_change_another(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    mine = await register_enterprise(session, "0109100002")
    other = await register_enterprise(session, "0109100003", "Công ty Khác")
    me = await login(Role.TAXPAYER, tax_code=mine.tax_code)
    assert (await client.get(f"/api/v1/taxpayers/{mine.tax_code}", headers=me)).status_code == 200
    read = await client.get(f"/api/v1/taxpayers/{other.tax_code}", headers=me)
    assert read.status_code == 404
    changes_before = await session.scalar(select(func.count()).select_from(TaxpayerChange))
    write = await client.patch(f"/api/v1/taxpayers/{other.tax_code}", json={"phone": "0900000000"}, headers=me)
    assert write.status_code == 404
    assert (await client.get(f"/api/v1/taxpayers/{other.tax_code}/history", headers=me)).status_code == 404
    assert await session.scalar(select(func.count()).select_from(TaxpayerChange)) == changes_before


async def test_taxpayer_changes_own_contacts_not_name(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    mine = await register_enterprise(session, "0109100004")
    me = await login(Role.TAXPAYER, tax_code=mine.tax_code)
    ok = await client.patch(
        f"/api/v1/taxpayers/{mine.tax_code}", json={"phone": "0912345678", "email": "a@b.vn"}, headers=me
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["phone"] == "0912345678"
    refused = await client.patch(f"/api/v1/taxpayers/{mine.tax_code}", json={"name": "Tên mới"}, headers=me)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "name"
    assert (
        await client.post(f"/api/v1/taxpayers/{mine.tax_code}/status", json={"status": "03", "reason": "x"}, headers=me)
    ).status_code == 403


async def test_officer_renames_and_history_records_it(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    tp = await register_enterprise(session, "0109100005")
    officer = await login(Role.OFFICER)
    renamed = await client.patch(
        f"/api/v1/taxpayers/{tp.tax_code}", json={"name": "Công ty Mới Đổi Tên"}, headers=officer
    )
    assert renamed.status_code == 200
    found = await client.get("/api/v1/taxpayers", params={"q": "moi doi ten"}, headers=officer)
    assert [t["tax_code"] for t in found.json()["items"]] == [tp.tax_code]
    history = (await client.get(f"/api/v1/taxpayers/{tp.tax_code}/history", headers=officer)).json()
    assert history[-1]["fields"]["name"] == {"from": "Công ty TNHH Kiểm Thử", "to": "Công ty Mới Đổi Tên"}


async def test_public_lookup_needs_no_login(client: httpx.AsyncClient, session: AsyncSession) -> None:
    tp = await register_enterprise(session, "0109100006")
    response = await client.get(f"/api/v1/public/taxpayers/{tp.tax_code}")
    assert response.status_code == 200
    assert response.json() == {
        "tax_code": tp.tax_code,
        "name": tp.name,
        "status": "00",
        "status_label": "Active",
        "tax_office": "HNI",
    }
    assert (await client.get("/api/v1/public/taxpayers/0100109106")).status_code == 404
    assert (await client.get("/api/v1/public/taxpayers/0100000050")).status_code == 422


async def test_only_admins_manage_users(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    body = {"username": "newofficer", "password": "long-enough-password", "role": "officer"}
    assert (await client.post("/api/v1/users", json=body, headers=officer)).status_code == 403
    admin = await login(Role.ADMIN)
    created = await client.post("/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201
    assert "password" not in created.text
    assert (await client.post("/api/v1/users", json=body, headers=admin)).status_code == 409
