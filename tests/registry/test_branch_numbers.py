"""A branch's own registration number: the parent's code, a dash, its next suffix (pure rule and over HTTP)."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import taxcode
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.support.users import Login

PARENT = "0100109106"
ENTERPRISE = {
    "kind": "enterprise",
    "name": "Công ty Cổ phần Mẹ",
    "id_number": "0109111222",
    "address": {"street": "5 Tràng Thi"},
}


def check(number: str, *, parent: str = PARENT, kind: str = "enterprise", active: bool = True, next_: int = 1) -> str:
    return taxcode.branch_number(number, parent=parent, parent_kind=kind, parent_active=active, next_suffix=next_)


def test_the_parents_next_suffix_is_accepted() -> None:
    assert check("0100109106-001") == "0100109106-001"
    assert check("0100109106 003", next_=3) == "0100109106-003"
    assert check("0100109106004", next_=4) == "0100109106-004"


@pytest.mark.parametrize(
    ("number", "options", "rule"),
    [
        ("0100109106-000", {}, "tax_code.branch_suffix"),
        ("0100109106-002", {"next_": 1}, "branch_number.suffix"),
        ("0100109106-001", {"next_": 2}, "branch_number.suffix"),  # 001 is taken: suffixes are never reused
        ("0100109106-002", {"parent": "0100109106-001", "next_": 2}, "branch_number.branch_of_branch"),
        ("0100109106-001", {"kind": "individual"}, "branch_number.parent_kind"),
        ("0100109106-001", {"kind": "branch"}, "branch_number.parent_kind"),
        ("0100109106-001", {"active": False}, "branch_number.parent_inactive"),
        ("0100000010-001", {}, "branch_number.parent"),
        ("0100109106", {}, "branch_number.format"),
        ("0100109107-001", {}, "tax_code.check_digit"),
    ],
)
def test_what_the_law_does_not_allow(number: str, options: dict[str, object], rule: str) -> None:
    with pytest.raises(taxcode.InvalidTaxCodeError) as refused:
        check(number, **options)  # type: ignore[arg-type]
    assert refused.value.code == rule


async def _parent(client: httpx.AsyncClient, officer: dict[str, str]) -> str:
    created = await client.post("/api/v1/taxpayers", json=ENTERPRISE, headers=officer)
    assert created.status_code == 201, created.text
    code: str = created.json()["tax_code"]
    return code


def _branch(number: str, parent: str | None = None, kind: str = "branch") -> dict[str, object]:
    body: dict[str, object] = {
        "kind": kind,
        "name": "Chi nhánh Đà Nẵng",
        "id_number": number,
        "address": {"street": "9 Bạch Đằng", "province": "Đà Nẵng"},
    }
    return body | ({"parent_tax_code": parent} if parent else {})


async def test_branch_applies_with_its_own_number_and_gets_it(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    officer = await login(Role.OFFICER)
    parent = await _parent(client, officer)
    receipt = await client.post("/api/v1/registrations", json=_branch(f"{parent}-001"))
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["tax_office"] == "HNI"  # the parent's office
    decided = await client.post(
        f"/api/v1/registrations/{receipt.json()['number']}/decision", json={"approve": True}, headers=officer
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["tax_code"] == f"{parent}-001"
    branch = await session.scalar(select(Taxpayer).where(Taxpayer.tax_code == f"{parent}-001"))
    assert branch is not None
    assert (branch.kind, branch.parent_tax_code, branch.id_number) == ("branch", parent, f"{parent}-001")

    # 001 is now taken: the next application must bring 002 (the parent's code may be left out: it is in the number).
    again = await client.post("/api/v1/registrations", json=_branch(f"{parent}-001", parent))
    assert again.status_code == 422
    assert [(e["field"], e["code"]) for e in again.json()["errors"]] == [("id_number", "branch_number.suffix")]
    direct = await client.post("/api/v1/taxpayers", json=_branch(f"{parent}-002"), headers=officer)
    assert direct.status_code == 201, direct.text
    assert direct.json()["tax_code"] == f"{parent}-002"
    # An old-style number (before 2015) still gets the parent's next code.
    old = await client.post("/api/v1/taxpayers", json=_branch("0109111299", parent), headers=officer)
    assert old.json()["tax_code"] == f"{parent}-003"


async def test_numbers_the_law_does_not_allow_are_refused(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    parent = await _parent(client, officer)

    async def refused(body: dict[str, object]) -> tuple[str, str]:
        answer = await client.post("/api/v1/registrations", json=body)
        assert answer.status_code == 422, answer.text
        error = answer.json()["errors"][0]
        return error["field"], error["code"]

    assert await refused(_branch(f"{parent}-000")) == ("id_number", "tax_code.branch_suffix")
    assert await refused(_branch(f"{parent}-002")) == ("id_number", "branch_number.suffix")
    assert await refused(_branch(f"{parent}-001", f"{parent}-001")) == ("id_number", "branch_number.branch_of_branch")
    assert await refused(_branch(f"{parent}-001", kind="individual")) == ("id_number", "id_number.suffix_not_allowed")
    assert await refused(_branch(f"{parent}-001", kind="enterprise")) == ("id_number", "id_number.suffix_not_allowed")
    _sequence, unknown = taxcode.next_valid_sequence("01", 9_000_000)
    assert await refused(_branch(f"{unknown}-001")) == ("parent_tax_code", "branch_number.parent_unknown")
    closing = await client.post(
        f"/api/v1/taxpayers/{parent}/status",
        json={"status": "05", "reason": "Tạm ngừng", "until": "2099-01-01"},
        headers=officer,
    )
    assert closing.status_code == 200, closing.text
    assert await refused(_branch(f"{parent}-001")) == ("id_number", "branch_number.parent_inactive")
