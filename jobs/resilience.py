"""The worker's part in surviving faults: short job locks renewed while jobs run, lost runs recorded, reconnection.

- arq marks a job taken with an "in progress" key that lives for the longest job's time limit (30 minutes here):
  a worker killed mid-job held it that long. ``ResilientWorker`` sets it to ``lock_seconds`` (30 s) and renews
  it every third of that while the job runs, so a killed worker's job is taken again (arq retries it, ``attempt``
  counting) within ``lock_seconds`` of its last renewal.
- A run still ``running`` whose lock has expired lost its worker: ``reap_lost_runs`` records it failed
  (the retry then marks the same run running again, its error kept as the attempt before's).
- ``keep_running`` runs the worker until stopped, reconnecting to Redis when it goes away instead of exiting;
  jobs already running go on, and the outbox relay runs beside it (``jobs.queue``).
"""

import asyncio
import datetime
import logging
import time
from collections.abc import Callable
from typing import Any

from arq.constants import in_progress_key_prefix
from arq.worker import Worker
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.recording import describe
from taxoffice.clock import clock_of, utc_now
from taxoffice.jobruns.models import JobRun, JobStatus
from taxoffice.jobruns.services import JobRunService

logger = logging.getLogger("taxoffice.jobs")
# Waits between attempts to reach Redis again: doubling from the first to the last.
RECONNECT_FIRST_SECONDS = 0.5
RECONNECT_MAX_SECONDS = 10.0


class ResilientWorker(Worker):
    """An arq worker whose hold on a running job is short and renewed, and which records runs others lost."""

    def __init__(self, *args: Any, lock_seconds: int = 30, **kwargs: Any) -> None:  # noqa: ANN401 - arq's options
        super().__init__(*args, **kwargs)
        self.lock_seconds = lock_seconds
        self.in_progress_timeout_s = lock_seconds  # what arq's in-progress key is first set to
        self._renewed_at = 0.0

    async def heart_beat(self) -> None:
        """Arq's heartbeat (each poll), and every third of the lock: renew the locks, record lost runs."""
        await super().heart_beat()
        if time.monotonic() - self._renewed_at < self.lock_seconds / 3:
            return
        self._renewed_at = time.monotonic()
        await self.renew_locks()
        factory = self.ctx.get("session_factory")
        if factory is not None:
            try:
                await reap_lost_runs(factory, self.pool, self.lock_seconds, clock=clock_of(self.ctx))
            except Exception:
                logger.exception("could not check for runs lost by stopped workers")

    async def renew_locks(self) -> None:
        """Extend the in-progress key of every job running here by ``lock_seconds``."""
        running = [job_id for job_id, task in self.tasks.items() if not task.done()]
        if not running:
            return
        async with self.pool.pipeline(transaction=False) as pipe:
            for job_id in running:
                pipe.pexpire(in_progress_key_prefix + job_id, self.lock_seconds * 1000)
            await pipe.execute()


async def reap_lost_runs(
    factory: async_sessionmaker[AsyncSession],
    redis: Any,  # noqa: ANN401 - arq's Redis client
    lock_seconds: int,
    *,
    clock: Callable[[], datetime.datetime] = utc_now,
) -> int:
    """Record as failed every run ``running`` in a queue whose lock has expired (its worker stopped); the number."""
    now = clock()
    async with factory() as session:
        query = select(JobRun.id, JobRun.job_key, JobRun.attempt).where(
            JobRun.status == JobStatus.RUNNING.value,
            JobRun.job_key.is_not(None),
            JobRun.started_at < now - datetime.timedelta(seconds=lock_seconds),
        )
        candidates = (await session.execute(query)).all()
        lost = 0
        for run_id, key, attempt in candidates:
            if await redis.exists(f"{in_progress_key_prefix}{key}"):
                continue
            error = (
                f"Its worker stopped (no heartbeat for {lock_seconds} s); the queue runs it again while tries remain."
            )
            lost += await JobRunService(session).fail_lost(run_id, attempt, error, now=now)
        await session.commit()
    if lost:
        logger.warning("%s job run(s) lost by a stopped worker recorded as failed", lost)
    return lost


async def keep_running(worker: Worker, *, relay: Callable[[], Any] | None = None) -> None:
    """``worker.main()`` until cancelled (a signal), reconnecting whenever Redis fails; returns in burst mode."""
    relay_task = asyncio.create_task(relay(), name="job-outbox-relay") if relay is not None else None
    wait = RECONNECT_FIRST_SECONDS
    try:
        while True:
            started = time.monotonic()
            try:
                await worker.main()
            except (RedisError, OSError) as exc:
                if time.monotonic() - started > RECONNECT_MAX_SECONDS:
                    wait = RECONNECT_FIRST_SECONDS  # it had been working: a new outage
                logger.warning("Redis is unavailable (%s): reconnecting in %.1f s", describe(exc), wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RECONNECT_MAX_SECONDS)
            else:
                return
    finally:
        if relay_task is not None:
            relay_task.cancel()
            await asyncio.gather(relay_task, return_exceptions=True)


async def close_quietly(worker: Worker, on_shutdown: Callable[[dict[str, Any]], Any]) -> None:
    """Cancel the jobs still running (recorded as cancelled), release the database and Redis, whatever is down."""
    for task in worker.tasks.values():
        if not task.done():
            task.cancel()
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    await on_shutdown(worker.ctx)
    pool = worker._pool  # noqa: SLF001 - arq keeps its pool there; None when it never connected
    if pool is not None:
        try:
            await pool.delete(worker.health_check_key)
            await pool.aclose()
        except (RedisError, OSError) as exc:
            logger.warning("closing the Redis connections failed: %s", describe(exc))
