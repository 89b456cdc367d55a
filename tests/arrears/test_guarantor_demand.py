"""A missed instalment calls on the plan's guarantor: form 02/NDAN within five working days (Circular 80 Art. 66.4)."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears.models import ArrearsCase
from taxoffice.auth.roles import Role
from tests.arrears.worklist_support import D, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
BANK = "Ngân hàng TMCP Ngoại thương Việt Nam"
# 12,000,000 đ in three: 15 Nov 2025, 15 Dec 2025, 15 Jan 2026; the bank guarantees all of it until 31 Jan 2026.
PLAN = {
    "kind": "instalment_plan",
    "instalments": [{"due_on": day, "amount": 4 * M} for day in ("2025-11-15", "2025-12-15", "2026-01-15")],
    "guarantee": {"guarantor": BANK, "amount": 12 * M, "valid_until": "2026-01-31"},
}
DEMAND = {"kind": "guarantor_demand"}


@pytest.fixture
async def case(
    session: AsyncSession, clock: Clock, client: httpx.AsyncClient, login: Login
) -> tuple[ArrearsCase, dict[str, str]]:
    """12,000,000 overdue since 31 Jul 2025; the plan above agreed on 30 Oct 2025; an officer's headers."""
    clock.set(2025, 10, 30)
    debtor = await taxpayer(session, "Công ty Bảo Lãnh")
    case = await open_case(session, debtor, oldest_due_on=D(2025, 7, 31), total=12 * M, as_of=D(2025, 10, 30))
    officer = await login(Role.OFFICER)
    agreed = await client.post(f"/api/v1/arrears/cases/{case.id}/actions", json=PLAN, headers=officer)
    assert agreed.status_code == 201, agreed.text
    return case, officer


async def test_a_missed_instalment_asks_the_guarantor_by_the_fifth_working_day(
    client: httpx.AsyncClient, clock: Clock, case: tuple[ArrearsCase, dict[str, str]]
) -> None:
    arrears, officer = case
    url = f"/api/v1/arrears/cases/{arrears.id}"
    # Nothing paid for the instalment due Sat 15 Nov 2025: missed from Sun 16 Nov; five working days after its
    # deadline are Mon 17 to Fri 21 Nov, so 02/NDAN goes to the bank by 21 Nov for the 4,000,000 lacking.
    clock.set(2025, 11, 20)
    seen = (await client.get(url, headers=officer)).json()
    assert seen["plan"]["status"] == "missed"
    assert seen["plan"]["guarantor_demand"] == {
        "form": "02/NDAN",
        "guarantor": BANK,
        "amount": 4 * M,
        "missed_on": "2025-11-16",
        "due_by": "2025-11-21",
        "sent_on": None,
    }
    sent = await client.post(f"{url}/actions", json=DEMAND, headers=officer)
    assert sent.status_code == 201, sent.text
    action = sent.json()["action"]
    assert action["kind"] == "guarantor_demand"
    assert action["details"] == {
        "form": "02/NDAN",
        "guarantor": BANK,
        "amount": 4 * M,
        "missed_on": "2025-11-16",
        "due_by": "2025-11-21",
        "legal_basis": "Thông tư 80/2021/TT-BTC Điều 66 khoản 4",
    }
    assert sent.json()["case"]["plan"]["guarantor_demand"]["sent_on"] == "2025-11-20"
    # Once is enough for one missed instalment.
    again = await client.post(f"{url}/actions", json=DEMAND, headers=officer)
    assert again.status_code == 409, again.text
    assert "2025-11-20" in again.json()["detail"]


async def test_no_demand_while_the_plan_is_kept(
    client: httpx.AsyncClient, clock: Clock, case: tuple[ArrearsCase, dict[str, str]]
) -> None:
    arrears, officer = case
    clock.set(2025, 11, 15)  # the first instalment is due today: it can still be paid
    url = f"/api/v1/arrears/cases/{arrears.id}"
    seen = (await client.get(url, headers=officer)).json()
    assert seen["plan"]["status"] == "kept"
    assert seen["plan"]["guarantee"] == {"guarantor": BANK, "amount": 12 * M, "valid_until": "2026-01-31"}
    assert seen["plan"]["guarantor_demand"] is None
    refused = await client.post(f"{url}/actions", json=DEMAND, headers=officer)
    assert refused.status_code == 422, refused.text
    assert [e["code"] for e in refused.json()["errors"]] == ["guarantor_demand.no_missed_instalment"]
