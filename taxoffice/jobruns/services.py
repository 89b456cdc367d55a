"""Recording job runs: queued, started (per attempt), finished with counts or failed with the error."""

import datetime
from collections.abc import Collection, Mapping
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth import audit
from taxoffice.auth.roles import Principal
from taxoffice.jobruns.errors import JobRunNotFoundError, UnknownJobError
from taxoffice.jobruns.models import JobOutbox, JobRun, JobStatus

# Longest error text kept on a run (a traceback's last lines are in the logs).
MAX_ERROR_CHARS = 4000


# Litestar checks injected values against the annotation: the protocol must be runtime-checkable.
@runtime_checkable
class JobDispatcher(Protocol):
    """Sends a recorded run to wherever jobs run (the arq queue, or this process); provided by ``jobs``."""

    @property
    def names(self) -> Collection[str]:
        """The jobs that exist."""
        ...

    async def dispatch(self, run_id: int, name: str, as_of: datetime.date) -> None:
        """Start or enqueue the run ``run_id`` (called after the commit that recorded it)."""
        ...

    async def close(self) -> None:
        """Release what the dispatcher holds (connections, running tasks) at shutdown."""
        ...


class JobRunService:
    """The ``job_run`` table: one row per run, its status, counts and error."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def queue(
        self,
        actor: Principal,
        name: str,
        as_of: datetime.date,
        *,
        known: Collection[str],
        origin: str,
        now: datetime.datetime,
    ) -> JobRun:
        """Record a request to run job ``name`` for ``as_of`` (status queued), with its audit entry."""
        if name not in known:
            raise UnknownJobError(name, known)
        run = JobRun(
            name=name,
            as_of=as_of,
            status=JobStatus.QUEUED.value,
            requested_by=actor.username,
            origin=origin,
            queued_at=now,
            attempt=0,
        )
        self.session.add(run)
        await self.session.flush()
        # Kept until the run starts, so a request made while the queue is down is queued when it returns.
        self.session.add(JobOutbox(run_id=run.id, name=name, as_of=as_of, requested_at=now, tries=0))
        await audit.record(
            self.session, actor, "job.requested", "job_run", run.id, {"name": name, "as_of": as_of.isoformat()}
        )
        return run

    async def start(
        self,
        run_id: int | None,
        *,
        name: str,
        as_of: datetime.date,
        requested_by: str,
        origin: str,
        job_key: str | None,
        attempt: int,
        now: datetime.datetime,
    ) -> JobRun:
        """Mark an attempt started: of run ``run_id``, of the run with ``job_key`` (a retry), or of a new run."""
        run = await self._find(run_id, job_key)
        if run is None:
            run = JobRun(
                name=name, as_of=as_of, requested_by=requested_by, origin=origin, job_key=job_key, queued_at=now
            )
            self.session.add(run)
        elif run.status in {JobStatus.RUNNING.value, JobStatus.FAILED.value} and run.attempt:
            # A retry: keep what happened to the attempt before (a crash leaves it "running").
            run.error = f"Attempt {run.attempt}: {run.error or 'interrupted before it finished.'}"[:MAX_ERROR_CHARS]
        run.status = JobStatus.RUNNING.value
        run.attempt = max(attempt, (run.attempt or 0) + 1)
        run.started_at = now
        run.finished_at = None
        run.job_key = job_key or run.job_key
        await self.session.flush()
        await self.session.execute(delete(JobOutbox).where(JobOutbox.run_id == run.id))
        return run

    async def finish(self, run_id: int, counts: Mapping[str, int], *, now: datetime.datetime) -> JobRun:
        """Mark run ``run_id`` succeeded with its counts."""
        run = await self.get(run_id)
        run.status = JobStatus.SUCCEEDED.value
        run.counts = dict(counts)
        run.finished_at = now
        await self.session.flush()
        return run

    async def fail(self, run_id: int, error: str, *, now: datetime.datetime) -> JobRun:
        """Mark run ``run_id`` failed with ``error``."""
        run = await self.get(run_id)
        run.status = JobStatus.FAILED.value
        run.error = error[:MAX_ERROR_CHARS]
        run.finished_at = now
        await self.session.flush()
        return run

    async def fail_lost(self, run_id: int, attempt: int, error: str, *, now: datetime.datetime) -> bool:
        """Mark attempt ``attempt`` of run ``run_id`` failed if it is still that attempt, running; whether it was."""
        result: CursorResult[Any] = await self.session.execute(  # type: ignore[assignment] # an UPDATE's result
            update(JobRun)
            .where(JobRun.id == run_id, JobRun.status == JobStatus.RUNNING.value, JobRun.attempt == attempt)
            .values(status=JobStatus.FAILED.value, error=error[:MAX_ERROR_CHARS], finished_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    async def get(self, run_id: int) -> JobRun:
        """One run."""
        run = await self.session.get(JobRun, run_id, populate_existing=True)
        if run is None:
            raise JobRunNotFoundError(f"No job run {run_id}.")
        return run

    async def search(
        self, *, name: str | None = None, status: JobStatus | None = None, limit: int = 100
    ) -> list[JobRun]:
        """Runs, newest first, optionally of one job and/or in one status."""
        query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
        if name is not None:
            query = query.where(JobRun.name == name)
        if status is not None:
            query = query.where(JobRun.status == status.value)
        return list(await self.session.scalars(query))

    async def _find(self, run_id: int | None, job_key: str | None) -> JobRun | None:
        if run_id is not None:
            return await self.get(run_id)
        if job_key is None:
            return None
        query = select(JobRun).where(JobRun.job_key == job_key).order_by(JobRun.id.desc()).limit(1)
        found: JobRun | None = await self.session.scalar(query)
        return found
