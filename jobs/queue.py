"""Production: requested runs go to the arq queue in Redis, for ``taxoffice worker`` processes.

Every requested run has a row in ``job_outbox`` (written with the run, in the same transaction) until it starts.
After the commit the run is queued at once; the relay (``relay``/``relay_forever``, in every API process and
worker) queues the rows again every few seconds, idempotently: the arq job id ``name:as_of`` admits one queued
job per job and date. So a run requested while Redis is down waits, ``queued``, and is queued when Redis returns
(and one lost with Redis's memory is queued again); a Redis outage never fails a request.
"""

import asyncio
import datetime
import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.recording import describe
from jobs.spec import JobSpec
from jobs.tasks import TASKS
from taxoffice.clock import utc_now
from taxoffice.jobruns.models import JobOutbox
from taxoffice.jobruns.services import MAX_ERROR_CHARS, JobRunService

logger = logging.getLogger("taxoffice.jobs")
# How often the relay looks for runs waiting to be queued, and how many it takes at once.
RELAY_SECONDS = 5.0
RELAY_BATCH = 100


def job_id(name: str, as_of: datetime.date) -> str:
    """The queue's job id: at most one queued or running job per job and date."""
    return f"{name}:{as_of.isoformat()}"


class ArqDispatcher:
    """Queues recorded runs to arq from the outbox: at once after the commit, then by the relay until they start."""

    def __init__(
        self,
        redis_url: str,
        session_factory: async_sessionmaker[AsyncSession] | Callable[[], AsyncSession],
        *,
        tasks: Mapping[str, JobSpec] = TASKS,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.redis_settings = RedisSettings.from_dsn(redis_url)
        # Fail fast when Redis is down (arq would retry five times a second apart): the relay tries again later.
        self.redis_settings.conn_retries = 0
        self.redis_settings.conn_timeout = 2
        self.session_factory = session_factory
        self.tasks = tasks
        self.clock = clock
        self._pool: ArqRedis | None = None

    @property
    def names(self) -> Collection[str]:
        """The jobs that exist."""
        return self.tasks.keys()

    async def dispatch(self, run_id: int, name: str, as_of: datetime.date) -> None:  # noqa: ARG002 - read from its row
        """Queue run ``run_id`` (after the commit that recorded it); when Redis is down it waits in the outbox."""
        await self.relay(run_id=run_id)

    async def relay(self, *, run_id: int | None = None) -> int:
        """Queue the outbox's runs (or only ``run_id``'s); the number put in the queue now."""
        queued = 0
        async with self.session_factory() as session:
            query = select(JobOutbox).order_by(JobOutbox.id).limit(RELAY_BATCH).with_for_update(skip_locked=True)
            if run_id is not None:
                query = query.where(JobOutbox.run_id == run_id)
            rows = list(await session.scalars(query))
            for row in rows:
                queued += await self._enqueue(session, row)
            await session.commit()
        return queued

    async def _enqueue(self, session: AsyncSession, row: JobOutbox) -> int:
        key = job_id(row.name, row.as_of)
        now = self.clock()
        try:
            pool = await self._connect()
            job: Any = await pool.enqueue_job(row.name, row.as_of.isoformat(), row.run_id, _job_id=key)
        except Exception as exc:  # noqa: BLE001 - any Redis failure: the row waits for the next try
            row.tries += 1
            row.last_error = f"Could not be queued: {describe(exc)}"[:MAX_ERROR_CHARS]
            logger.warning("job run %s (%s) waits in the outbox: %s", row.run_id, key, describe(exc))
            await self._drop_pool()
            return 0
        if job is None and row.enqueued_at is None:
            # Never queued by us, yet the key is taken: another run of the same job and date is queued or running.
            error = f"Not queued: job {key} is already queued or running; see that run."
            await JobRunService(session).fail(row.run_id, error, now=now)
            await session.delete(row)
            return 0
        if job is None:
            return 0  # still in the queue from an earlier try
        row.tries += 1
        row.enqueued_at = now
        row.last_error = None
        return 1

    async def _connect(self) -> ArqRedis:
        if self._pool is None:
            self._pool = await create_pool(self.redis_settings, retry=0)
        return self._pool

    async def _drop_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await pool.aclose()
            except Exception:
                logger.debug("closing the Redis pool failed", exc_info=True)

    async def relay_forever(self, interval: float = RELAY_SECONDS) -> None:
        """Relay every ``interval`` seconds until cancelled; failures (database or Redis down) are logged."""
        while True:
            try:
                await self.relay()
            except Exception:
                logger.exception("the job outbox relay failed; trying again in %s s", interval)
            await asyncio.sleep(interval)

    async def close(self) -> None:
        """Close the Redis connections."""
        await self._drop_pool()
