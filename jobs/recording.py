"""The one wrapper every job execution goes through: record start, counts or the error, wherever it runs.

``ctx`` is arq's job context or a plain dict built the same way: ``session_factory`` (required), ``settings``,
optionally ``tasks`` (the job table; default ``TASKS``), ``clock`` (aware UTC instants), and from arq
``job_id`` / ``job_try``.
"""

import asyncio
import datetime
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from jobs.spec import JobSpec
from jobs.tasks import TASKS
from taxoffice.clock import clock_of, job_day
from taxoffice.jobruns.services import JobRunService

logger = logging.getLogger("taxoffice.jobs")


def job_table(ctx: Mapping[str, Any]) -> Mapping[str, JobSpec]:
    """The jobs that exist for this context."""
    tasks: Mapping[str, JobSpec] = ctx.get("tasks", TASKS)
    return tasks


def describe(exc: BaseException) -> str:
    """A run's error text."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def execute(
    ctx: dict[str, Any],
    name: str,
    as_of: str | None,
    *,
    run_id: int | None = None,
    origin: str,
    requested_by: str,
) -> dict[str, int]:
    """Run job ``name`` for ``as_of`` (default today in Hanoi), recording the attempt and its outcome.

    Returns the job's counts; re-raises its error after recording it (arq then marks the job failed).
    """
    _run_id, counts = await execute_run(ctx, name, as_of, run_id=run_id, origin=origin, requested_by=requested_by)
    return counts


async def execute_run(
    ctx: dict[str, Any],
    name: str,
    as_of: str | None,
    *,
    run_id: int | None = None,
    origin: str,
    requested_by: str,
) -> tuple[int, dict[str, int]]:
    """``execute``, returning the recorded run's id with the counts."""
    spec = job_table(ctx)[name]
    day = job_day(ctx, as_of)
    clock = clock_of(ctx)
    factory = ctx["session_factory"]
    async with factory() as session:
        run = await JobRunService(session).start(
            run_id,
            name=name,
            as_of=day,
            requested_by=requested_by,
            origin=origin,
            job_key=ctx.get("job_id"),
            attempt=int(ctx.get("job_try", 1)),
            now=clock(),
        )
        await session.commit()
        run_id = run.id
    logger.info("job %s for %s started (run %s, attempt %s)", name, day, run_id, run.attempt)
    counts = await attempt(ctx, run_id, lambda: spec.function(ctx, day.isoformat()), spec.timeout)
    logger.info("job %s for %s succeeded (run %s): %s", name, day, run_id, counts)
    return run_id, counts


async def attempt(
    ctx: dict[str, Any],
    run_id: int,
    work: Callable[[], Awaitable[dict[str, int]]],
    limit: datetime.timedelta,
) -> dict[str, int]:
    """Do a started run's ``work``: record its counts (succeeded), or its error (failed) and re-raise it."""
    clock = clock_of(ctx)
    try:
        counts = await work()
    except asyncio.CancelledError:
        await _record_failure(
            ctx, run_id, f"Cancelled: over its {limit.total_seconds():g} s limit, or the worker stopped.", clock
        )
        raise
    except Exception as exc:
        await _record_failure(ctx, run_id, describe(exc), clock)
        raise
    async with ctx["session_factory"]() as session:
        await JobRunService(session).finish(run_id, counts, now=clock())
        await session.commit()
    return counts


async def _record_failure(ctx: dict[str, Any], run_id: int, error: str, clock: Callable[[], datetime.datetime]) -> None:
    logger.error("job run %s failed: %s", run_id, error)
    async with ctx["session_factory"]() as session:
        await JobRunService(session).fail(run_id, error, now=clock())
        await session.commit()


async def execute_in_process(
    ctx: dict[str, Any], name: str, as_of: str | None, *, run_id: int | None = None, origin: str, requested_by: str
) -> tuple[int, dict[str, int]]:
    """``execute_run`` with the job's time limit applied here (arq applies it itself in the worker)."""
    spec = job_table(ctx)[name]
    async with asyncio.timeout(spec.timeout.total_seconds()):
        return await execute_run(ctx, name, as_of, run_id=run_id, origin=origin, requested_by=requested_by)
