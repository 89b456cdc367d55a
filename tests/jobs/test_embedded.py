"""The embedded default on a SQLite file: POST /jobs runs in the server process; the scheduler lives in the lifespan."""

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from jobs.runtime import JobsRuntime
from jobs.tasks import TASKS
from taxoffice.app import create_app
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.migrations import upgrade_to_head
from tests.jobs.helpers import RESUME_ON, status_of, suspended_taxpayer
from tests.support.users import Login

pytestmark = pytest.mark.embedded


async def _sqlite(tmp_path: Path) -> tuple[Settings, AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'embedded-jobs.db'}"
    await asyncio.to_thread(upgrade_to_head, url)  # alembic drives its own event loop
    settings = Settings(database_url=url, secret_key="test-secret-key-not-for-production", password_hash="fast")
    return settings, create_engine(settings)


async def test_post_runs_in_the_server_process_on_sqlite(tmp_path: Path) -> None:
    settings, engine = await _sqlite(tmp_path)
    app = create_app(settings, engine=engine)
    app.state.update(app.state.alchemy.create_app_state_items())
    runtime: JobsRuntime = app.state.jobs
    assert runtime.in_process is not None
    factory = create_session_factory(engine)
    try:
        async with factory() as session:
            admin = await Login(app, session, settings)(Role.ADMIN)
            taxpayer = await suspended_taxpayer(session, "0109400001")
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            body = {"name": "resume-suspensions", "as_of": RESUME_ON.isoformat()}
            queued = (await client.post("/api/v1/jobs", json=body, headers=admin)).json()
            assert queued["status"] == "queued"
            await runtime.in_process.wait_idle()
            done = (await client.get(f"/api/v1/jobs/{queued['id']}", headers=admin)).json()
        assert done["status"] == "succeeded"
        assert done["counts"] == {"resumed": 1}
        async with factory() as session:
            assert await status_of(session, taxpayer.tax_code) == "00"
    finally:
        await runtime.shutdown()
        await engine.dispose()


def scheduler_tasks() -> list[asyncio.Task[object]]:
    """The embedded scheduler's tasks running now (``JobsRuntime.startup`` names its task ``job-scheduler``)."""
    return [task for task in asyncio.all_tasks() if task.get_name() == "job-scheduler"]


async def test_lifespan_starts_and_stops_the_scheduler(tmp_path: Path) -> None:
    settings, engine = await _sqlite(tmp_path)
    app = create_app(settings, engine=engine)
    runtime: JobsRuntime = app.state.jobs
    try:
        async with app.lifespan():
            [task] = scheduler_tasks()
            await asyncio.sleep(0.05)
            assert not task.done()
            assert runtime.scheduler is not None
            assert set(runtime.scheduler.next_at) == set(TASKS)
        assert task.cancelled()
        assert scheduler_tasks() == []
    finally:
        await engine.dispose()
