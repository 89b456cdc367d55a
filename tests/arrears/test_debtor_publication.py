"""The public debtor list (Decree 126/2020 Art. 29): officers select, the head of the office confirms, exclusions.

Worked numbers on 30 Oct 2025: a debt first due 31 Jul 2025 is 91 days overdue (> 90: may be published); one due
1 Aug 2025 is 90 days overdue (not yet). Frozen debts, kept instalment plans and residues under 1 000 000 đ are never
candidates, and a published debtor leaves the public list as soon as its case stops qualifying.
"""

import io
from dataclasses import dataclass

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.arrears import publication
from taxoffice.arrears.categories import Category
from taxoffice.arrears.models import ArrearsCase
from taxoffice.auth.roles import Role
from tests.arrears.worklist_support import D, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
ON = D(2025, 10, 30)
LIST = "/api/v1/public/debtors"
ENTRIES = "/api/v1/arrears/debtor-list/entries"
CANDIDATES = "/api/v1/arrears/debtor-list/candidates"


def test_exclusions_worked() -> None:
    assert publication.exclusion(Category.FROZEN, 50 * M, ON) == "publication.frozen"
    assert publication.exclusion(Category.INSTALMENT, 50 * M, ON) == "publication.instalment"
    assert publication.exclusion(Category.COLLECTIBLE, 999_999, ON) == "publication.small_residue"
    assert publication.exclusion(Category.COLLECTIBLE, 1_000_000, ON) is None
    assert publication.exclusion(Category.DIFFICULT, 2_000 * M, ON) is None


@dataclass
class World:
    """The debtors of 30 Oct 2025, their cases, and an officer and the head of office HNI."""

    debtors: dict[str, Taxpayer]
    cases: dict[str, ArrearsCase]
    officer: dict[str, str]
    head: dict[str, str]


@pytest.fixture
async def world(session: AsyncSession, clock: Clock, login: Login) -> World:
    clock.set(2025, 10, 30)
    debtors: dict[str, Taxpayer] = {}
    cases: dict[str, ArrearsCase] = {}
    for key, name, since, total, category, office in (
        ("d91", "Công ty Quá Hạn", D(2025, 7, 31), 7_654_321, "collectible", "HNI"),
        ("d90", "Công ty Sát Hạn", D(2025, 8, 1), 90 * M, "collectible", "HNI"),
        ("big", "Công ty Nợ Lớn", D(2024, 1, 20), 2_000 * M, "difficult", "HNI"),
        ("edge", "Công ty Một Triệu", D(2025, 1, 20), M, "collectible", "HNI"),
        ("frozen", "Công ty Khoanh Nợ", D(2025, 1, 20), 50 * M, "frozen", "HNI"),
        ("plan", "Công ty Nộp Dần", D(2025, 1, 20), 40 * M, "instalment", "HNI"),
        ("residue", "Công ty Số Dư", D(2025, 1, 20), 999_999, "collectible", "HNI"),
        ("saigon", "Công ty Sài Gòn", D(2025, 1, 20), 5 * M, "collectible", "HCM"),
    ):
        debtors[key] = await taxpayer(session, name, office=office)
        cases[key] = await open_case(
            session, debtors[key], oldest_due_on=since, total=total, as_of=ON, category=category
        )
    return World(
        debtors, cases, await login(Role.OFFICER, tax_office="HNI"), await login(Role.MANAGER, tax_office="HNI")
    )


async def _select(client: httpx.AsyncClient, world: World, *keys: str) -> dict[str, int]:
    chosen = await client.post(ENTRIES, json={"case_ids": [world.cases[k].id for k in keys]}, headers=world.officer)
    assert chosen.status_code == 201, chosen.text
    assert {e["status"] for e in chosen.json()} == {"selected"}
    return {e["tax_code"]: e["id"] for e in chosen.json()}


