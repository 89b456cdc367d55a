"""Production: the arq worker (``taxoffice worker``), running the same task functions as the embedded default.

Functions and nightly cron jobs come from the one job table, ``jobs.tasks.TASKS``. Run it with
``taxoffice worker`` (or ``arq jobs.worker.WorkerSettings``); ``TAXOFFICE_REDIS_URL`` names the Redis.
"""

import datetime
import os
from collections.abc import Mapping
from typing import Any

from arq import cron, func
from arq.connections import RedisSettings
from arq.cron import CronJob
from arq.worker import Function, Worker, create_worker

from jobs.recording import execute
from jobs.spec import Every, JobSpec, Schedule
from jobs.tasks import TASKS
from taxoffice.config import Settings, get_settings
from taxoffice.db import create_engine, create_session_factory

# arq evaluates cron schedules in this zone: Hanoi, UTC+7 all year (no daylight saving).
HANOI = datetime.timezone(datetime.timedelta(hours=7), "Asia/Ho_Chi_Minh")


def _on_request(name: str) -> Any:  # noqa: ANN401 - arq's WorkerCoroutine protocol
    async def run(ctx: dict[str, Any], as_of: str | None = None, run_id: int | None = None) -> dict[str, int]:
        return await execute(ctx, name, as_of, run_id=run_id, origin="api", requested_by="system:worker")

    run.__qualname__ = f"run_{name.replace('-', '_')}"
    return run


def _on_schedule(name: str) -> Any:  # noqa: ANN401 - arq's WorkerCoroutine protocol
    async def run(ctx: dict[str, Any]) -> dict[str, int]:
        return await execute(ctx, name, None, origin="schedule", requested_by="system:schedule")

    run.__qualname__ = f"scheduled_{name.replace('-', '_')}"
    return run


def worker_functions(tasks: Mapping[str, JobSpec]) -> list[Function]:
    """One arq function per job, named as the job; results live in ``job_run``, not in Redis."""
    return [
        func(_on_request(name), name=name, timeout=spec.timeout, max_tries=spec.max_tries, keep_result=0)
        for name, spec in tasks.items()
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
    """Open the worker's engine and session factory."""
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
        **overrides,
    }
    return create_worker(WorkerSettings, **options)  # type: ignore[arg-type] # a settings class is what arq takes


def run(settings: Settings) -> None:
    """Run the worker until stopped (SIGINT/SIGTERM)."""
    build_worker(settings).run()
