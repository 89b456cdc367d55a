"""Payments over HTTP on PostgreSQL: intake, idempotency, bad input, the unmatched queue, reversal, the account."""

import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.tasks import accrue_interest, reconcile_payments
from registry.models import Taxpayer
from taxoffice.accounts.models import Allocation, InterestAccrual, Payment
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
D = datetime.date


@pytest.fixture
async def debtor(session: AsyncSession, clock: Clock) -> Taxpayer:
    """A taxpayer owing VAT 10,000,000 due 20 Jan 2026, a fine 3,500,000 due 10 Feb, VAT 5,000,000 due 20 Mar."""
    clock.set(2026, 3, 31)
    taxpayer = await register_enterprise(session, "0109666001", "Công ty TNHH Nộp Thuế")
    charges = [
        ("1701", "2025-12", ChargeKind.TAX, 10 * M, D(2026, 1, 20)),
        ("4254", "2025-12", ChargeKind.FINE, 3_500_000, D(2026, 2, 10)),
        ("1701", "2026-02", ChargeKind.TAX, 5 * M, D(2026, 3, 20)),
    ]
    await AccountService(session).post(
        [
            NewCharge(taxpayer.id, taxpayer.tax_code, "VAT", sub, period, kind, amount, due, due, "test")
            for sub, period, kind, amount, due in charges
        ]
    )
    await session.commit()
    return taxpayer


def payment(tax_code: str, ref: str, amount: int, paid_on: str, **extra: object) -> dict[str, Any]:
    return {"bank_ref": ref, "tax_code": tax_code, "amount": amount, "paid_on": paid_on, **extra}


async def _count(session: AsyncSession, model: type[Payment] | type[Allocation]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_same_reference_is_idempotent_and_other_data_conflicts(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, debtor: Taxpayer
) -> None:
    bank = await login(Role.BANK)
    body = payment(debtor.tax_code, "VCB-0001", 12 * M, "2026-03-01")
    first = await client.post("/api/v1/payments", json=body, headers=bank)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "unallocated"
    again = await client.post("/api/v1/payments", json=body, headers=bank)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other = await client.post("/api/v1/payments", json={**body, "amount": 13 * M}, headers=bank)
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")
    assert await _count(session, Payment) == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"tax_code": "0100000050"}, 422),
        ({"amount": -5}, 400),
        ({"amount": 0}, 400),
        ({"amount": 1.5}, 400),
        ({"paid_on": "2026-02-30"}, 400),
        ({"paid_on": "2026-04-01"}, 422),
        ({"sub_item": "17"}, 400),
        ({"unknown": 1}, 400),
    ],
)
async def test_bad_payments_are_problems_and_write_nothing(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    debtor: Taxpayer,
    change: dict[str, object],
    status: int,
) -> None:
    bank = await login(Role.BANK)
    body = {**payment(debtor.tax_code, "VCB-0002", M, "2026-03-01"), **change}
    response = await client.post("/api/v1/payments", json=body, headers=bank)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await _count(session, Payment) == 0


async def test_only_banks_and_officers_record_payments(
    client: httpx.AsyncClient, login: Login, debtor: Taxpayer
) -> None:
    body = payment(debtor.tax_code, "VCB-0003", M, "2026-03-01")
    assert (await client.post("/api/v1/payments", json=body)).status_code == 401
    taxpayer = await login(Role.TAXPAYER, tax_code=debtor.tax_code)
    assert (await client.post("/api/v1/payments", json=body, headers=taxpayer)).status_code == 403
    manager = await login(Role.MANAGER)
    assert (await client.post("/api/v1/payments", json=body, headers=manager)).status_code == 403