async def test_officers_select_what_qualifies(client: httpx.AsyncClient, world: World) -> None:
    codes = {key: debtor.tax_code for key, debtor in world.debtors.items()}
    candidates = (await client.get(CANDIDATES, headers=world.officer)).json()
    assert [(c["tax_code"], c["amount_overdue"], c["days_overdue"]) for c in candidates] == [
        (codes["big"], 2_000 * M, 649),
        (codes["d91"], 7_654_321, 91),
        (codes["edge"], M, 283),
    ]
    assert candidates[0]["address"] == "1 Láng, Hà Nội"
    await _select(client, world, "big", "d91")
    assert (await client.get(LIST)).json()["total"] == 0  # nothing is public before the head confirms
    assert [c["tax_code"] for c in (await client.get(CANDIDATES, headers=world.officer)).json()] == [codes["edge"]]
    for key, code in (
        ("frozen", "publication.frozen"),
        ("plan", "publication.instalment"),
        ("residue", "publication.small_residue"),
        ("d90", "publication.not_overdue_enough"),
    ):
        refused = await client.post(ENTRIES, json={"case_ids": [world.cases[key].id]}, headers=world.officer)
        assert refused.status_code == 422, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == [code]
    another_office = await client.post(ENTRIES, json={"case_ids": [world.cases["saigon"].id]}, headers=world.officer)
    assert another_office.status_code == 403
    twice = await client.post(ENTRIES, json={"case_ids": [world.cases["big"].id]}, headers=world.officer)
    assert twice.status_code == 409


async def test_only_the_head_of_the_office_confirms(client: httpx.AsyncClient, world: World, login: Login) -> None:
    entry = (await _select(client, world, "big"))[world.debtors["big"].tax_code]
    confirm = f"{ENTRIES}/{entry}/confirm"
    assert (await client.post(confirm, headers=world.officer)).status_code == 403
    assert (await client.post(confirm, headers=await login(Role.MANAGER, tax_office="HCM"))).status_code == 403
    assert (await client.post(confirm, headers=await login(Role.ADMIN, tax_office=None))).status_code == 403
    assert (await client.get(LIST)).json()["total"] == 0
    confirmed = await client.post(confirm, headers=world.head)
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["confirmed_on"]) == ("published", "2025-10-30")
    assert (await client.post(confirm, headers=world.head)).status_code == 409
    body = (await client.get(LIST)).json()
    assert (body["as_of"], body["over_days"], body["total"]) == ("2025-10-30", 90, 1)
    assert body["debtors"][0] == {
        "tax_code": world.debtors["big"].tax_code,
        "name": "Công ty Nợ Lớn",
        "address": "1 Láng, Hà Nội",
        "amount_overdue": 2_000 * M,
        "overdue_since": "2024-01-20",
        "days_overdue": 649,
        "reason": "Nợ tiền thuế quá 90 ngày kể từ ngày hết thời hạn nộp thuế",
        "published_on": "2025-10-30",
    }


async def test_public_list_pages_searches_and_drops_what_stops_qualifying(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    big, d91 = world.debtors["big"].tax_code, world.debtors["d91"].tax_code
    for entry in (await _select(client, world, "big", "d91")).values():
        assert (await client.post(f"{ENTRIES}/{entry}/confirm", headers=world.head)).status_code == 200
    page_one = (await client.get(LIST, params={"limit": 1})).json()
    assert ([d["tax_code"] for d in page_one["debtors"]], page_one["total"]) == ([big], 2)
    page_two = (await client.get(LIST, params={"limit": 1, "cursor": page_one["next_cursor"]})).json()
    assert ([d["tax_code"] for d in page_two["debtors"]], page_two["next_cursor"]) == ([d91], None)
    by_name = (await client.get(LIST, params={"q": "qua han"})).json()
    assert ([d["tax_code"] for d in by_name["debtors"]], by_name["total"]) == ([d91], 1)
    by_code = (await client.get(LIST, params={"q": d91[:9]})).json()
    assert d91 in [d["tax_code"] for d in by_code["debtors"]]
    assert (await client.get(LIST, params={"cursor": "not-ours"})).status_code == 422

    sheet = load_workbook(io.BytesIO((await client.get(LIST, params={"format": "xlsx"})).content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    reason = "Nợ tiền thuế quá 90 ngày kể từ ngày hết thời hạn nộp thuế"
    assert rows[1] == [2, d91, "Công ty Quá Hạn", 7_654_321, 91, "1 Láng, Hà Nội", "31/07/2025", reason]

    # A published debtor whose debt is frozen afterwards leaves the public list (and the workbook) at once.
    world.cases["big"].category = "frozen"
    await session.commit()
    assert [d["tax_code"] for d in (await client.get(LIST)).json()["debtors"]] == [d91]
    again = load_workbook(io.BytesIO((await client.get(LIST, params={"format": "xlsx"})).content))
    assert [r[1].value for r in again.worksheets[0].iter_rows(min_row=3)] == [d91]
