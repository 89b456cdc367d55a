"""Production path end to end: POST /jobs with Redis → a real arq worker (burst) → the run recorded, the effect made.

The worker uses its own connections, so it cannot see the suite's rolled-back test data: these tests use a
database of their own with committed data, and a Redis database of their own; both are removed afterwards.
"""

import asyncio
import dataclasses
import datetime
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from litestar import Litestar
from redis.asyncio import Redis
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.queue import ArqDispatcher
from jobs.worker import HANOI, WorkerSettings, build_worker
from taxoffice.app import create_app
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.jobruns.models import JobOutbox
from taxoffice.migrations import upgrade_to_head
from tests.jobs.helpers import RESUME_ON, runs_of, status_of, suspended_taxpayer
from tests.support.servers import admin_sql
from tests.support.users import Login

E2E_DATABASE = "taxoffice_jobs_e2e"
E2E_REDIS_DB = 7


@pytest.fixture(scope="module")
def e2e_settings(pg_server_url: str, redis_url: str, settings: Settings) -> Iterator[Settings]:
    """Settings naming a fresh, migrated database and a Redis database of this module's own."""
    drop = f'DROP DATABASE IF EXISTS "{E2E_DATABASE}" WITH (FORCE)'
    asyncio.run(admin_sql(pg_server_url, drop, f'CREATE DATABASE "{E2E_DATABASE}"'))
    url = f"{pg_server_url.rpartition('/')[0]}/{E2E_DATABASE}"
    upgrade_to_head(url)
    redis = f"{redis_url.rpartition('/')[0]}/{E2E_REDIS_DB}"
    yield dataclasses.replace(settings, database_url=url, redis_url=redis)
    asyncio.run(admin_sql(pg_server_url, drop))


@pytest.fixture
async def e2e(e2e_settings: Settings) -> AsyncIterator[tuple[Litestar, async_sessionmaker[AsyncSession]]]:
    """The app on the committed database with Redis configured; emptied afterwards."""
    engine = create_engine(e2e_settings)
    app = create_app(e2e_settings, engine=engine)
    app.state.update(app.state.alchemy.create_app_state_items())
    yield app, create_session_factory(engine)
    await app.state.jobs.shutdown()
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE job_run, audit_event, taxpayer_change, taxpayer, app_user CASCADE"))
    await engine.dispose()
    assert e2e_settings.redis_url is not None
    redis = Redis.from_url(e2e_settings.redis_url)
    await redis.flushdb()
    await redis.aclose()


async def _burst(settings: Settings) -> int:
    """Run a real worker until the queue is empty; the number of jobs it completed."""
    worker = build_worker(settings, burst=True, handle_signals=False, poll_delay=0.05)
    # Only what the test queued: no clock slot (send-mail's every minute) falls due while the burst runs.
    for job in worker.cron_jobs:
        job.next_run = datetime.datetime.max.replace(tzinfo=HANOI)
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker.jobs_complete


async def test_post_then_worker_runs_it(
    e2e: tuple[Litestar, async_sessionmaker[AsyncSession]], e2e_settings: Settings
) -> None:
    app, factory = e2e
    async with factory() as session:
        admin = await Login(app, session, e2e_settings)(Role.ADMIN, username="e2e-admin")
        taxpayer = await suspended_taxpayer(session, "0109200001")
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        body = {"name": "resume-suspensions", "as_of": RESUME_ON.isoformat()}
        response = await client.post("/api/v1/jobs", json=body, headers=admin)
        assert response.status_code == 202, response.text
        run_id = response.json()["id"]
        # Enqueued after the commit: the job waits in Redis, the run is still queued.
        assert (await client.get(f"/api/v1/jobs/{run_id}", headers=admin)).json()["status"] == "queued"
        # The same job and date cannot be queued twice at once: the second request is recorded as not queued.
        duplicate = (await client.post("/api/v1/jobs", json=body, headers=admin)).json()
        assert await _burst(e2e_settings) == 1
        done = (await client.get(f"/api/v1/jobs/{run_id}", headers=admin)).json()
        refused = (await client.get(f"/api/v1/jobs/{duplicate['id']}", headers=admin)).json()
        # Once finished, the key is free: the same job and date run again (and find nothing left to do).
        again = (await client.post("/api/v1/jobs", json=body, headers=admin)).json()
        assert await _burst(e2e_settings) == 1
        again = (await client.get(f"/api/v1/jobs/{again['id']}", headers=admin)).json()
    assert (again["status"], again["counts"]) == ("succeeded", {"resumed": 0})
    assert done["status"] == "succeeded", done
    assert done["counts"] == {"resumed": 1}
    assert done["attempt"] == 1
    assert done["job_key"] == "resume-suspensions:2026-06-02"
    assert done["requested_by"] == "e2e-admin"
    assert refused["status"] == "failed"
    assert "already queued or running" in refused["error"]
    async with factory() as session:
        assert await status_of(session, taxpayer.tax_code) == "00"