async def test_unmatched_payment_is_assigned_by_an_officer(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, debtor: Taxpayer
) -> None:
    bank, officer = await login(Role.BANK), await login(Role.OFFICER)
    stray = await client.post(
        "/api/v1/payments", json=payment("0100109106", "BIDV-77", 2 * M, "2026-03-02"), headers=bank
    )
    assert stray.status_code == 201, stray.text
    assert stray.json()["status"] == "unmatched"
    queue = (await client.get("/api/v1/payments?status=unmatched", headers=officer)).json()
    assert [p["bank_ref"] for p in queue["items"]] == ["BIDV-77"]
    pid = stray.json()["id"]
    assigned = await client.post(
        f"/api/v1/payments/{pid}/assign",
        json={"tax_code": debtor.tax_code, "note": "Mã số thuế ghi nhầm trên giấy nộp tiền"},
        headers=officer,
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "unallocated"
    assert assigned.json()["tax_code"] == debtor.tax_code
    again = await client.post(
        f"/api/v1/payments/{pid}/assign", json={"tax_code": debtor.tax_code, "note": "again"}, headers=officer
    )
    assert again.status_code == 409
    audit = await session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.assign"))
    assert audit is not None
    assert audit.data["from"] == "0100109106"


async def test_account_applies_payments_in_legal_order_with_interest_to_the_day(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    debtor: Taxpayer,
) -> None:
    bank, officer = await login(Role.BANK), await login(Role.OFFICER)
    code = debtor.tax_code
    await client.post("/api/v1/payments", json=payment(code, "VCB-1", 12 * M, "2026-03-01"), headers=bank)
    # Before reconciliation the account already shows what the payment will do. The fine, past the deadline of
    # its decision, is enforceable (Law 38 Art. 124.4) and goes first (Art. 57.2.a): 3,500,000; the VAT due
    # 20 Jan (39 days late, not yet enforceable) takes the other 8,500,000.
    before = (await client.get(f"/api/v1/taxpayers/{code}/account?as_of=2026-03-31", headers=officer)).json()
    counts = await Reconciler(session_factory).run("test")
    assert counts.allocated == 12 * M
    after = (await client.get(f"/api/v1/taxpayers/{code}/account?as_of=2026-03-31", headers=officer)).json()
    for account in (before, after):
        vat_dec, fine, vat_feb = account["items"]
        # Interest: 10,000,000 for 21 Jan - 28 Feb (39 days, 117,000), then 1,500,000 for 1-30 Mar (13,500).
        assert (vat_dec["paid"], vat_dec["interest_accrued"], vat_dec["interest_paid"]) == (8_500_000, 130_500, 0)
        assert (fine["paid"], fine["outstanding"]) == (3_500_000, 0)
        assert vat_feb["paid"] == 0
        assert vat_feb["interest_accrued"] == 5 * M * 3 * 10 // 10_000  # 21-30 Mar: 10 days, 15,000
        assert (account["outstanding"], account["fines"], account["interest"]) == (6_500_000, 0, 145_500)
    assert any(line["pending"] for line in before["lines"])
    assert not any(line["pending"] for line in after["lines"])
    # An overpayment on 5 Mar clears the January VAT and its interest (117,000 + 1,500,000 for 1-4 Mar, 1,800),
    # then the VAT due 20 Mar; what is left is a credit: 10,000,000 - 1,500,000 - 118,800 - 5,000,000.
    await client.post("/api/v1/payments", json=payment(code, "VCB-2", 10 * M, "2026-03-05"), headers=bank)
    await Reconciler(session_factory).run("test")
    final = (await client.get(f"/api/v1/taxpayers/{code}/account?as_of=2026-03-31", headers=officer)).json()
    assert (final["outstanding"], final["fines"], final["interest"], final["credit"]) == (0, 0, 0, 3_381_200)
    assert (await Reconciler(session_factory).run("test")).allocations == 0  # nothing left to do
    statuses = dict((await session.execute(select(Payment.bank_ref, Payment.status))).all())
    assert statuses == {"VCB-1": "allocated", "VCB-2": "credit"}


async def test_credit_pays_a_later_charge(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    debtor: Taxpayer,
) -> None:
    bank, officer = await login(Role.BANK), await login(Role.OFFICER)
    code = debtor.tax_code
    await client.post("/api/v1/payments", json=payment(code, "VCB-3", 20 * M, "2026-01-15"), headers=bank)
    await Reconciler(session_factory).run("test")
    account = (await client.get(f"/api/v1/taxpayers/{code}/account?as_of=2026-03-31", headers=officer)).json()
    assert account["credit"] == 20 * M - 10 * M - 3_500_000 - 5 * M
    await AccountService(session).post(
        [
            NewCharge(
                debtor.id, code, "CIT", "1052", "2025", ChargeKind.TAX, 1_500_000, D(2026, 3, 31), D(2026, 3, 31), "t"
            )
        ]
    )
    await session.commit()
    await Reconciler(session_factory).run("test")
    account = (await client.get(f"/api/v1/taxpayers/{code}/account?as_of=2026-03-31", headers=officer)).json()
    assert (account["credit"], account["outstanding"], account["interest"]) == (0, 0, 0)


async def test_reversal_undoes_the_allocations(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    debtor: Taxpayer,
) -> None:
    bank, officer = await login(Role.BANK), await login(Role.OFFICER)
    code = debtor.tax_code
    created = await client.post("/api/v1/payments", json=payment(code, "VCB-4", 10 * M, "2026-01-25"), headers=bank)
    await Reconciler(session_factory).run("test")
    reversed_ = await client.post(
        f"/api/v1/payments/{created.json()['id']}/reversal", json={"reason": "Ngân hàng hoàn lệnh"}, headers=bank
    )
    assert reversed_.status_code == 200, reversed_.text
    assert reversed_.json()["status"] == "reversed"
    net = await session.scalar(select(func.sum(Allocation.amount)).where(Allocation.payment_id == created.json()["id"]))
    assert net == 0
    account = (await client.get(f"/api/v1/taxpayers/{code}/account?as_of=2026-03-31", headers=officer)).json()
    # VAT 10,000,000 due 20 Jan unpaid again on 31 Mar: 21 Jan-30 Mar, 69 days of interest, 207,000.
    assert account["items"][0]["interest_accrued"] == 207_000
    assert account["outstanding"] == 15 * M
    twice = await client.post(
        f"/api/v1/payments/{created.json()['id']}/reversal", json={"reason": "again"}, headers=bank
    )
    assert twice.status_code == 409


async def test_taxpayer_sees_only_its_own_account(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, debtor: Taxpayer
) -> None:
    other = await register_enterprise(session, "0109666002", "Công ty Khác")
    me = await login(Role.TAXPAYER, tax_code=debtor.tax_code)
    assert (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account", headers=me)).status_code == 200
    assert (await client.get(f"/api/v1/taxpayers/{other.tax_code}/account", headers=me)).status_code == 404
    assert (await client.get("/api/v1/payments?status=unmatched", headers=me)).status_code == 403
    assert (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account")).status_code == 401


async def test_jobs_reconcile_and_accrue_interest(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    debtor: Taxpayer,
) -> None:
    bank = await login(Role.BANK)
    await client.post("/api/v1/payments", json=payment(debtor.tax_code, "VCB-5", 4 * M, "2026-03-01"), headers=bank)
    ctx = {"session_factory": session_factory}
    reconciled = await reconcile_payments(ctx, "2026-03-31")
    assert (reconciled["payments"], reconciled["allocated"]) == (1, 4 * M)
    assert (await reconcile_payments(ctx, "2026-03-31"))["allocations"] == 0
    accrued = await accrue_interest(ctx, "2026-03-31")
    assert accrued["charges"] == 2
    rows = dict((await session.execute(select(InterestAccrual.charge_id, InterestAccrual.outstanding))).all())
    # 4,000,000 paid 1 Mar: the enforceable fine (3,500,000, Art. 124.4) first, 500,000 to the VAT
    # 10,000,000 due 20 Jan: 10,000,000 for 39 days, then 9,500,000 for 30 days (1-30 Mar):
    # 117,000 + 85,500 = 202,500. VAT 5,000,000 due 20 Mar: 10 days, 15,000.
    assert sorted(rows.values()) == [15_000, 202_500]
    assert accrued["interest_outstanding"] == 217_500
    again = await accrue_interest(ctx, "2026-03-31")
    assert again == accrued
