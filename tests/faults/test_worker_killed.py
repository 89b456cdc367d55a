"""SIGKILL of the worker mid-reconcile and mid-flagging: after a restart, balances equal an uninterrupted run's.

The same data is loaded once and copied (``CREATE DATABASE … TEMPLATE``): one copy is processed in this process
without interruption, the other by a real ``taxoffice worker`` killed while each job runs, then started again.
The killed job's lock expires (2 s here, 30 s in production), arq runs it again, and the run record shows both
attempts.
"""

import asyncio
import datetime
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from jobs.queue import ArqDispatcher
from jobs.tasks import TASKS, flag_arrears, reconcile_payments
from taxoffice.auth.roles import Principal
from taxoffice.clock import utc_now
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from taxoffice.jobruns.models import JobRun
from taxoffice.jobruns.services import JobRunService
from taxoffice.migrations import upgrade_to_head
from tests.faults.support import LOCK_SECONDS, WorkerProcess, wait_until
from tests.support.ledgers import charge_and_pay
from tests.support.servers import RedisServer, admin_sql, fresh_database, redis_instance

pytestmark = pytest.mark.faults

TAXPAYERS = 4_000
AS_OF = datetime.date(2026, 6, 15)
D = datetime.date
KILLED, REFERENCE = "taxoffice_faults_killed", "taxoffice_faults_reference"
# The state both runs must end in: every allocation, every payment's rest, every arrears case.
BALANCES = {
    "allocations": "SELECT payment_id, charge_id, component, amount FROM payment_allocation "
    "ORDER BY payment_id, charge_id, component, amount",
    "payments": "SELECT id, status, unallocated FROM payment ORDER BY id",
    "cases": "SELECT tax_code, status, category, opened_on, closed_on FROM arrears_case ORDER BY tax_code, opened_on",
}


async def _load(url: str, settings: Settings) -> None:
    """Taxpayers with two VAT charges each; two in three paid 7.5 million in three payments, the rest nothing."""
    engine = create_async_engine(url)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        await insert_demo_taxpayers(session, settings, TAXPAYERS, seed=11)
        taxpayers = (await session.execute(text("SELECT id, tax_code FROM taxpayer ORDER BY id"))).all()
        await charge_and_pay(
            session,
            [(tid, code) for tid, code in taxpayers],
            ref_prefix="KILL",
            source="faults",
            pays=lambda index: index % 3 != 0,
        )
        await session.commit()
    await engine.dispose()


@pytest.fixture(scope="module")
def databases(pg_server_url: str, settings: Settings) -> Iterator[tuple[str, str]]:
    """The loaded database, and its copy for the uninterrupted run."""
    killed = fresh_database(pg_server_url, KILLED)
    upgrade_to_head(killed)
    asyncio.run(_load(killed, settings))
    base = pg_server_url.rpartition("/")[0]
    asyncio.run(
        admin_sql(
            pg_server_url,
            f'DROP DATABASE IF EXISTS "{REFERENCE}" WITH (FORCE)',
            f'CREATE DATABASE "{REFERENCE}" TEMPLATE "{KILLED}"',
        )
    )
    yield killed, f"{base}/{REFERENCE}"
    asyncio.run(admin_sql(pg_server_url, *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in (KILLED, REFERENCE))))


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_instance() as server:
        yield server


@pytest.fixture
async def killed_engine(databases: tuple[str, str]) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(databases[0])
    yield engine
    await engine.dispose()


async def _balances(engine: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
    async with engine.connect() as conn:
        return {name: [tuple(row) for row in await conn.execute(text(sql))] for name, sql in BALANCES.items()}


async def _request(factory: async_sessionmaker[AsyncSession], redis_url: str, name: str) -> int:
    async with factory() as session:
        run = await JobRunService(session).queue(
            Principal.system("faults"), name, AS_OF, known=TASKS, origin="api", now=utc_now()
        )
        await session.commit()
    dispatcher = ArqDispatcher(redis_url, factory)
    await dispatcher.dispatch(run.id, name, AS_OF)
    await dispatcher.close()
    return run.id


async def _run(factory: async_sessionmaker[AsyncSession], run_id: int) -> JobRun:
    async with factory() as session:
        return await JobRunService(session).get(run_id)


async def _kill_mid_run(
    worker: WorkerProcess,
    factory: async_sessionmaker[AsyncSession],
    run_id: int,
    progress: str,
) -> dict[str, object]:
    """Kill the worker once the run is running and ``progress`` (SQL, a count) shows its work under way."""

    async def midway() -> bool:
        async with factory() as session:
            run = await JobRunService(session).get(run_id)
            done = await session.scalar(text(progress)) if run.status == "running" else 0
        return bool(done)

    await wait_until(midway, seconds=60, what=f"run {run_id} running with part of its work done", every=0.01)
    worker.kill()
    killed_at = time.monotonic()
    run = await _run(factory, run_id)
    return {"status": run.status, "attempt": run.attempt, "killed_at": killed_at}


async def test_sigkill_mid_reconcile_and_mid_flagging_then_balances_exact(
    databases: tuple[str, str], redis: RedisServer, killed_engine: AsyncEngine, tmp_path: Path
) -> None:
    killed_url, reference_url = databases
    # The uninterrupted run.
    reference = create_async_engine(reference_url)
    ctx = {"session_factory": async_sessionmaker(reference, expire_on_commit=False)}
    await reconcile_payments(ctx, AS_OF.isoformat())
    await flag_arrears(ctx, AS_OF.isoformat())
    expected = await _balances(reference)
    await reference.dispose()
    assert expected["allocations"]
    assert expected["cases"]

    factory = async_sessionmaker(killed_engine, expire_on_commit=False)
    worker = WorkerProcess(killed_url, redis.url, tmp_path / "worker.log")
    figures = {}
    try:
        for name, progress in (
            ("reconcile-payments", "SELECT count(*) FROM payment WHERE status <> 'unallocated'"),
            # Flagging writes its cases in one transaction at the end: killed while it runs, nothing is written.
            ("flag-arrears", "SELECT 1"),
        ):
            worker.start()
            run_id = await _request(factory, redis.url, name)
            at_kill = await _kill_mid_run(worker, factory, run_id, progress)
            # Killed mid-run: recorded running, its work only partly done.
            assert at_kill["status"] == "running", (name, at_kill)
            worker.start()

            async def succeeded(run_id: int = run_id) -> bool:
                return (await _run(factory, run_id)).status == "succeeded"

            await wait_until(succeeded, seconds=60, what=f"{name} run again to success")
            figures[name] = time.monotonic() - float(str(at_kill["killed_at"]))
            run = await _run(factory, run_id)
            assert run.attempt >= 2, (name, run.attempt)
            assert run.error is not None
            assert run.error.startswith("Attempt 1: ")
            worker.stop()
    finally:
        worker.stop()
    assert await _balances(killed_engine) == expected
    # The lock held by the killed worker expired within seconds, not 30 minutes: retried soon after.
    assert all(seconds < LOCK_SECONDS + 20 for seconds in figures.values()), figures
    print(f"\nkilled worker: recovered in {figures}")  # noqa: T201 - the figures the report quotes
