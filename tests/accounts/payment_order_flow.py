"""The payment-order flow, run on PostgreSQL (tests/accounts) and on SQLite (tests/embedded).

A taxpayer owes VAT 10,000,000 for 2026-09 (due 20 Oct 2026), VAT 5,000,000 for 2026-10 (due 20 Nov 2026) and
VAT 3,000,000 for 2026-11 (due 21 Dec 2026, not yet due). On Wed 2 Dec 2026 (Hanoi) interest to the day is
10,000,000 x 0.03 % x 42 days (21 Oct-1 Dec) = 126,000 and 5,000,000 x 0.03 % x 11 days (21 Nov-1 Dec) = 16,500.
An order for "all overdue" is 10,000,000 + 126,000 + 5,000,000 + 16,500 = 15,142,500 đ.
"""

import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts import vietqr
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

D = datetime.date
TOTAL = 15_142_500
OTHER_CODE = "0100109106"  # a valid tax code no test registers: the bank's mistake


async def debtor(session: AsyncSession, clock: Clock, id_number: str) -> Taxpayer:
    """The taxpayer of the module docstring, on 2 Dec 2026."""
    clock.set(2026, 12, 2)
    taxpayer = await register_enterprise(session, id_number, "Công ty TNHH Lệnh Nộp")
    charges = [
        ("2026-09", 10_000_000, D(2026, 10, 20)),
        ("2026-10", 5_000_000, D(2026, 11, 20)),
        ("2026-11", 3_000_000, D(2026, 12, 21)),
    ]
    await AccountService(session).post(
        [
            NewCharge(taxpayer.id, taxpayer.tax_code, "VAT", "1701", period, ChargeKind.TAX, amount, due, due, "test")
            for period, amount, due in charges
        ]
    )
    await session.commit()
    return taxpayer


async def create_order(client: httpx.AsyncClient, headers: dict[str, str], tax_code: str) -> dict[str, Any]:
    """An order for every overdue debt, checked against the worked numbers."""
    made = await client.post(
        f"/api/v1/taxpayers/{tax_code}/payment-orders", json={"all_overdue": True}, headers=headers
    )
    assert made.status_code == 201, made.text
    order: dict[str, Any] = made.json()
    assert order["amount"] == TOTAL
    assert [(line["period"], line["component"], line["sub_item"], line["amount"]) for line in order["lines"]] == [
        ("2026-09", "tax", "1701", 10_000_000),
        ("2026-09", "interest", "4931", 126_000),
        ("2026-10", "tax", "1701", 5_000_000),
        ("2026-10", "interest", "4931", 16_500),
    ]
    assert order["status"] == "open"
    assert order["form"] == "C1-02/NS"
    assert order["expires_at"] == "2026-12-04T17:00:00Z"  # midnight ending Fri 4 Dec in Hanoi
    fields = vietqr.parse(order["vietqr"]["payload"])
    assert fields["54"] == str(TOTAL)
    assert order["reference"] in fields["62"]
    return order


async def run_flow(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    taxpayer: Taxpayer,
) -> None:
    """Order → the bank reports the transfer quoting the reference under a wrong tax code → reconcile → paid."""
    own = await login(Role.TAXPAYER, tax_code=taxpayer.tax_code)
    order = await create_order(client, own, taxpayer.tax_code)
    reference = order["reference"]
    bank = await login(Role.BANK)
    body = {
        "bank_ref": f"VCB-{reference}",
        "tax_code": OTHER_CODE,
        "amount": TOTAL,
        "paid_on": "2026-12-02",
        "reference": reference.lower(),
    }
    paid = await client.post("/api/v1/payments", json=body, headers=bank)
    assert paid.status_code == 201, paid.text
    assert paid.json()["tax_code"] == taxpayer.tax_code
    assert paid.json()["status"] == "unallocated"
    assert f"tax code on the transfer: {OTHER_CODE}" in paid.json()["note"]
    assert (await client.post("/api/v1/payments", json=body, headers=bank)).status_code == 200  # a retry
    shown = (await client.get(f"/api/v1/payment-orders/{reference}", headers=own)).json()
    assert (shown["status"], shown["paid"]) == ("paid", TOTAL)

    explained = await client.get(f"/api/v1/payments/{paid.json()['id']}/explanation", headers=own)
    assert explained.status_code == 200, explained.text
    assert "expected" in explained.json()["en"]  # not reconciled yet: told as the job will apply it

    counts = await Reconciler(session_factory).run("test")
    assert counts.allocated == TOTAL
    account = (await client.get(f"/api/v1/taxpayers/{taxpayer.tax_code}/account", headers=own)).json()
    assert (account["outstanding"], account["interest"], account["credit"]) == (3_000_000, 0, 0)
    explained = (await client.get(f"/api/v1/payments/{paid.json()['id']}/explanation", headers=own)).json()
    nbsp = "\u00a0"
    assert explained["en"].startswith(
        f"The payment of 15{nbsp}142{nbsp}500{nbsp}₫ on 02/12/2026: first 10{nbsp}000{nbsp}000{nbsp}₫ to the tax debt"
        f" VAT (1701) for 2026-09 (due 20/10/2026, overdue), then 126{nbsp}000{nbsp}₫ to the late-payment interest"
        f" on VAT (1701) for 2026-09 (due 20/10/2026, overdue), then 5{nbsp}000{nbsp}000{nbsp}₫ to the tax debt VAT"
        f" (1701) for 2026-10 (due 20/11/2026, overdue)"
    )
    assert "Art. 57" in explained["en"]
    assert "expected" not in explained["en"]
    assert explained["vi"].startswith(f"Khoản nộp 15{nbsp}142{nbsp}500{nbsp}₫ ngày 02/12/2026: trước hết")
    await session.rollback()
