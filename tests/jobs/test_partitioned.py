"""The nightly jobs split into partitions on a real arq queue give the very figures of the whole jobs (PostgreSQL).

One committed ledger is copied (``CREATE DATABASE … TEMPLATE``) into three databases: the whole jobs run in-process
on the first, the same jobs in three partitions each through a real arq worker on the second, and on the third the
partitions run one by one, the first twice (as after a lost worker), to show that the whole run completes, and the
day's arrears stock is written, only with the last partition.
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from arq import create_pool
from arq.connections import RedisSettings
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from jobs.partitioned import PARTITIONED, queue_partitions, run_partition, split
from jobs.recording import execute
from jobs.worker import build_worker
from registry.models import Taxpayer
from taxoffice.auth.roles import Principal
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.jobruns.models import JobRun
from taxoffice.migrations import upgrade_to_head
from taxoffice.partition import Partition
from tests.support.ledgers import charge_and_pay
from tests.support.servers import admin_sql

SOURCE, WHOLE, SPLIT, STEPS = (
    "taxoffice_parts_src",
    "taxoffice_parts_whole",
    "taxoffice_parts_split",
    "taxoffice_parts_steps",
)
REDIS_DB = 8
AS_OF = "2026-04-15"
PARTS = 3
NIGHT = ("reconcile-payments", "accrue-interest", "flag-arrears", "monthly-reports")
ACTOR = Principal.system("test")
# The figures compared, each as one query's rows in a stable order (ids are the same: the databases are copies).
FIGURES = {
    "allocations": "SELECT payment_id, charge_id, taxpayer_id, component, amount, paid_on, run FROM payment_allocation"
    " ORDER BY payment_id, charge_id, component, amount",
    "payments": "SELECT id, unallocated, status FROM payment ORDER BY id",
    "interest": "SELECT charge_id, taxpayer_id, as_of, accrued, outstanding FROM interest_accrual ORDER BY charge_id",
    "cases": "SELECT taxpayer_id, status, category, overdue_tax, overdue_interest, overdue_fines, overdue_total,"
    " oldest_due_on, bucket, stage, next_action, next_action_due_on, overdue_vat, overdue_cit, overdue_pit,"
    " overdue_over_year FROM arrears_case ORDER BY taxpayer_id",
    "case_events": "SELECT c.taxpayer_id, e.event_on, e.kind, e.from_value, e.to_value, e.overdue_total"
    " FROM arrears_case_event e"
    " JOIN arrears_case c ON c.id = e.case_id ORDER BY 1, 2, 3, 4, 5, 6",
    "stock": "SELECT * FROM arrears_stock ORDER BY 1, 2, 3, 4, 5",
    "collections": "SELECT day, tax_office, tax_type, sub_item, component, overdue, amount, lines FROM collection_day"
    " ORDER BY 1, 2, 3, 4, 5, 6",
    "reports": "SELECT name, period, file_format FROM report_file ORDER BY 1, 2, 3",
}


async def _ledger(url: str, settings: Settings) -> None:
    """90 taxpayers with two VAT charges each; two in three pay three times (their money waits), one in three not."""
    engine = create_async_engine(url)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        await insert_demo_taxpayers(session, settings, 90, seed=23)
        taxpayers = (await session.execute(select(Taxpayer.id, Taxpayer.tax_code).order_by(Taxpayer.id))).all()
        await charge_and_pay(
            session, [(tid, code) for tid, code in taxpayers], ref_prefix="P", source="test", pays=lambda i: i % 3 != 0
        )
        await session.commit()
    await engine.dispose()


@pytest.fixture(scope="module")
def copies(pg_server_url: str, redis_url: str, settings: Settings) -> Iterator[dict[str, Settings]]:
    """Settings of three copies of one committed ledger (and a Redis database of this module's own)."""
    base = pg_server_url.rpartition("/")[0]
    names = (SOURCE, WHOLE, SPLIT, STEPS)
    drops = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names]
    asyncio.run(admin_sql(pg_server_url, *drops, f'CREATE DATABASE "{SOURCE}"'))
    upgrade_to_head(f"{base}/{SOURCE}")
    asyncio.run(_ledger(f"{base}/{SOURCE}", settings))
    copy = [f'CREATE DATABASE "{name}" TEMPLATE "{SOURCE}"' for name in (WHOLE, SPLIT, STEPS)]
    asyncio.run(admin_sql(pg_server_url, *copy))
    redis = f"{redis_url.rpartition('/')[0]}/{REDIS_DB}"
    yield {
        name: dataclasses.replace(settings, database_url=f"{base}/{name}", redis_url=redis)
        for name in (WHOLE, SPLIT, STEPS)
    }
    asyncio.run(admin_sql(pg_server_url, *drops))


@pytest.fixture
async def engines(copies: dict[str, Settings]) -> AsyncIterator[dict[str, AsyncEngine]]:
    engines = {name: create_engine(settings) for name, settings in copies.items()}
    yield engines
    for engine in engines.values():
        await engine.dispose()


def _ctx(settings: Settings, engine: AsyncEngine) -> dict[str, Any]:
    return {"settings": settings, "session_factory": create_session_factory(engine)}


