"""Every attempt is recorded on its run: a retry after a cancelled attempt (arq re-runs it) updates the same run."""

import asyncio
import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.recording import execute
from jobs.spec import JobSpec
from taxoffice.auth.roles import Principal
from taxoffice.jobruns.services import JobRunService
from tests.jobs.helpers import runs_of

ADMIN = Principal.system("tests")


async def test_a_retry_updates_the_run_and_keeps_the_first_attempts_fate(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    tries: list[str | None] = []

    async def flaky(ctx: dict[str, Any], as_of: str | None) -> dict[str, int]:
        tries.append(as_of)
        if ctx["job_try"] == 1:
            raise asyncio.CancelledError  # what a worker stopping mid-job does to it
        return {"matched": 2}

    run = await JobRunService(session).queue(
        ADMIN,
        "flaky",
        datetime.date(2026, 6, 2),
        known={"flaky"},
        origin="api",
        now=datetime.datetime.now(datetime.UTC),
    )
    await session.commit()
    ctx: dict[str, Any] = {
        "session_factory": session_factory,
        "tasks": {"flaky": JobSpec(flaky, None, timeout=datetime.timedelta(minutes=5))},
        "job_id": "flaky:2026-06-02",
        "job_try": 1,
    }
    with pytest.raises(asyncio.CancelledError):
        await execute(ctx, "flaky", "2026-06-02", run_id=run.id, origin="api", requested_by="system:worker")
    [first] = await runs_of(session, "flaky")
    assert (first.status, first.attempt) == ("failed", 1)
    assert first.error == "Cancelled: over its 300 s limit, or the worker stopped."
    counts = await execute(
        {**ctx, "job_try": 2}, "flaky", "2026-06-02", run_id=run.id, origin="api", requested_by="system:worker"
    )
    assert counts == {"matched": 2}
    [again] = await runs_of(session, "flaky")
    assert again.id == run.id
    assert (again.status, again.attempt, again.counts) == ("succeeded", 2, {"matched": 2})
    assert again.error == "Attempt 1: Cancelled: over its 300 s limit, or the worker stopped."
    assert again.requested_by == ADMIN.username  # who asked, not who ran it
    assert tries == ["2026-06-02", "2026-06-02"]


async def test_a_crashed_attempt_is_noted_by_the_next(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async def count(ctx: dict[str, Any], as_of: str | None) -> dict[str, int]:
        return {"seen": 1}

    ctx: dict[str, Any] = {
        "session_factory": session_factory,
        "tasks": {"nightly": JobSpec(count, None)},
        "job_id": "cron:nightly:1780335000123",
        "job_try": 1,
    }
    # Attempt 1 started, then the process died: the run stays "running" with this job key.
    now = datetime.datetime(2026, 6, 1, 17, 30, tzinfo=datetime.UTC)
    await JobRunService(session).start(
        None,
        name="nightly",
        as_of=datetime.date(2026, 6, 2),
        requested_by="system:schedule",
        origin="schedule",
        job_key="cron:nightly:1780335000123",
        attempt=1,
        now=now,
    )
    await session.commit()
    await execute({**ctx, "job_try": 2}, "nightly", "2026-06-02", origin="schedule", requested_by="system:schedule")
    [run] = await runs_of(session, "nightly")
    assert (run.status, run.attempt, run.counts) == ("succeeded", 2, {"seen": 1})
    assert run.error == "Attempt 1: interrupted before it finished."
