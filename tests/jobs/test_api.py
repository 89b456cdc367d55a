"""POST/GET /jobs without Redis: runs recorded, run in the server process after the response, errors kept."""

import datetime
from typing import Any

import httpx
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.runtime import JobsRuntime
from jobs.spec import JobSpec
from jobs.tasks import TASKS
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from tests.jobs.helpers import RESUME_ON, runs_of, status_of, suspended_taxpayer
from tests.support.clock import Clock
from tests.support.users import Login


def _runtime(app: Litestar) -> JobsRuntime:
    runtime: JobsRuntime = app.state.jobs
    return runtime


async def _settle(app: Litestar) -> None:
    """Wait for the jobs the app started in the background."""
    in_process = _runtime(app).in_process
    assert in_process is not None
    await in_process.wait_idle()


async def test_post_runs_in_process_after_the_response(
    app: Litestar, client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login(Role.ADMIN, username="jobs-admin")
    taxpayer = await suspended_taxpayer(session, "0109100001")
    response = await client.post(
        "/api/v1/jobs", json={"name": "resume-suspensions", "as_of": RESUME_ON.isoformat()}, headers=admin
    )
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "queued"
    assert queued["as_of"] == "2026-06-02"
    assert queued["requested_by"] == "jobs-admin"
    assert queued["origin"] == "api"
    assert queued["attempt"] == 0
    await _settle(app)
    done = (await client.get(f"/api/v1/jobs/{queued['id']}", headers=admin)).json()
    assert done["status"] == "succeeded"
    assert done["counts"] == {"resumed": 1}
    assert done["attempt"] == 1
    assert done["error"] is None
    assert done["started_at"] is not None
    assert done["finished_at"] >= done["started_at"]
    assert await status_of(session, taxpayer.tax_code) == "00"
    audit = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "job.requested", AuditEvent.entity_id == str(queued["id"]))
    )
    assert audit is not None
    assert audit.actor == "jobs-admin"
    assert audit.data == {"name": "resume-suspensions", "as_of": "2026-06-02"}


async def test_again_is_idempotent_and_listed(
    app: Litestar, client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login(Role.ADMIN)
    await suspended_taxpayer(session, "0109100002")
    body = {"name": "resume-suspensions", "as_of": RESUME_ON.isoformat()}
    first = (await client.post("/api/v1/jobs", json=body, headers=admin)).json()
    await _settle(app)
    second = (await client.post("/api/v1/jobs", json=body, headers=admin)).json()
    await _settle(app)
    assert second["id"] != first["id"]
    listed = (await client.get("/api/v1/jobs?name=resume-suspensions&status=succeeded", headers=admin)).json()
    counts = {r["id"]: r["counts"] for r in listed}
    assert counts[first["id"]] == {"resumed": 1}
    assert counts[second["id"]] == {"resumed": 0}
    assert [r["id"] for r in listed][:2] == [second["id"], first["id"]]
    assert (await client.get("/api/v1/jobs?status=failed", headers=admin)).json() == []
    bad_status = await client.get("/api/v1/jobs?status=exploded", headers=admin)
    assert bad_status.status_code == 400


async def test_default_as_of_is_today_in_hanoi(
    app: Litestar, client: httpx.AsyncClient, login: Login, clock: Clock
) -> None:
    admin = await login(Role.ADMIN)
    clock.set(2026, 7, 1, hour=6, minute=30)  # 23:30 UTC on 30 June
    queued = (await client.post("/api/v1/jobs", json={"name": "resume-suspensions"}, headers=admin)).json()
    assert queued["as_of"] == "2026-07-01"
    await _settle(app)


async def test_failure_is_recorded_with_the_error(
    app: Litestar,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async def reconcile_against_a_closed_bank(ctx: dict[str, Any], as_of: str | None) -> dict[str, int]:
        msg = f"bank statement for {as_of} not delivered"
        raise ConnectionError(msg)

    tasks = {**TASKS, "bank-feed": JobSpec(reconcile_against_a_closed_bank, None)}
    runtime = JobsRuntime(settings, session_factory, tasks=tasks)
    app.state.jobs = runtime
    app.state.job_dispatcher = runtime.dispatcher
    admin = await login(Role.ADMIN)
    queued = (
        await client.post("/api/v1/jobs", json={"name": "bank-feed", "as_of": "2026-06-30"}, headers=admin)
    ).json()
    await _settle(app)
    failed = (await client.get(f"/api/v1/jobs/{queued['id']}", headers=admin)).json()
    assert failed["status"] == "failed"
    assert failed["error"] == "ConnectionError: bank statement for 2026-06-30 not delivered"
    assert failed["finished_at"] is not None
    assert failed["counts"] is None
    [run] = await runs_of(session, "bank-feed")
    assert run.status == "failed"


async def test_timeout_is_recorded(
    app: Litestar,
    client: httpx.AsyncClient,
    login: Login,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    import asyncio  # noqa: PLC0415

    async def never_ends(ctx: dict[str, Any], as_of: str | None) -> dict[str, int]:
        await asyncio.sleep(3600)
        return {}

    tasks = {"slow": JobSpec(never_ends, None, timeout=datetime.timedelta(milliseconds=50))}
    runtime = JobsRuntime(settings, session_factory, tasks=tasks)
    app.state.jobs = runtime
    app.state.job_dispatcher = runtime.dispatcher
    admin = await login(Role.ADMIN)
    queued = (await client.post("/api/v1/jobs", json={"name": "slow"}, headers=admin)).json()
    await _settle(app)
    failed = (await client.get(f"/api/v1/jobs/{queued['id']}", headers=admin)).json()
    assert failed["status"] == "failed"
    assert failed["error"].startswith("Cancelled: over its 0.05 s limit")


async def test_who_may_run_jobs(client: httpx.AsyncClient, login: Login) -> None:
    body = {"name": "resume-suspensions"}
    assert (await client.post("/api/v1/jobs", json=body)).status_code == 401
    assert (await client.get("/api/v1/jobs/1")).status_code == 401
    assert (await client.get("/api/v1/jobs")).status_code == 401
    for role in (Role.OFFICER, Role.MANAGER, Role.TAXPAYER, Role.BANK):
        headers = await login(role, tax_code="0109100009" if role is Role.TAXPAYER else None)
        forbidden = await client.post("/api/v1/jobs", json=body, headers=headers)
        assert forbidden.status_code == 403, role
        assert forbidden.headers["content-type"].startswith("application/problem+json")
        assert (await client.get("/api/v1/jobs", headers=headers)).status_code == 403


async def test_bad_requests_are_problems(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login(Role.ADMIN)
    unknown = await client.post("/api/v1/jobs", json={"name": "collect-everything"}, headers=admin)
    assert unknown.status_code == 404
    problem = unknown.json()
    assert problem["type"] == "urn:taxoffice:problem:unknown-job"
    assert "resume-suspensions" in problem["detail"]
    assert problem["errors"][0]["field"] == "name"
    for as_of in ("2026-02-30", "30/06/2026", "tomorrow"):
        bad = await client.post("/api/v1/jobs", json={"name": "resume-suspensions", "as_of": as_of}, headers=admin)
        assert bad.status_code == 400, as_of
        assert bad.json()["type"] == "urn:taxoffice:problem:invalid-request"
    extra = await client.post("/api/v1/jobs", json={"name": "resume-suspensions", "force": True}, headers=admin)
    assert extra.status_code == 400
    missing = await client.get("/api/v1/jobs/987654321", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["type"] == "urn:taxoffice:problem:job-run-not-found"
