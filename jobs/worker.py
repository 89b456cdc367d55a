"""Production: the arq worker (``taxoffice worker``), running the same task functions as the embedded default.

Functions and nightly cron jobs come from the one job table, ``jobs.tasks.TASKS``. Run it with
``taxoffice worker`` (or ``arq jobs.worker.WorkerSettings``); ``TAXOFFICE_REDIS_URL`` names the Redis.
"""

import asyncio
import datetime
import logging
import os
from collections.abc import Mapping
from typing import Any

from arq import cron, func
from arq.connections import RedisSettings
from arq.cron import CronJob
from arq.worker import Function, Worker, get_kwargs

from jobs.partitioned import PARTITION_FUNCTION, PARTITION_TIMEOUT, PARTITIONED, queue_partitions, run_partition
from jobs.queue import ArqDispatcher
from jobs.recording import execute
from jobs.resilience import ResilientWorker, close_quietly, keep_running
from jobs.spec import Every, JobSpec, Schedule
from jobs.tasks import TASKS
from taxoffice.auth.roles import Principal
from taxoffice.config import Settings, get_settings
from taxoffice.db import create_engine, create_session_factory

logger = logging.getLogger("taxoffice.jobs")
# arq evaluates cron schedules in this zone: Hanoi, UTC+7 all year (no daylight saving).
HANOI = datetime.timezone(datetime.timedelta(hours=7), "Asia/Ho_Chi_Minh")


def _on_request(name: str) -> Any:  # noqa: ANN401 - arq's WorkerCoroutine protocol
    async def run(ctx: dict[str, Any], as_of: str | None = None, run_id: int | None = None) -> dict[str, int]:
        return await execute(ctx, name, as_of, run_id=run_id, origin="api", requested_by="system:worker")

    run.__qualname__ = f"run_{name.replace('-', '_')}"
    return run


def _on_schedule(name: str) -> Any:  # noqa: ANN401 - arq's WorkerCoroutine protocol
    async def run(ctx: dict[str, Any]) -> dict[str, int]:
        parts = ctx["settings"].job_partitions
        if parts > 1 and name in PARTITIONED:
            # Split for every worker to share (jobs.partitioned); this slot only records and queues the partitions.
            actor = Principal.system("schedule")
            return await queue_partitions(ctx, ctx["redis"], name, None, parts, actor=actor, origin="schedule")
        return await execute(ctx, name, None, origin="schedule", requested_by="system:schedule")

    run.__qualname__ = f"scheduled_{name.replace('-', '_')}"
    return run


def worker_functions(tasks: Mapping[str, JobSpec]) -> list[Function]:
    """One arq function per job, named as the job; results live in ``job_run``, not in Redis."""
    return [
        *(
            func(_on_request(name), name=name, timeout=spec.timeout, max_tries=spec.max_tries, keep_result=0)
            for name, spec in tasks.items()
        ),
        func(run_partition, name=PARTITION_FUNCTION, timeout=PARTITION_TIMEOUT, max_tries=3, keep_result=0),
    ]


def _cron_time(schedule: Schedule) -> dict[str, Any]:
    if isinstance(schedule, Every):
        return {"minute": schedule.cron_minutes}
    return {"hour": schedule.hour, "minute": schedule.minute}


def worker_cron_jobs(tasks: Mapping[str, JobSpec]) -> list[CronJob]:
    """One cron job per scheduled job, ``unique`` so that several workers run each slot once."""
    return [
        cron(
            _on_schedule(name),
            name=f"cron:{name}",
            **_cron_time(spec.schedule),
            unique=True,
            timeout=spec.timeout,
            max_tries=spec.max_tries,
        )
        for name, spec in tasks.items()
        if spec.schedule is not None
    ]


async def startup(ctx: dict[str, Any]) -> None:
    """Open the worker's engine and session factory (once: arq calls this again after reconnecting to Redis)."""
    if "engine" in ctx:
        return
    settings: Settings = ctx.get("settings") or get_settings()
    ctx["settings"] = settings
    ctx["engine"] = create_engine(settings)
    ctx["session_factory"] = create_session_factory(ctx["engine"])


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the worker's engine."""
    engine = ctx.pop("engine", None)
    if engine is not None:
        await engine.dispose()


class WorkerSettings:
    """arq's settings for the back office's worker."""

    functions = worker_functions(TASKS)
    cron_jobs = worker_cron_jobs(TASKS)
    redis_settings = RedisSettings.from_dsn(os.environ.get("TAXOFFICE_REDIS_URL") or "redis://localhost:6379")
    on_startup = startup
    on_shutdown = shutdown
    timezone = HANOI
    max_jobs = 4
    # Runs and their results are recorded in job_run: nothing kept in Redis, so a finished key is free again.
    keep_result = 0
    health_check_interval = 60


def build_worker(settings: Settings, **overrides: Any) -> Worker:  # noqa: ANN401 - arq's Worker keyword arguments
    """A worker for ``settings`` (its Redis and database); ``overrides`` as for arq's ``Worker``."""
    if not settings.redis_url:
        msg = "TAXOFFICE_REDIS_URL is not set"
        raise ValueError(msg)
    options: dict[str, Any] = {
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "ctx": {"settings": settings},
        "lock_seconds": settings.job_lock_seconds,
        "max_jobs": settings.worker_max_jobs,
        # arq keeps each cron job's next slot on the CronJob itself: a worker of its own gets schedules of its
        # own, or a second worker in one process would start with the first one's stale slots and run them at once.
        "cron_jobs": worker_cron_jobs(TASKS),
        **overrides,
    }
    return ResilientWorker(**{**get_kwargs(WorkerSettings), **options})  # type: ignore[arg-type] # arq's keywords


async def serve(worker: Worker, settings: Settings) -> None:
    """The worker's main task: jobs from Redis, reconnecting when it fails, and the outbox relay beside it."""
    assert settings.redis_url is not None  # noqa: S101 - build_worker refused otherwise
    await startup(worker.ctx)
    relay = ArqDispatcher(settings.redis_url, worker.ctx["session_factory"]).relay_forever
    await keep_running(worker, relay=relay)


def run(settings: Settings) -> None:
    """Run the worker until stopped (SIGINT/SIGTERM), through Redis outages."""
    worker = build_worker(settings)
    worker.main_task = worker.loop.create_task(serve(worker, settings))
    try:
        worker.loop.run_until_complete(worker.main_task)
    except asyncio.CancelledError:
        logger.info("worker stopped")
    finally:
        worker.loop.run_until_complete(close_quietly(worker, shutdown))
