"""Registration applications and direct registration, end to end over HTTP on PostgreSQL."""

import datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import taxcode
from registry.models import RegistrationApplication, Taxpayer
from taxoffice.auth.models import AuditEvent, User
from taxoffice.auth.roles import Role
from tests.support.users import Login

APPLICATION = {
    "kind": "enterprise",
    "name": "Công ty TNHH Kiểm Thử",
    "id_number": "0109876543",
    "address": {"street": "12 Láng Hạ", "ward": "Láng Hạ", "district": "Đống Đa"},
    "email": "ketoan@kiemthu.vn",
}


async def test_apply_follow_and_approve(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    receipt = await client.post("/api/v1/registrations", json=APPLICATION)
    assert receipt.status_code == 201, receipt.text
    body = receipt.json()
    assert body["status"] == "submitted"
    assert datetime.date.fromisoformat(body["due_on"]) > datetime.datetime.now(
        datetime.UTC
    ).date() - datetime.timedelta(days=1)

    followed = await client.get(f"/api/v1/registrations/{body['number']}")
    assert followed.status_code == 200
    assert followed.json()["status"] == "submitted"
    assert followed.json()["tax_code"] is None

    officer = await login(Role.OFFICER)
    decided = await client.post(
        f"/api/v1/registrations/{body['number']}/decision", json={"approve": True}, headers=officer
    )
    assert decided.status_code == 200, decided.text
    result = decided.json()
    assert result["status"] == "approved"
    assert taxcode.is_valid(result["tax_code"])
    assert result["username"] == result["tax_code"]
    assert len(result["initial_password"]) >= 12

    # The taxpayer exists with the application's data and can log in with the one-time password.
    taxpayer = await session.scalar(select(Taxpayer).where(Taxpayer.tax_code == result["tax_code"]))
    assert taxpayer is not None
    assert taxpayer.name == "Công ty TNHH Kiểm Thử"
    assert taxpayer.name_search == "cong ty tnhh kiem thu"
    token = await client.post(
        "/api/v1/auth/token", json={"username": result["username"], "password": result["initial_password"]}
    )
    assert token.status_code == 200, token.text
    assert token.json()["must_change_password"] is True
    first = {"Authorization": f"Bearer {token.json()['access_token']}"}
    # That token is only good for changing the password; the new password's token reaches the taxpayer's record.
    assert (await client.get(f"/api/v1/taxpayers/{result['tax_code']}", headers=first)).status_code == 403
    new = "my-own-secret-phrase-2026"
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": result["initial_password"], "new_password": new},
        headers=first,
    )
    assert changed.status_code == 204, changed.text
    token = await client.post("/api/v1/auth/token", json={"username": result["username"], "password": new})
    me = {"Authorization": f"Bearer {token.json()['access_token']}"}
    own = await client.get(f"/api/v1/taxpayers/{result['tax_code']}", headers=me)
    assert own.status_code == 200
    assert own.json()["address"]["district"] == "Đống Đa"

    after = await client.get(f"/api/v1/registrations/{body['number']}")
    assert after.json()["status"] == "approved"
    assert after.json()["tax_code"] == result["tax_code"]
    # A second decision on the same application is refused.
    again = await client.post(
        f"/api/v1/registrations/{body['number']}/decision", json={"approve": False, "reason": "x"}, headers=officer
    )
    assert again.status_code == 409
    actions = set(await session.scalars(select(AuditEvent.action)))
    assert {"registration.submit", "registration.approved", "taxpayer.register", "user.create"} <= actions


async def test_reject_needs_reason(client: httpx.AsyncClient, login: Login) -> None:
    number = (await client.post("/api/v1/registrations", json=APPLICATION)).json()["number"]
    officer = await login(Role.OFFICER)
    no_reason = await client.post(f"/api/v1/registrations/{number}/decision", json={"approve": False}, headers=officer)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    rejected = await client.post(
        f"/api/v1/registrations/{number}/decision",
        json={"approve": False, "reason": "Thiếu giấy phép"},
        headers=officer,
    )
    assert rejected.json()["status"] == "rejected"
    assert (await client.get(f"/api/v1/registrations/{number}")).json()["reason"] == "Thiếu giấy phép"


