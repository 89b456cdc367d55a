"""Banks act only on the payments their bank reported (PostgreSQL, HTTP)."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.models import Payment
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000


@pytest.fixture
async def code(session: AsyncSession, clock: Clock) -> str:
    """A registered taxpayer's code, on 31 Mar 2026."""
    clock.set(2026, 3, 31)
    return (await register_enterprise(session, "0109666011", "Công ty TNHH Ngân Hàng Hai")).tax_code


def payment(tax_code: str, ref: str, amount: int, paid_on: str) -> dict[str, Any]:
    return {"bank_ref": ref, "tax_code": tax_code, "amount": amount, "paid_on": paid_on}


async def test_a_bank_cannot_reverse_another_banks_payment(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, code: str
) -> None:
    first, second = await login(Role.BANK), await login(Role.BANK)
    created = await client.post("/api/v1/payments", json=payment(code, "VCB-OWN-1", 3 * M, "2026-03-01"), headers=first)
    assert created.status_code == 201, created.text
    payment_id = created.json()["id"]

    refused = await client.post(f"/api/v1/payments/{payment_id}/reversal", json={"reason": "x"}, headers=second)
    assert refused.status_code == 404, refused.text
    missing = await client.post("/api/v1/payments/999999999/reversal", json={"reason": "x"}, headers=second)
    assert refused.json()["detail"] == missing.json()["detail"].replace("999999999", str(payment_id))
    assert code not in refused.text
    assert "VCB-OWN-1" not in refused.text
    stored = await session.scalar(select(Payment.status).where(Payment.id == payment_id))
    assert stored == "unallocated"

    # The same reference and data from another bank does not read back the first bank's payment.
    replay = await client.post("/api/v1/payments", json=payment(code, "VCB-OWN-1", 3 * M, "2026-03-01"), headers=second)
    assert replay.status_code == 409, replay.text
    assert set(replay.json()) <= {"type", "title", "status", "detail", "instance"}
    assert "unallocated" not in replay.text

    # The bank that reported it replays and reverses it.
    again = await client.post("/api/v1/payments", json=payment(code, "VCB-OWN-1", 3 * M, "2026-03-01"), headers=first)
    assert again.status_code == 200
    reversed_ = await client.post(f"/api/v1/payments/{payment_id}/reversal", json={"reason": "hoàn"}, headers=first)
    assert reversed_.status_code == 200, reversed_.text


async def test_logins_of_one_bank_share_its_payments(client: httpx.AsyncClient, login: Login, code: str) -> None:
    desk, night = await login(Role.BANK, tax_code="0100112437"), await login(Role.BANK, tax_code="0100112437")
    other_bank = await login(Role.BANK, tax_code="0100150619")
    created = await client.post("/api/v1/payments", json=payment(code, "BIDV-9", 2 * M, "2026-03-02"), headers=desk)
    payment_id = created.json()["id"]
    assert (
        await client.post(f"/api/v1/payments/{payment_id}/reversal", json={"reason": "x"}, headers=other_bank)
    ).status_code == 404
    done = await client.post(f"/api/v1/payments/{payment_id}/reversal", json={"reason": "x"}, headers=night)
    assert done.status_code == 200, done.text


async def test_officers_reverse_any_payment(client: httpx.AsyncClient, login: Login, code: str) -> None:
    bank, officer = await login(Role.BANK), await login(Role.OFFICER)
    created = await client.post("/api/v1/payments", json=payment(code, "ACB-5", M, "2026-03-03"), headers=bank)
    done = await client.post(f"/api/v1/payments/{created.json()['id']}/reversal", json={"reason": "x"}, headers=officer)
    assert done.status_code == 200, done.text
