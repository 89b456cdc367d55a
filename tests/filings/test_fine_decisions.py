"""Late-filing fines by decision: a draft at acceptance, an officer's confirmation (as proposed or amended), the
charge only then, the taxpayer seeing the decision with its legal basis; and a wrongly rejected first receipt."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from tests.filings.test_returns_api import M, vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login


@pytest.fixture
async def filer(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 3, 10)
    return await register_enterprise(session, "0109555401", "Công ty TNHH Nộp Muộn")


async def _charges(client: httpx.AsyncClient, tax_code: str, headers: dict[str, str]) -> list[tuple[str, int, str]]:
    found = (await client.get(f"/api/v1/taxpayers/{tax_code}/charges", headers=headers)).json()
    return [(c["kind"], c["amount"], c["due_on"]) for c in found["charges"]]


async def test_a_draft_is_confirmed_amended_and_only_then_charged(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    officer = await login(Role.OFFICER, username="o-fines", tax_office="HNI")
    # January 2026 VAT filed on 10 March: 15 days after the effective deadline of 23 February.
    filed = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    assert filed.json()["days_late"] == 15
    drafts = (await client.get("/api/v1/fines", params={"status": "draft"}, headers=officer)).json()
    assert len(drafts) == 1
    draft = drafts[0]
    # Art. 13(2): 2-5 million, the midpoint 3.5 million with no circumstance; Decree 310/2025 in force on 10 March.
    assert (draft["proposed_amount"], draft["clause"], draft["status"]) == (3_500_000, "13.2", "draft")
    assert draft["legal_basis"] == "Nghị định 125/2020/NĐ-CP, Điều 13, sửa đổi bởi Nghị định 310/2025/NĐ-CP"
    # The taxpayer neither sees a draft nor decides it; nothing is charged yet.
    assert (await client.get(f"/api/v1/fines/{draft['id']}", headers=me)).status_code == 404
    assert (await client.get("/api/v1/fines", headers=me)).json() == []
    confirm = f"/api/v1/fines/{draft['id']}/confirm"
    assert (await client.post(confirm, json={}, headers=me)).status_code == 403
    assert await _charges(client, filer.tax_code, me) == [("tax", 20 * M, "2026-02-23")]
    # The officer finds one mitigating circumstance: 3,500,000 less 10 % of the midpoint = 3,150,000.
    body = {"mitigating": 1, "circumstances": "Lần đầu vi phạm, tự giác khai báo"}
    decided = await client.post(confirm, json=body, headers=officer)
    assert decided.status_code == 201, decided.text
    fine = decided.json()
    assert (fine["status"], fine["amount"], fine["proposed_amount"], fine["due_on"]) == (
        "confirmed",
        3_150_000,
        3_500_000,
        "2026-03-24",  # 10 working days after 10 March
    )
    assert await _charges(client, filer.tax_code, me) == [
        ("tax", 20 * M, "2026-02-23"),
        ("fine", 3_150_000, "2026-03-24"),
    ]
    seen = (await client.get(f"/api/v1/fines/{draft['id']}", headers=me)).json()
    assert (seen["amount"], seen["clause"], seen["legal_basis"]) == (3_150_000, "13.2", draft["legal_basis"])
    # Decided once: a second confirmation is a conflict, and nothing more is charged.
    assert (await client.post(confirm, json={}, headers=officer)).status_code == 409
    assert len(await _charges(client, filer.tax_code, me)) == 2
    events = list(await session.scalars(select(AuditEvent).where(AuditEvent.action == "fine.confirm")))
    assert [(e.actor, e.data["proposed"], e.data["amount"]) for e in events] == [("o-fines", 3_500_000, 3_150_000)]


async def test_a_short_delay_with_a_mitigating_circumstance_is_a_warning(
    client: httpx.AsyncClient, login: Login, filer: Taxpayer, clock: Clock
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    officer = await login(Role.OFFICER, username="o-warn", tax_office="HNI")
    clock.set(2026, 2, 26)  # 3 days after the deadline of Monday 23 February
    filed = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    assert filed.json()["days_late"] == 3
    (draft,) = (await client.get("/api/v1/fines", headers=officer)).json()
    fine = (await client.post(f"/api/v1/fines/{draft['id']}/confirm", json={"mitigating": 1}, headers=officer)).json()
    # Art. 13(1): 1-5 days late with a mitigating circumstance is a warning; nothing is charged.
    assert (fine["warning"], fine["amount"], fine["clause"], fine["due_on"]) == (True, 0, "13.1", None)
    assert await _charges(client, filer.tax_code, me) == [("tax", 20 * M, "2026-02-23")]


async def test_a_wrongly_rejected_first_receipt_keeps_its_time(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer, clock: Clock
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    officer = await login(Role.OFFICER, username="o-wrong", tax_office="HNI")
    # On 20 February, before the deadline, the office wrongly records the code as closed and rejects the return.
    clock.set(2026, 2, 20)
    filer.status = "01"
    await session.commit()
    first = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    ).json()
    assert (first["status"], [e["rule"] for e in first["errors"]]) == ("rejected", ["TAXPAYER-STATUS"])
    # The error is put right; the same figures are sent again on 10 March, 15 days after the deadline.
    filer.status = "00"
    await session.commit()
    clock.set(2026, 3, 10)
    again = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    ).json()
    assert (again["status"], again["days_late"]) == ("accepted", 0)
    assert (await client.get("/api/v1/fines", headers=officer)).json() == []


async def test_other_figures_after_a_rejection_are_late(
    client: httpx.AsyncClient, login: Login, filer: Taxpayer, clock: Clock
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    clock.set(2026, 2, 20)
    wrong = vat_values(ct33=10 * M)  # output VAT of 10 million on 300 million of sales at 10 %: GTGT-033
    first = (await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", wrong), headers=me)).json()
    assert first["status"] == "rejected"
    clock.set(2026, 3, 10)
    again = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    ).json()
    assert (again["status"], again["days_late"]) == ("accepted", 15)


async def test_several_late_returns_are_each_fined_for_their_own_delay(
    client: httpx.AsyncClient, login: Login, filer: Taxpayer, clock: Clock
) -> None:
    # Law on Handling Administrative Violations Art. 3(1)(d): several violations are fined one by one. January and
    # February 2026 VAT both filed on 30 March: 35 days after 23 Feb (13.3: 5-8 M) and 10 after 20 Mar (13.2: 2-5 M).
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    officer = await login(Role.OFFICER, username="o-several", tax_office="HNI")
    clock.set(2026, 3, 30)
    for period, days in (("2026-01", 35), ("2026-02", 10)):
        filed = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, period, vat_values()), headers=me)
        assert filed.json()["days_late"] == days
    drafts = (await client.get("/api/v1/fines", params={"status": "draft"}, headers=officer)).json()
    assert sorted((d["clause"], d["proposed_amount"]) for d in drafts) == [("13.2", 3_500_000), ("13.3", 6_500_000)]
