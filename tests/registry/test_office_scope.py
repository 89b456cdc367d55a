"""Officers act within their own tax office; managers read the registry but do not change it (PostgreSQL, HTTP)."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import RegistrationApplication, Taxpayer
from taxoffice.auth.roles import Role
from tests.support.users import Login

ENTERPRISE = {
    "kind": "enterprise",
    "name": "Công ty TNHH Hai Văn Phòng",
    "id_number": "0109555001",
    "address": {"street": "1 Tràng Tiền"},
}
STATUS = {"status": "06", "reason": "Không hoạt động tại địa chỉ đăng ký"}


@pytest.fixture
async def hanoi_code(client: httpx.AsyncClient, login: Login) -> str:
    """A taxpayer of tax office HNI, registered by one of its officers."""
    created = await client.post("/api/v1/taxpayers", json=ENTERPRISE, headers=await login(Role.OFFICER))
    assert created.status_code == 201, created.text
    assert created.json()["tax_office"] == "HNI"
    code: str = created.json()["tax_code"]
    return code


def branch_of(parent: str, **extra: object) -> dict[str, object]:
    return {
        "kind": "branch",
        "name": "Chi nhánh Hải Phòng",
        "id_number": "0109555002",
        "address": {"street": "2 Lạch Tray"},
        "parent_tax_code": parent,
        **extra,
    }


async def test_officer_of_another_office_reads_but_cannot_change_a_taxpayer(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, hanoi_code: str
) -> None:
    saigon = await login(Role.OFFICER, tax_office="HCM")
    assert (await client.get(f"/api/v1/taxpayers/{hanoi_code}", headers=saigon)).status_code == 200

    patched = await client.patch(f"/api/v1/taxpayers/{hanoi_code}", json={"email": "x@y.vn"}, headers=saigon)
    assert patched.status_code == 403, patched.text
    assert patched.headers["content-type"].startswith("application/problem+json")
    assert "HCM" in patched.json()["detail"]
    status = await client.post(f"/api/v1/taxpayers/{hanoi_code}/status", json=STATUS, headers=saigon)
    assert status.status_code == 403, status.text
    moved = await client.patch(f"/api/v1/taxpayers/{hanoi_code}", json={"tax_office": "HCM"}, headers=saigon)
    assert moved.status_code == 403
    taxpayer = await session.scalar(select(Taxpayer).where(Taxpayer.tax_code == hanoi_code))
    assert taxpayer is not None
    await session.refresh(taxpayer)
    assert (taxpayer.email, taxpayer.status, taxpayer.tax_office) == (None, "00", "HNI")


async def test_officer_of_the_office_changes_its_taxpayer(
    client: httpx.AsyncClient, login: Login, hanoi_code: str
) -> None:
    hanoi = await login(Role.OFFICER, tax_office="HNI")
    patched = await client.patch(f"/api/v1/taxpayers/{hanoi_code}", json={"email": "ketoan@a.vn"}, headers=hanoi)
    assert patched.status_code == 200, patched.text
    assert patched.json()["email"] == "ketoan@a.vn"
    # Moving it to another office is handing it over: an officer cannot push a record into an office not theirs.
    handed = await client.patch(f"/api/v1/taxpayers/{hanoi_code}", json={"tax_office": "HCM"}, headers=hanoi)
    assert handed.status_code == 403
    status = await client.post(f"/api/v1/taxpayers/{hanoi_code}/status", json=STATUS, headers=hanoi)
    assert status.status_code == 200, status.text
    assert status.json()["status"] == "06"
    admin = await login(Role.ADMIN, tax_office=None)
    handed = await client.patch(f"/api/v1/taxpayers/{hanoi_code}", json={"tax_office": "HCM"}, headers=admin)
    assert handed.status_code == 200, handed.text


async def test_manager_reads_but_cannot_patch(client: httpx.AsyncClient, login: Login, hanoi_code: str) -> None:
    manager = await login(Role.MANAGER)
    assert (await client.get(f"/api/v1/taxpayers/{hanoi_code}", headers=manager)).status_code == 200
    patched = await client.patch(f"/api/v1/taxpayers/{hanoi_code}", json={"email": "m@a.vn"}, headers=manager)
    assert patched.status_code == 403
    assert patched.headers["content-type"].startswith("application/problem+json")


async def test_taxpayer_still_changes_its_own_contacts(
    client: httpx.AsyncClient, login: Login, hanoi_code: str
) -> None:
    me = await login(Role.TAXPAYER, tax_code=hanoi_code, tax_office=None)
    patched = await client.patch(f"/api/v1/taxpayers/{hanoi_code}", json={"phone": "0912345678"}, headers=me)
    assert patched.status_code == 200, patched.text


async def test_branches_are_created_by_the_parents_office(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, hanoi_code: str
) -> None:
    saigon = await login(Role.OFFICER, tax_office="HCM")
    for body in (branch_of(hanoi_code), branch_of(hanoi_code, tax_office="HCM")):
        refused = await client.post("/api/v1/taxpayers", json=body, headers=saigon)
        assert refused.status_code == 403, refused.text
    branches = select(func.count()).select_from(Taxpayer).where(Taxpayer.parent_tax_code == hanoi_code)
    assert await session.scalar(branches) == 0
    direct = await client.post("/api/v1/taxpayers", json={**ENTERPRISE, "tax_office": "HNI"}, headers=saigon)
    assert direct.status_code == 403

    created = await client.post("/api/v1/taxpayers", json=branch_of(hanoi_code), headers=await login(Role.OFFICER))
    assert created.status_code == 201, created.text
    assert created.json()["tax_office"] == "HNI"


async def test_registration_decisions_belong_to_the_applications_office(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login(Role.ADMIN, tax_office=None)
    parent = await client.post("/api/v1/taxpayers", json={**ENTERPRISE, "tax_office": "HCM"}, headers=admin)
    assert parent.status_code == 201, parent.text
    # A branch's application belongs to its parent's office.
    receipt = await client.post("/api/v1/registrations", json=branch_of(parent.json()["tax_code"]))
    assert receipt.status_code == 201, receipt.text
    number = receipt.json()["number"]
    hanoi = await login(Role.OFFICER, tax_office="HNI")
    for decision in ({"approve": True}, {"approve": False, "reason": "Thiếu hồ sơ"}):
        refused = await client.post(f"/api/v1/registrations/{number}/decision", json=decision, headers=hanoi)
        assert refused.status_code == 403, refused.text
    application = await session.scalar(select(RegistrationApplication).where(RegistrationApplication.number == number))
    assert application is not None
    assert application.status == "submitted"

    saigon = await login(Role.OFFICER, tax_office="HCM")
    decided = await client.post(f"/api/v1/registrations/{number}/decision", json={"approve": True}, headers=saigon)
    assert decided.status_code == 200, decided.text
    taxpayer = await session.scalar(select(Taxpayer).where(Taxpayer.tax_code == decided.json()["tax_code"]))
    assert taxpayer is not None
    assert taxpayer.tax_office == "HCM"


async def test_an_application_without_office_goes_to_the_default_office(
    client: httpx.AsyncClient, login: Login
) -> None:
    number = (await client.post("/api/v1/registrations", json=ENTERPRISE)).json()["number"]
    saigon = await login(Role.OFFICER, tax_office="HCM")
    refused = await client.post(f"/api/v1/registrations/{number}/decision", json={"approve": True}, headers=saigon)
    assert refused.status_code == 403
    officerless = await login(Role.OFFICER, tax_office=None)
    refused = await client.post(f"/api/v1/registrations/{number}/decision", json={"approve": True}, headers=officerless)
    assert refused.status_code == 403
    hanoi = await login(Role.OFFICER)
    decided = await client.post(f"/api/v1/registrations/{number}/decision", json={"approve": True}, headers=hanoi)
    assert decided.status_code == 200, decided.text