async def _figures(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    async with engine.connect() as conn:
        return {name: [tuple(row) for row in await conn.execute(text(sql))] for name, sql in FIGURES.items()}


async def _whole_runs(factory: async_sessionmaker[AsyncSession]) -> list[JobRun]:
    async with factory() as session:
        query = select(JobRun).where(JobRun.part.is_(None)).order_by(JobRun.id)
        return list(await session.scalars(query))


async def test_partitions_on_two_workers_give_the_figures_of_the_whole_jobs(
    copies: dict[str, Settings], engines: dict[str, AsyncEngine]
) -> None:
    whole = _ctx(copies[WHOLE], engines[WHOLE])
    for name in NIGHT:
        await execute(whole, name, AS_OF, origin="cli", requested_by="test")

    settings = copies[SPLIT]
    assert settings.redis_url is not None
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    split_ctx = _ctx(settings, engines[SPLIT])
    try:
        for name in NIGHT:
            queued = await queue_partitions(split_ctx, pool, name, AS_OF, PARTS, actor=ACTOR, origin="cli")
            assert queued["queued"] == PARTS
            # Two real arq workers share the queue until it is empty (without the every-minute cron jobs, which
            # would otherwise run too whenever a minute turns during the burst).
            workers = [
                build_worker(settings, burst=True, handle_signals=False, poll_delay=0.05, cron_jobs=[])
                for _ in range(2)
            ]
            try:
                await asyncio.gather(*(worker.main() for worker in workers))
            finally:
                for worker in workers:
                    await worker.close()
            assert sum(worker.jobs_complete for worker in workers) == PARTS
    finally:
        await pool.flushdb()
        await pool.aclose()

    runs = await _whole_runs(split_ctx["session_factory"])
    assert [(run.name, run.status, run.parts) for run in runs] == [(name, "succeeded", PARTS) for name in NIGHT]
    expected, got = await _figures(engines[WHOLE]), await _figures(engines[SPLIT])
    # The data exercised every job: money applied, interest accrued, cases opened, the stock and a report kept.
    assert all(expected[name] for name in ("allocations", "interest", "cases", "stock", "collections", "reports"))
    for name in FIGURES:
        assert got[name] == expected[name], name
    # The whole runs' counts are the partitions' summed (the stock written once, by the last partition).
    whole_counts = {run.name: run.counts for run in await _whole_runs(whole["session_factory"])}
    for run in runs:
        assert run.counts is not None
        for key in ("allocated", "allocations", "charges", "interest_outstanding", "opened", "stock_rows"):
            if key in run.counts:
                assert run.counts[key] == (whole_counts[run.name] or {})[key], (run.name, key)


async def test_a_day_is_complete_only_with_its_last_partition_and_a_partition_runs_again_safely(
    copies: dict[str, Settings], engines: dict[str, AsyncEngine]
) -> None:
    ctx = _ctx(copies[STEPS], engines[STEPS])
    factory = ctx["session_factory"]
    for name in NIGHT[:2]:
        _whole_id, partitions = await split(ctx, name, AS_OF, PARTS, actor=ACTOR, origin="cli")
        for run_id, _key in [*partitions[:1], *partitions]:  # the first twice: as if its worker had died and it reran
            await run_partition(ctx, run_id)
    whole_id, partitions = await split(ctx, "flag-arrears", AS_OF, PARTS, actor=ACTOR, origin="cli")
    for run_id, _key in partitions[:2]:
        await run_partition(ctx, run_id)
    async with factory() as session:
        whole = await session.get(JobRun, whole_id)
        assert whole is not None
        assert whole.status == "running"
        assert await session.scalar(text("SELECT count(*) FROM arrears_stock")) == 0
    await run_partition(ctx, partitions[2][0])
    await run_partition(ctx, partitions[0][0])  # delivered again after the day completed: nothing changes
    runs = await _whole_runs(factory)
    assert [(run.name, run.status) for run in runs] == [(name, "succeeded") for name in NIGHT[:3]]
    async with engines[WHOLE].connect() as conn:
        if not (await conn.execute(text("SELECT count(*) FROM arrears_case"))).scalar_one():
            pytest.skip("runs after the comparison test, which fills the whole-jobs copy")
    expected, got = await _figures(engines[WHOLE]), await _figures(engines[STEPS])
    for name in ("allocations", "payments", "interest", "cases", "stock"):
        assert got[name] == expected[name], name


def test_partitions_share_out_every_taxpayer_once() -> None:
    for count in (1, 2, 3, 7):
        owners = [[p for p in Partition.all_of(count) if p.takes(taxpayer_id)] for taxpayer_id in range(1, 200)]
        assert all(len(found) == 1 for found in owners)
    assert set(PARTITIONED) == set(NIGHT)
    with pytest.raises(ValueError, match="No partition 3 of 3"):
        Partition(3, 3)


async def test_the_nightly_slot_queues_partitions_when_configured(
    copies: dict[str, Settings], engines: dict[str, AsyncEngine]
) -> None:
    settings = dataclasses.replace(copies[STEPS], job_partitions=2)
    assert settings.redis_url is not None
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        # What arq's scheduler does at 04:00 Hanoi time: the slot's cron job, which splits the day and queues the parts.
        await pool.enqueue_job("cron:monthly-reports", _job_id="cron:monthly-reports:1")
        worker = build_worker(settings, burst=True, handle_signals=False, poll_delay=0.05)
        try:
            await worker.main()
        finally:
            await worker.close()
    finally:
        await pool.flushdb()
        await pool.aclose()
    async with create_session_factory(engines[STEPS])() as session:
        query = select(JobRun).where(JobRun.name == "monthly-reports", JobRun.origin == "schedule").order_by(JobRun.id)
        runs = list(await session.scalars(query))
    assert [(run.part, run.parts, run.status) for run in runs] == [
        (None, 2, "succeeded"),
        (0, 2, "succeeded"),
        (1, 2, "succeeded"),
    ]
    assert runs[0].requested_by == "system:schedule"
