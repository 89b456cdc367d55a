"""Intake refuses what the nightly reconcile cannot process; rows already stored (legacy data) are quarantined with
their reason while the run finishes for everyone else (PostgreSQL)."""

import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.tasks import reconcile_payments
from registry.models import Taxpayer
from taxoffice.accounts.models import Payment
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
D = datetime.date
DUE = D(2026, 1, 20)


async def owing(session: AsyncSession, id_number: str, due_on: D = DUE) -> Taxpayer:
    """A taxpayer owing VAT 10,000,000 due ``due_on``."""
    taxpayer = await register_enterprise(session, id_number, f"Công ty {id_number}")
    charge = NewCharge(
        taxpayer.id, taxpayer.tax_code, "VAT", "1701", "2025-12", ChargeKind.TAX, 10 * M, due_on, due_on, "test"
    )
    await AccountService(session).post([charge])
    await session.commit()
    return taxpayer


async def stored(session: AsyncSession, taxpayer: Taxpayer, ref: str, paid_on: D, amount: int = 4 * M) -> None:
    """A payment written straight to the table, as a legacy import or an older version of the API would have."""
    row: dict[str, Any] = {
        "bank_ref": ref,
        "tax_code": taxpayer.tax_code,
        "taxpayer_id": taxpayer.id,
        "payer_name": "",
        "amount": amount,
        "paid_on": paid_on,
        "source": "api",
        "status": "unallocated",
        "unallocated": amount,
        "received_by": "legacy",
        "note": "",
    }
    await session.execute(insert(Payment).values(row))
    await session.commit()


async def by_ref(session: AsyncSession, ref: str) -> Payment:
    payment = await session.scalar(
        select(Payment).where(Payment.bank_ref == ref).execution_options(populate_existing=True)
    )
    assert payment is not None
    return payment


async def test_a_bad_row_is_quarantined_and_the_run_finishes_for_everyone_else(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    good, bad, mixed = [await owing(session, n) for n in ("0109777001", "0109777002", "0109777003")]
    await stored(session, good, "OK-1", D(2026, 3, 1))
    await stored(session, bad, "BAD-1", D(1, 1, 1))
    await stored(session, mixed, "BAD-2", D(1999, 12, 31))
    await stored(session, mixed, "OK-2", D(2026, 3, 2), 3 * M)
    await stored(session, good, "LATER-1", D(2026, 4, 2))  # after the run's day: not yet applicable

    counts = await reconcile_payments({"session_factory": session_factory}, "2026-03-31")

    assert counts["quarantined"] == 3
    assert counts["allocated"] == 7 * M
    assert ((await by_ref(session, "OK-1")).status, (await by_ref(session, "OK-2")).status) == (
        "allocated",
        "allocated",
    )
    for ref, reason in (("BAD-1", "before 2000-01-01"), ("BAD-2", "before 2000-01-01"), ("LATER-1", "after today")):
        payment = await by_ref(session, ref)
        assert payment.status == "quarantined"
        assert reason in payment.note
        assert payment.unallocated == payment.amount  # nothing applied
    # The next run does not trip on them again, and officers find them with their reasons.
    assert (await reconcile_payments({"session_factory": session_factory}, "2026-03-31"))["quarantined"] == 0
    listed = await client.get("/api/v1/payments?status=quarantined", headers=await login(Role.OFFICER))
    assert listed.status_code == 200
    assert {(p["bank_ref"], "paid_on" in p["note"]) for p in listed.json()["items"]} == {
        ("BAD-1", True),
        ("BAD-2", True),
        ("LATER-1", True),
    }


async def test_a_taxpayer_the_ledger_cannot_settle_is_set_aside(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # A legacy charge due in 1990: no late-payment interest rate is known that far back, so settling fails.
    ancient = await owing(session, "0109777011", due_on=D(1990, 1, 20))
    fine = await owing(session, "0109777012")
    await stored(session, ancient, "OLD-DEBT-1", D(2026, 3, 1))
    await stored(session, fine, "FINE-1", D(2026, 3, 1))

    counts = await reconcile_payments({"session_factory": session_factory}, "2026-03-31")

    assert counts["quarantined"] == 1
    assert (await by_ref(session, "FINE-1")).status == "allocated"
    held = await by_ref(session, "OLD-DEBT-1")
    assert held.status == "quarantined"
    assert "LookupError" in held.note
    assert held.unallocated == 4 * M


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"paid_on": "0001-01-01"}, "paid_on", "paid_on.out_of_range"),
        ({"paid_on": "1999-12-31"}, "paid_on", "paid_on.out_of_range"),
        ({"paid_on": "2026-04-01"}, "paid_on", "paid_on.future"),
        ({"bank_ref": "VCB\u00001"}, "bank_ref", "text.nul"),  # refused on arrival, as any text with U+0000
        ({"bank_ref": "VCB\u200b1"}, "bank_ref", "bank_ref.not_printable"),
        ({"bank_ref": "VCB\u001b[31m1"}, "bank_ref", "bank_ref.not_printable"),
    ],
)
async def test_the_api_refuses_what_reconcile_cannot_process(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    clock: Clock,
    change: dict[str, str],
    field: str,
    code: str,
) -> None:
    clock.set(2026, 3, 31)
    taxpayer = await register_enterprise(session, "0109777021")
    body = {"bank_ref": "VCB-1", "tax_code": taxpayer.tax_code, "amount": M, "paid_on": "2026-03-01", **change}
    answer = await client.post("/api/v1/payments", json=body, headers=await login(Role.BANK))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [(field, code)]
    assert await session.scalar(select(Payment.id)) is None
    body = {"bank_ref": "VCB-1", "tax_code": taxpayer.tax_code, "amount": M, "paid_on": "2000-01-01"}
    assert (await client.post("/api/v1/payments", json=body, headers=await login(Role.BANK))).status_code == 201