async def test_only_officers_decide(client: httpx.AsyncClient, login: Login) -> None:
    number = (await client.post("/api/v1/registrations", json=APPLICATION)).json()["number"]
    assert (await client.post(f"/api/v1/registrations/{number}/decision", json={"approve": True})).status_code == 401
    manager = await login(Role.MANAGER)
    denied = await client.post(f"/api/v1/registrations/{number}/decision", json={"approve": True}, headers=manager)
    assert denied.status_code == 403
    assert denied.headers["content-type"].startswith("application/problem+json")


async def test_overdue_applications_listed(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    number = (await client.post("/api/v1/registrations", json=APPLICATION)).json()["number"]
    app = await session.scalar(select(RegistrationApplication).where(RegistrationApplication.number == number))
    assert app is not None
    app.submitted_on = datetime.date(2026, 1, 5)
    app.due_on = datetime.date(2026, 1, 8)
    await session.commit()
    officer = await login(Role.OFFICER)
    overdue = await client.get("/api/v1/registrations", params={"overdue": "true"}, headers=officer)
    assert overdue.status_code == 200
    assert [a["number"] for a in overdue.json()] == [number]
    assert overdue.json()[0]["is_overdue"] is True


async def test_unknown_application_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/registrations/20260101000000000000")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:taxoffice:problem:not-found"


async def test_officer_registers_enterprise_and_branches(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    parent = await client.post("/api/v1/taxpayers", json=APPLICATION, headers=officer)
    assert parent.status_code == 201, parent.text
    parent_code = parent.json()["tax_code"]
    assert len(parent_code) == 10
    assert taxcode.is_valid(parent_code)
    branch = {**APPLICATION, "kind": "branch", "name": "Chi nhánh Cầu Giấy", "parent_tax_code": parent_code}
    first = await client.post("/api/v1/taxpayers", json=branch, headers=officer)
    second = await client.post("/api/v1/taxpayers", json=branch, headers=officer)
    assert first.json()["tax_code"] == f"{parent_code}-001"
    assert second.json()["tax_code"] == f"{parent_code}-002"
    assert second.json()["tax_office"] == parent.json()["tax_office"]


async def test_same_id_number_twice_is_conflict(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    officer = await login(Role.OFFICER)
    assert (await client.post("/api/v1/taxpayers", json=APPLICATION, headers=officer)).status_code == 201
    before = await session.scalar(select(func.count()).select_from(Taxpayer))
    clash = await client.post("/api/v1/taxpayers", json=APPLICATION, headers=officer)
    assert clash.status_code == 409
    assert "0109876543" in clash.json()["detail"]
    assert await session.scalar(select(func.count()).select_from(Taxpayer)) == before


async def test_individual_after_july_2025_uses_personal_id(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    person = {
        "kind": "individual",
        "name": "Nguyễn Văn An",
        "id_number": "001090123456",
        "address": {"street": "5 Kim Mã"},
        "registered_on": "2025-08-01",
    }
    created = await client.post("/api/v1/taxpayers", json=person, headers=officer)
    assert created.status_code == 201, created.text
    assert created.json()["tax_code"] == "001090123456"
    earlier = {**person, "id_number": "001090123457", "registered_on": "2025-06-30"}
    old_rule = await client.post("/api/v1/taxpayers", json=earlier, headers=officer)
    assert len(old_rule.json()["tax_code"]) == 10


async def test_generated_codes_never_repeat(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    codes = set()
    for i in range(15):
        body = {**APPLICATION, "id_number": f"01099{i:05d}"}
        response = await client.post("/api/v1/taxpayers", json=body, headers=officer)
        assert response.status_code == 201, response.text
        codes.add(response.json()["tax_code"])
    assert len(codes) == 15
    assert all(taxcode.is_valid(c) for c in codes)


async def test_users_table_has_taxpayer_login(session: AsyncSession) -> None:
    assert await session.scalar(select(func.count()).select_from(User)) is not None
