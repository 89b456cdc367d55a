"""Production: requested runs go to the arq queue in Redis, for ``taxoffice worker`` processes."""

import datetime
import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.recording import describe, utc_now
from jobs.spec import JobSpec
from jobs.tasks import TASKS
from taxoffice.jobruns.services import JobRunService

logger = logging.getLogger("taxoffice.jobs")


def job_id(name: str, as_of: datetime.date) -> str:
    """The queue's job id: at most one queued or running job per job and date."""
    return f"{name}:{as_of.isoformat()}"


class ArqDispatcher:
    """Enqueues recorded runs to arq (after the commit that recorded them); enqueue failures are recorded."""

    def __init__(
        self,
        redis_url: str,
        session_factory: async_sessionmaker[AsyncSession] | Callable[[], AsyncSession],
        *,
        tasks: Mapping[str, JobSpec] = TASKS,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.redis_settings = RedisSettings.from_dsn(redis_url)
        self.session_factory = session_factory
        self.tasks = tasks
        self.clock = clock
        self._pool: ArqRedis | None = None

    @property
    def names(self) -> Collection[str]:
        """The jobs that exist."""
        return self.tasks.keys()

    async def dispatch(self, run_id: int, name: str, as_of: datetime.date) -> None:
        """Enqueue run ``run_id`` as arq job ``name:as_of``; a failure to enqueue marks the run failed."""
        key = job_id(name, as_of)
        try:
            pool = await self._connect()
            job: Any = await pool.enqueue_job(name, as_of.isoformat(), run_id, _job_id=key)
        except Exception as exc:
            logger.exception("could not enqueue job run %s (%s)", run_id, key)
            await self._fail(run_id, f"Could not be queued: {describe(exc)}")
            return
        if job is None:
            await self._fail(run_id, f"Not queued: job {key} is already queued or running; see that run.")

    async def _connect(self) -> ArqRedis:
        if self._pool is None:
            self._pool = await create_pool(self.redis_settings, retry=0)
        return self._pool

    async def _fail(self, run_id: int, error: str) -> None:
        async with self.session_factory() as session:
            await JobRunService(session).fail(run_id, error, now=self.clock())
            await session.commit()

    async def close(self) -> None:
        """Close the Redis connections."""
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None
