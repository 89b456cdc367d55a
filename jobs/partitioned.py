"""Nightly jobs split into partitions that never touch the same taxpayers, shared by every worker on the queue.

``reconcile-payments``, ``accrue-interest``, ``flag-arrears`` and ``monthly-reports`` can run for a day as ``parts``
partitions (``taxoffice.partition``: taxpayer id modulo ``parts``; the monthly reports split by report). ``split``
records the whole run and its partitions (``taxoffice.jobruns.partitions``); ``enqueue`` puts one arq job per
partition on the queue (function ``run-partition``, job id ``name:as_of:whole:k/n``), and any worker takes them.
Each partition is recorded like any run, is idempotent, and is retried by arq when its worker dies (its lock
lapses, ``jobs.resilience``); the last one to succeed runs the job's closing step and completes the whole run.
``run_here`` does the same in this process (tests, or a database with no queue); the whole-run path is unchanged.
"""

import asyncio
import datetime
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.recording import attempt, job_table
from jobs.tasks import TASKS
from taxoffice.accounts.accrual import accrue_interest
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.arrears.flagging import close_day, flag_arrears
from taxoffice.auth.roles import Principal
from taxoffice.clock import clock_of, job_day
from taxoffice.jobruns.errors import UnknownJobError
from taxoffice.jobruns.models import JobRun, JobStatus
from taxoffice.jobruns.partitions import PartitionedRuns
from taxoffice.jobruns.services import JobRunService
from taxoffice.partition import Partition
from taxoffice.reports.monthly import keep_monthly_reports, reports_of

# The arq function every partition runs through; its only argument is the partition's run id.
PARTITION_FUNCTION = "run-partition"
PartFunction = Callable[[dict[str, Any], datetime.date, Partition], Awaitable[dict[str, int]]]
Closing = Callable[[AsyncSession, datetime.date, dict[str, int]], Awaitable[dict[str, int]]]


async def _reconcile(ctx: dict[str, Any], day: datetime.date, partition: Partition) -> dict[str, int]:
    reconciler = Reconciler(ctx["session_factory"], as_of=day, clock=clock_of(ctx), partition=partition)
    return (await reconciler.run(f"reconcile:{day.isoformat()}")).as_dict()


async def _interest(ctx: dict[str, Any], day: datetime.date, partition: Partition) -> dict[str, int]:
    return (await accrue_interest(ctx["session_factory"], day, partition=partition, clock=clock_of(ctx))).as_dict()


async def _flag(ctx: dict[str, Any], day: datetime.date, partition: Partition) -> dict[str, int]:
    return (await flag_arrears(ctx["session_factory"], day, partition=partition)).as_dict()


async def _reports(ctx: dict[str, Any], day: datetime.date, partition: Partition) -> dict[str, int]:
    names = reports_of(partition.index, partition.count)
    async with ctx["session_factory"]() as session:
        now = clock_of(ctx)()
        counts = await keep_monthly_reports(session, day, generated_by="job:monthly-reports", now=now, names=names)
        await session.commit()
    return counts.as_dict()


async def _close_flagging(session: AsyncSession, day: datetime.date, counts: dict[str, int]) -> dict[str, int]:
    return {**counts, "stock_rows": await close_day(session, day, counts)}


# The jobs that can be split, and what each partition does (the same service as the whole job, on its share).
PARTITIONED: dict[str, PartFunction] = {
    "reconcile-payments": _reconcile,
    "accrue-interest": _interest,
    "flag-arrears": _flag,
    "monthly-reports": _reports,
}
# What runs once, after every partition of a day succeeded, in the transaction that completes the whole run.
CLOSING: dict[str, Closing] = {"flag-arrears": _close_flagging}
# The longest a partition may run (arq's limit for ``run-partition``): the longest of the whole jobs' limits.
PARTITION_TIMEOUT = max(TASKS[name].timeout for name in PARTITIONED)


async def split(
    ctx: dict[str, Any], name: str, as_of: str | None, parts: int, *, actor: Principal, origin: str
) -> tuple[int, list[tuple[int, str]]]:
    """Record run ``name`` for ``as_of`` split in ``parts``: the whole run's id and each partition's (id, job key)."""
    if name not in PARTITIONED:
        raise UnknownJobError(name, PARTITIONED)
    Partition(0, parts)  # refuses a count below 1
    day = job_day(ctx, as_of)
    async with ctx["session_factory"]() as session:
        whole, partitions = await PartitionedRuns(session).split(
            actor, name, day, parts, origin=origin, now=clock_of(ctx)()
        )
        await session.commit()
    return whole.id, [(run.id, run.job_key or "") for run in partitions]


