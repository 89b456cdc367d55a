"""Running jobs in this process: the CLI (``jobs run``) and the embedded default (no Redis)."""

import asyncio
import datetime
import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.recording import describe, execute_in_process
from jobs.spec import JobSpec
from jobs.tasks import TASKS
from taxoffice.auth.roles import Principal
from taxoffice.clock import utc_now
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.jobruns.errors import JobFailedError, UnknownJobError

logger = logging.getLogger("taxoffice.jobs")


async def run_job_now(
    settings: Settings, name: str, as_of: datetime.date | None, actor: Principal
) -> tuple[int, dict[str, int]]:
    """Run job ``name`` for ``as_of`` here and now, recorded as a run; return the run's id and counts."""
    if name not in TASKS:
        raise UnknownJobError(name, TASKS)
    engine = create_engine(settings)
    try:
        ctx: dict[str, Any] = {"settings": settings, "session_factory": create_session_factory(engine)}
        try:
            return await execute_in_process(
                ctx, name, as_of.isoformat() if as_of else None, origin="cli", requested_by=actor.username
            )
        except Exception as exc:
            raise JobFailedError(f"Job {name} failed: {describe(exc)} (recorded on its run).") from exc
    finally:
        await engine.dispose()


async def run_parts_now(
    settings: Settings, name: str, as_of: datetime.date | None, parts: int, actor: Principal, *, queue: bool
) -> tuple[int, dict[str, int]]:
    """Run job ``name`` split in ``parts`` partitions: here and now, or (``queue``) on the arq queue for the workers.

    Returns the whole run's id and its counts (here: the partitions' summed; queued: how many were queued).
    """
    from jobs.partitioned import queue_partitions, run_here  # noqa: PLC0415 - arq only when partitions are asked for

    engine = create_engine(settings)
    try:
        ctx: dict[str, Any] = {"settings": settings, "session_factory": create_session_factory(engine)}
        day = as_of.isoformat() if as_of else None
        if queue:
            from arq import create_pool  # noqa: PLC0415 - arq only in this branch
            from arq.connections import RedisSettings  # noqa: PLC0415

            if not settings.redis_url:
                raise JobFailedError("TAXOFFICE_REDIS_URL is not set: there is no queue to put the partitions on.")
            pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
            try:
                counts = await queue_partitions(ctx, pool, name, day, parts, actor=actor, origin="cli")
            finally:
                await pool.aclose()
            return counts["whole_run"], counts
        try:
            whole = await run_here(ctx, name, day, parts, actor=actor, origin="cli")
        except Exception as exc:
            raise JobFailedError(f"Job {name} failed: {describe(exc)} (recorded on its partition).") from exc
        return whole.id, dict(whole.counts or {})
    finally:
        await engine.dispose()


class InProcessDispatcher:
    """Runs requested jobs as asyncio tasks of this process, after the response (the embedded default)."""

    def __init__(
        self,
        settings: Settings,
        session_factory: async_sessionmaker[AsyncSession] | Callable[[], AsyncSession],
        *,
        tasks: Mapping[str, JobSpec] = TASKS,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.ctx: dict[str, Any] = {
            "settings": settings,
            "session_factory": session_factory,
            "tasks": tasks,
            "clock": clock,
        }
        self._running: set[asyncio.Task[None]] = set()

    @property
    def names(self) -> Collection[str]:
        """The jobs that exist."""
        tasks: Mapping[str, JobSpec] = self.ctx["tasks"]
        return tasks.keys()

    async def dispatch(self, run_id: int, name: str, as_of: datetime.date) -> None:
        """Start run ``run_id`` in the background; the task is kept until it ends."""
        self.start(name, as_of.isoformat(), run_id=run_id, origin="api")

    def start(self, name: str, as_of: str | None, *, run_id: int | None, origin: str) -> asyncio.Task[None]:
        """Run job ``name`` as a task of this process (recorded; errors logged, never raised here)."""
        task = asyncio.create_task(self._run(name, as_of, run_id, origin), name=f"job:{name}:{as_of}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def run(self, name: str, as_of: str | None, *, origin: str) -> None:
        """Run job ``name`` now and wait for it (the scheduler's way)."""
        await self.start(name, as_of, run_id=None, origin=origin)

    async def _run(self, name: str, as_of: str | None, run_id: int | None, origin: str) -> None:
        try:
            await execute_in_process(
                self.ctx, name, as_of, run_id=run_id, origin=origin, requested_by=f"system:{origin}"
            )
        except Exception:
            # Already recorded on the run when the database allowed it; the traceback goes to the log.
            logger.exception("job %s for %s failed", name, as_of or "today")

    async def wait_idle(self) -> None:
        """Wait for every job started here to end."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def close(self) -> None:
        """Stop: cancel jobs still running (their runs are recorded as cancelled) and wait for them."""
        for task in list(self._running):
            task.cancel()
        await self.wait_idle()