async def test_nightly_cron_job_runs_in_the_worker_and_is_recorded(
    e2e: tuple[Litestar, async_sessionmaker[AsyncSession]], e2e_settings: Settings
) -> None:
    _app, factory = e2e
    async with factory() as session:
        taxpayer = await suspended_taxpayer(session, "0109200002")
    [nightly] = [c for c in WorkerSettings.cron_jobs if c.name == "cron:resume-suspensions"]
    assert (nightly.hour, nightly.minute, nightly.unique) == (0, 30, True)
    assert WorkerSettings.timezone == HANOI
    # What arq's scheduler does at 00:30: enqueue the cron job under a key unique to that slot.
    assert e2e_settings.redis_url is not None
    pool = await create_pool(RedisSettings.from_dsn(e2e_settings.redis_url))
    await pool.enqueue_job("cron:resume-suspensions", _job_id="cron:resume-suspensions:1780335000123")
    await pool.aclose()
    assert await _burst(e2e_settings) == 1
    async with factory() as session:
        [run] = await runs_of(session, "resume-suspensions")
        assert run.status == "succeeded"
        assert run.origin == "schedule"
        assert run.requested_by == "system:schedule"
        assert run.job_key == "cron:resume-suspensions:1780335000123"
        # Today in Hanoi, long after the suspension ended on 1 June 2026.
        assert run.as_of > datetime.date(2026, 6, 1)
        assert run.counts == {"resumed": 1}
        assert await status_of(session, taxpayer.tax_code) == "00"


async def test_a_run_requested_while_redis_is_down_waits_in_the_outbox_then_runs(
    e2e: tuple[Litestar, async_sessionmaker[AsyncSession]], e2e_settings: Settings
) -> None:
    app, factory = e2e
    from tests.support.servers import free_port  # noqa: PLC0415

    app.state.job_dispatcher = ArqDispatcher(f"redis://127.0.0.1:{free_port()}/0", factory)
    async with factory() as session:
        admin = await Login(app, session, e2e_settings)(Role.ADMIN)
        taxpayer = await suspended_taxpayer(session, "0109200003")
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        body = {"name": "resume-suspensions", "as_of": RESUME_ON.isoformat()}
        response = await client.post("/api/v1/jobs", json=body, headers=admin)
        assert response.status_code == 202
        run_id = response.json()["id"]
        waiting = (await client.get(f"/api/v1/jobs/{run_id}", headers=admin)).json()
        async with factory() as session:
            [row] = list(await session.scalars(select(JobOutbox)))
        assert (row.run_id, row.enqueued_at, row.tries) == (run_id, None, 1)
        assert row.last_error is not None
        assert row.last_error.startswith("Could not be queued: ")
        # Redis answers again: the relay queues it, the worker runs it, the outbox is empty.
        assert e2e_settings.redis_url is not None
        back = ArqDispatcher(e2e_settings.redis_url, factory)
        assert await back.relay() == 1
        await back.close()
        assert await _burst(e2e_settings) == 1
        done = (await client.get(f"/api/v1/jobs/{run_id}", headers=admin)).json()
    assert waiting["status"] == "queued"
    assert (done["status"], done["counts"]) == ("succeeded", {"resumed": 1})
    async with factory() as session:
        assert list(await session.scalars(select(JobOutbox))) == []
        assert await status_of(session, taxpayer.tax_code) == "00"


async def test_each_worker_keeps_its_own_cron_slots(e2e_settings: Settings) -> None:
    """arq stores a cron job's next slot on the job itself: two workers in one process must not share them."""
    first = build_worker(e2e_settings, burst=True, handle_signals=False)
    second = build_worker(e2e_settings, burst=True, handle_signals=False)
    long_ago = datetime.datetime(2026, 1, 1, tzinfo=HANOI)
    for job in first.cron_jobs:
        job.calculate_next(long_ago)
    # The first worker's slots are weeks old; the second still computes its own from its own start.
    assert {job.name for job in second.cron_jobs} == {job.name for job in WorkerSettings.cron_jobs}
    assert all(job.next_run is None for job in second.cron_jobs)
    assert all(job.next_run is None for job in WorkerSettings.cron_jobs)
