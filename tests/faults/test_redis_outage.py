"""Redis stopped and started again: the worker stays up and reconnects, the API keeps answering (``/ready``
degraded, not unavailable), jobs requested meanwhile wait in the outbox, and every requested job runs.

Redis here keeps nothing across a stop (no persistence), as the worst case: the queue is empty when it returns.
"""

import asyncio
import dataclasses
import datetime
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.app import create_app
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.jobruns.models import JobOutbox, JobRun
from taxoffice.migrations import upgrade_to_head
from tests.faults.support import WorkerProcess, wait_until
from tests.support.servers import RedisServer, fresh_database, redis_instance
from tests.support.users import Login

pytestmark = pytest.mark.faults

DATABASE = "taxoffice_faults_redis"
# Distinct job and date pairs (one queued job per pair), requested while Redis is down.
DURING_OUTAGE = [("resume-suspensions", datetime.date(2026, 6, day)) for day in range(1, 5)] + [
    ("accrue-interest", datetime.date(2026, 6, 1)),
    ("decide-received", datetime.date(2026, 6, 1)),
]
OUTAGE_SECONDS = 3


@pytest.fixture(scope="module")
def database(pg_server_url: str) -> str:
    url = fresh_database(pg_server_url, DATABASE)
    upgrade_to_head(url)
    return url


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_instance() as server:
        yield server


@pytest.fixture
async def office(
    database: str, redis: RedisServer, settings: Settings
) -> AsyncIterator[tuple[Litestar, async_sessionmaker[AsyncSession], Settings]]:
    own = dataclasses.replace(settings, database_url=database, redis_url=redis.url)
    engine = create_engine(own)
    app = create_app(own, engine=engine)
    app.state.update(app.state.alchemy.create_app_state_items())
    yield app, create_session_factory(engine), own
    await app.state.jobs.shutdown()
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE job_run, job_outbox, audit_event, app_user CASCADE"))
    await engine.dispose()


async def test_redis_stopped_and_started_every_requested_job_runs(
    office: tuple[Litestar, async_sessionmaker[AsyncSession], Settings], redis: RedisServer, tmp_path: Path
) -> None:
    app, factory, own = office
    async with factory() as session:
        admin = await Login(app, session, own)(Role.ADMIN)
    worker = WorkerProcess(own.database_url, redis.url, tmp_path / "worker.log")
    worker.start()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            before = await client.post("/api/v1/jobs", json={"name": "resume-suspensions"}, headers=admin)
            assert before.status_code == 202

            async def all_done(ids: list[int]) -> bool:
                async with factory() as session:
                    query = select(JobRun.status).where(JobRun.id.in_(ids))
                    return set(await session.scalars(query)) == {"succeeded"}

            await wait_until(lambda: all_done([before.json()["id"]]), seconds=30, what="the first job run")

            redis.stop()
            outage_started = time.monotonic()
            ready = await client.get("/ready")
            assert (ready.status_code, ready.json()["status"]) == (200, "degraded")
            ids = []
            for name, as_of in DURING_OUTAGE:
                response = await client.post(
                    "/api/v1/jobs", json={"name": name, "as_of": as_of.isoformat()}, headers=admin
                )
                assert response.status_code == 202, response.text
                ids.append(response.json()["id"])
            async with factory() as session:
                waiting = list(await session.scalars(select(JobRun.status).where(JobRun.id.in_(ids))))
                outbox = list(await session.scalars(select(JobOutbox.run_id).order_by(JobOutbox.run_id)))
            assert waiting == ["queued"] * len(ids)
            assert outbox == sorted(ids)
            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
            assert worker.alive, (tmp_path / "worker.log").read_text()[-2000:]
            redis.start()
            outage = time.monotonic() - outage_started

            caught_up = await wait_until(lambda: all_done(ids), seconds=60, what="every job requested meanwhile")
            assert (await client.get("/ready")).json()["status"] == "ok"
        async with factory() as session:
            assert list(await session.scalars(select(JobOutbox))) == []
            attempts = list(await session.scalars(select(JobRun.attempt).where(JobRun.id.in_(ids))))
        assert attempts == [1] * len(ids)
        # One worker process all along: it reconnected rather than exited.
        assert worker.alive
        log = (tmp_path / "worker.log").read_text()
        assert "reconnecting" in log
    finally:
        worker.stop()
    print(  # noqa: T201 - the figures the report quotes
        f"\nredis outage: {outage:.1f} s, {len(ids)} jobs requested meanwhile, all run {caught_up:.1f} s after"
    )
