"""An unmatched payment claimed by the night's reconcile once its tax code is registered (PostgreSQL and SQLite)."""

import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.models import Payment
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from taxoffice.partition import Partition
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000


async def run_claim_flow(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    codes: tuple[str, str],
) -> None:
    """Two payments to codes nobody holds; one code is registered; the night claims and applies that one only."""
    clock.set(2026, 3, 31)
    registered_later, never = codes
    bank = await login(Role.BANK)
    for ref, code, amount in (("BIDV-501", registered_later, 7 * M), ("BIDV-502", never, 3 * M)):
        body = {"bank_ref": ref, "tax_code": code, "amount": amount, "paid_on": "2026-03-02"}
        answer = await client.post("/api/v1/payments", json=body, headers=bank)
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "unmatched"

    taxpayer = await register_enterprise(session, registered_later, "Công ty TNHH Chuyển Đến")
    due = datetime.date(2026, 3, 20)
    await AccountService(session).post(
        [NewCharge(taxpayer.id, taxpayer.tax_code, "VAT", "1701", "2026-02", ChargeKind.TAX, 5 * M, due, due, "test")]
    )
    await session.commit()
    taxpayer_id = taxpayer.id

    # A partition that does not hold the taxpayer leaves its payment alone (the partitions never share a taxpayer).
    other = Partition((taxpayer_id + 1) % 2, 2)
    assert (await Reconciler(session_factory, partition=other).run("reconcile:other")).claimed == 0

    counts = await Reconciler(session_factory).run("reconcile:2026-03-31")
    assert counts.claimed == 1
    assert counts.allocated == 5 * M  # the 5,000,000 charge paid; 2,000,000 left as credit

    session.expire_all()
    claimed = await session.scalar(select(Payment).where(Payment.bank_ref == "BIDV-501"))
    stray = await session.scalar(select(Payment).where(Payment.bank_ref == "BIDV-502"))
    assert claimed is not None
    assert stray is not None
    assert (claimed.taxpayer_id, claimed.status, claimed.unallocated) == (taxpayer_id, "credit", 2 * M)
    assert (stray.taxpayer_id, stray.status, stray.unallocated) == (None, "unmatched", 3 * M)
    audit = await session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.claim"))
    assert audit is not None
    assert (audit.actor, audit.entity_id) == ("system:reconcile", str(claimed.id))
    assert audit.data == {"tax_code": registered_later, "taxpayer_id": taxpayer_id}

    # Nothing more to claim the next night.
    assert (await Reconciler(session_factory).run("reconcile:2026-04-01")).claimed == 0
