"""Jobs inside the API process: how requested runs are dispatched, and the embedded scheduler's lifespan.

With ``TAXOFFICE_REDIS_URL`` set, runs go to the arq queue (the workers also run the nightly schedule);
without it (the embedded default), runs execute as tasks of this process and a scheduler here runs the
nightly slots.
"""

import asyncio
import contextlib
import datetime
from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.recording import utc_now
from jobs.runner import InProcessDispatcher
from jobs.scheduler import Scheduler
from jobs.spec import JobSpec
from jobs.tasks import TASKS
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
        if settings.redis_url:
            from jobs.queue import ArqDispatcher  # noqa: PLC0415 - arq is loaded only when Redis is configured

            self.dispatcher = ArqDispatcher(settings.redis_url, session_factory, tasks=tasks, clock=clock)
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

    async def startup(self) -> None:
        """Start the embedded scheduler (only without Redis)."""
        if self.scheduler is not None and self._scheduler_task is None:
            self._scheduler_task = asyncio.create_task(self.scheduler.run_forever(), name="job-scheduler")

    async def shutdown(self) -> None:
        """Stop the scheduler, cancel jobs still running here (recorded as cancelled), close Redis."""
        if self._scheduler_task is not None:
            self._scheduler_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler_task
            self._scheduler_task = None
        await self.dispatcher.close()
