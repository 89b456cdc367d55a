"""Jobs inside the API process: how requested runs are dispatched, and the embedded scheduler's lifespan.

With ``TAXOFFICE_REDIS_URL`` set, runs go to the arq queue (the workers also run the nightly schedule);
without it (the embedded default), runs execute as tasks of this process and a scheduler here runs the
nightly slots.
"""

import asyncio
import contextlib
import datetime
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.runner import InProcessDispatcher
from jobs.scheduler import Scheduler
from jobs.spec import JobSpec
from jobs.tasks import TASKS
from taxoffice.clock import utc_now
from taxoffice.config import Settings
from taxoffice.jobruns.services import JobDispatcher


class JobsRuntime:
    """The API process's part in running jobs; ``startup``/``shutdown`` are the app's lifespan hooks."""

    def __init__(
        self,
        settings: Settings,
        session_factory: async_sessionmaker[AsyncSession] | Callable[[], AsyncSession],
        *,
        tasks: Mapping[str, JobSpec] = TASKS,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.in_process: InProcessDispatcher | None = None
        self.dispatcher: JobDispatcher
        self._relay: Callable[[], Coroutine[Any, Any, None]] | None = None
        if settings.redis_url:
            from jobs.queue import ArqDispatcher  # noqa: PLC0415 - arq is loaded only when Redis is configured

            queue = ArqDispatcher(settings.redis_url, session_factory, tasks=tasks, clock=clock)
            self.dispatcher = queue
            self._relay = queue.relay_forever
        else:
            self.in_process = InProcessDispatcher(settings, session_factory, tasks=tasks, clock=clock)
            self.dispatcher = self.in_process
        self.scheduler: Scheduler | None = None
        if self.in_process is not None:
            runner = self.in_process
            self.scheduler = Scheduler(
                {name: spec.schedule for name, spec in tasks.items() if spec.schedule is not None},
                lambda name, as_of: runner.run(name, as_of, origin="schedule"),
                clock=clock,
            )
        self._scheduler_task: asyncio.Task[None] | None = None
        self._relay_task: asyncio.Task[None] | None = None

    async def startup(self) -> None:
        """Start the embedded scheduler (without Redis), or the outbox relay (with Redis)."""
        if self.scheduler is not None and self._scheduler_task is None:
            self._scheduler_task = asyncio.create_task(self.scheduler.run_forever(), name="job-scheduler")
        if self._relay is not None and self._relay_task is None:
            self._relay_task = asyncio.create_task(self._relay(), name="job-outbox-relay")

    async def shutdown(self) -> None:
        """Stop the scheduler and the relay, cancel jobs still running here (recorded as cancelled), close Redis."""
        for task in (self._scheduler_task, self._relay_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._scheduler_task = self._relay_task = None
        await self.dispatcher.close()