async def enqueue(pool: Any, partitions: Sequence[tuple[int, str]]) -> int:  # noqa: ANN401 - arq's pool
    """Put each partition (run id, job key) on the arq queue; those already queued or running are left; the number."""
    queued = 0
    for run_id, key in partitions:
        if await pool.enqueue_job(PARTITION_FUNCTION, run_id, _job_id=key) is not None:
            queued += 1
    return queued


async def queue_partitions(
    ctx: dict[str, Any],
    pool: Any,  # noqa: ANN401 - arq's pool
    name: str,
    as_of: str | None,
    parts: int,
    *,
    actor: Principal,
    origin: str,
) -> dict[str, int]:
    """``split`` then ``enqueue``: the worker's nightly slot when ``TAXOFFICE_JOB_PARTITIONS`` is above 1."""
    whole_id, partitions = await split(ctx, name, as_of, parts, actor=actor, origin=origin)
    return {"whole_run": whole_id, "parts": parts, "queued": await enqueue(pool, partitions)}


async def requeue_unfinished(ctx: dict[str, Any], pool: Any, whole_id: int) -> int:  # noqa: ANN401 - arq's pool
    """Queue again the partitions of ``whole_id`` not succeeded (their tries ran out); the number queued."""
    async with ctx["session_factory"]() as session:
        left = await PartitionedRuns(session).unfinished(whole_id)
    return await enqueue(pool, [(run.id, run.job_key or "") for run in left])


async def run_partition(ctx: dict[str, Any], run_id: int) -> dict[str, int]:
    """Run one recorded partition (again, if it ran before: idempotent) and complete its whole run if it was last."""
    clock = clock_of(ctx)
    async with ctx["session_factory"]() as session:
        service = JobRunService(session)
        run = await service.get(run_id)
        if run.part is None or run.parts is None or run.parent_id is None:
            msg = f"Job run {run_id} is not a partition"
            raise ValueError(msg)
        name, day, whole_id = run.name, run.as_of, run.parent_id
        partition = Partition(run.part, run.parts)
        done = dict(run.counts or {}) if run.status == JobStatus.SUCCEEDED.value else None
        if done is None:
            await service.start(
                run_id,
                name=name,
                as_of=day,
                requested_by=run.requested_by,
                origin=run.origin,
                job_key=ctx.get("job_id"),
                attempt=int(ctx.get("job_try", 1)),
                now=clock(),
            )
        await session.commit()
    if done is None:
        limit = job_table(ctx)[name].timeout
        done = await attempt(ctx, run_id, lambda: PARTITIONED[name](ctx, day, partition), limit)
    await complete(ctx, whole_id)
    return done


async def complete(ctx: dict[str, Any], whole_id: int) -> bool:
    """Complete whole run ``whole_id`` if every partition has succeeded (its closing step first); whether it did."""
    async with ctx["session_factory"]() as session:
        found = await PartitionedRuns(session).completed(whole_id)
        if found is None:
            return False
        whole, counts = found
        closing = CLOSING.get(whole.name)
        if closing is not None:
            counts = await closing(session, whole.as_of, counts)
        await JobRunService(session).finish(whole.id, counts, now=clock_of(ctx)())
        await session.commit()
    return True


async def run_here(
    ctx: dict[str, Any], name: str, as_of: str | None, parts: int, *, actor: Principal, origin: str = "cli"
) -> JobRun:
    """Split run ``name`` and run its partitions in this process (at once on PostgreSQL); the whole run after."""
    whole_id, partitions = await split(ctx, name, as_of, parts, actor=actor, origin=origin)
    if ctx["settings"].is_sqlite:
        for run_id, _key in partitions:  # one writer: one partition after the other
            await run_partition(ctx, run_id)
    else:
        ended = await asyncio.gather(
            *(run_partition(ctx, run_id) for run_id, _key in partitions), return_exceptions=True
        )
        failed = [result for result in ended if isinstance(result, BaseException)]
        if failed:
            raise failed[0]  # recorded on its partition; the whole run waits for it to be run again
    async with ctx["session_factory"]() as session:
        return await JobRunService(session).get(whole_id)
