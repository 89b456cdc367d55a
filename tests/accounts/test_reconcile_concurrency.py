"""Reconciliation on committed data in its own database: two workers at once, and a worker stopped mid-run."""

import asyncio
import datetime
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from registry.models import Taxpayer
from taxoffice.accounts import collections
from taxoffice.accounts.models import Allocation, Charge, CollectionDay, CollectionDayDelta, Payment
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from taxoffice.migrations import upgrade_to_head
from tests.support.ledgers import charge_and_pay
from tests.support.servers import fresh_database

TAXPAYERS = 120
D = datetime.date


@pytest.fixture(scope="module")
def own_db_url(pg_server_url: str) -> str:
    url = fresh_database(pg_server_url, "taxoffice_reconcile")
    upgrade_to_head(url)
    return url


@pytest.fixture
async def factory(own_db_url: str, settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A database with taxpayers, two charges each and three payments each, all committed; emptied afterwards."""
    engine = create_async_engine(own_db_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        before = await session.scalar(select(func.coalesce(func.max(Taxpayer.id), 0)))
        await insert_demo_taxpayers(session, settings, TAXPAYERS, seed=7)
        taxpayers = (await session.execute(select(Taxpayer.id, Taxpayer.tax_code).where(Taxpayer.id > before))).all()
        await charge_and_pay(session, [(tid, code) for tid, code in taxpayers], ref_prefix="REF", source="test")
        await session.commit()
    yield sessions
    async with sessions() as session:
        for model in (CollectionDay, CollectionDayDelta, Allocation, Payment, Charge):
            await session.execute(delete(model))
        await session.commit()
    await engine.dispose()


async def _consistent(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """Every payment's allocations plus what it still holds equal its amount; returns (applied, still held)."""
    async with sessions() as session:
        applied = (
            select(Allocation.payment_id, func.sum(Allocation.amount).label("applied"))
            .group_by(Allocation.payment_id)
            .subquery()
        )
        rows = (
            await session.execute(
                select(Payment.amount, Payment.unallocated, func.coalesce(applied.c.applied, 0)).outerjoin(
                    applied, applied.c.payment_id == Payment.id
                )
            )
        ).all()
        for amount, unallocated, used in rows:
            assert used + unallocated == amount
        over = await session.scalar(
            select(func.count())
            .select_from(Charge)
            .where(
                Charge.amount
                < select(func.coalesce(func.sum(Allocation.amount), 0))
                .where(Allocation.charge_id == Charge.id, Allocation.component == "tax")
                .scalar_subquery()
            )
        )
        assert over == 0
        await _summary_matches_ledger(session)
        return sum(r[2] for r in rows), sum(r[1] for r in rows)


async def _summary_matches_ledger(session: AsyncSession) -> None:
    """The daily collections the job kept batch by batch equal the same sums rebuilt from the allocations."""
    c = collections.collected().c
    keys = (c.day, c.tax_office, c.tax_type, c.sub_item, c.component, c.overdue)
    query = select(*keys, func.sum(c.amount)).group_by(*keys).having(func.sum(c.amount) != 0)
    kept = sorted(tuple(row) for row in await session.execute(query))
    await collections.rebuild(session)
    rebuilt = sorted(tuple(row) for row in await session.execute(query))
    await session.rollback()
    assert kept == rebuilt
    assert sum(int(Decimal(str(row[-1]))) for row in kept) == await session.scalar(
        select(func.coalesce(func.sum(Allocation.amount), 0))
    )


async def test_two_workers_never_apply_the_same_money_twice(factory: async_sessionmaker[AsyncSession]) -> None:
    first, second = Reconciler(factory, batch_size=10), Reconciler(factory, batch_size=10)
    a, b = await asyncio.gather(first.run("a"), second.run("b"))
    assert a.taxpayers + b.taxpayers >= TAXPAYERS
    applied, held = await _consistent(factory)
    # Each taxpayer owes 6,000,000 plus interest and paid 7,500,000: everything owed is paid, the rest is credit.
    assert applied + held == TAXPAYERS * 7_500_000
    assert (await Reconciler(factory).run("again")).allocations == 0


async def test_a_worker_stopped_mid_run_leaves_whole_batches(factory: async_sessionmaker[AsyncSession]) -> None:
    task = asyncio.create_task(Reconciler(factory, batch_size=5).run("stopped"))
    async with factory() as session:
        for _ in range(500):
            done = await session.scalar(
                select(func.count()).select_from(Payment).where(Payment.status != "unallocated")
            )
            await session.rollback()
            if done:
                break
            await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    applied_mid, _ = await _consistent(factory)
    counts = await Reconciler(factory).run("resumed")
    applied_end, _ = await _consistent(factory)
    assert applied_end > applied_mid or counts.allocations == 0
    async with factory() as session:
        waiting = await session.scalar(select(func.count()).select_from(Payment).where(Payment.status == "unallocated"))
    assert waiting == 0
