"""Nightly batch benchmark: the night's four jobs on a seeded city, with 1 and then 2 arq workers sharing the queue.

Reconcile, interest, arrears flagging and the month's reports, each step split in partitions (``jobs/partitioned.py``)
that real ``taxoffice worker`` processes take from Redis.

1. Seed a city (``bench/seed.py``: at scale 1, 1,000,000 taxpayers, 5,000,000 charges, 3,000,000 payments,
   200,000 debtors) in one database, then copy it (``CREATE DATABASE … TEMPLATE``) for each worker count, so both
   nights start from the same rows.
2. For 1 and then 2 workers: start that many ``taxoffice worker`` processes on a Redis of its own; for each step,
   split the night's run into ``--parts`` partitions on the queue and wait until the whole run has succeeded
   (all partitions, and its closing step). Per step: seconds, peak memory (RSS summed over the worker processes,
   sampled every 0.1 s), and the run's totals.
3. The machine's own limit, measured in the same run: each step's plain SQL pass over the same rows
   (``bench/_nightly_sql.py``, on the seeded city), and our time as a share of it.
Targets (issue 23): the whole batch under 5 minutes, peak memory under 1.5 GiB, 2 workers faster than 1.

Run: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/nightly.py [--scale 1.0] [--parts 2]
[--workers 1,2] [--database-url URL]`` (default: a throwaway PostgreSQL cluster and Redis on 127.0.0.1).
"""

import argparse
import asyncio
import datetime
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench._common import database, log, run_benchmark, verdict
from bench._nightly_sql import plain_pass
from bench._nightly_workers import MemoryPeak, workers
from bench.seed import DAY, seed_city
from jobs.partitioned import queue_partitions
from taxoffice.auth.roles import Principal
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.jobruns.models import JobRun
from tests.support.servers import admin_sql, redis_server

NIGHT = DAY + datetime.timedelta(days=1)  # the night after the seeded day: last month's reports are due
STEPS = ("reconcile-payments", "accrue-interest", "flag-arrears", "monthly-reports")
CITY = "nightly_city"
TARGET_TOTAL_S = 300.0
TARGET_RSS = 1.5 * 2**30
STEP_LIMIT_S = 900.0
SECRET = "bench-secret-key-not-for-production"  # noqa: S105 - a throwaway benchmark key
# What both nights must agree on (the partitions never share a taxpayer, whichever worker takes them).
FIGURES = {
    "money applied": "SELECT coalesce(sum(amount), 0) FROM payment_allocation",
    "interest outstanding": "SELECT coalesce(sum(outstanding), 0) FROM interest_accrual",
    "open cases": "SELECT count(*) FROM arrears_case WHERE status = 'open'",
    "overdue in cases": "SELECT coalesce(sum(overdue_total), 0) FROM arrears_case WHERE status = 'open'",
    "reports kept": "SELECT count(*) FROM report_file",
}


@dataclass
class Step:
    """One step of one night."""

    seconds: float = 0.0
    peak_rss: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    partitions: list[float] = field(default_factory=list)


def _url(server_url: str, name: str) -> str:
    return f"{server_url.rpartition('/')[0]}/{name}"


async def _wait_ready(
    pool: Any,  # noqa: ANN401 - arq's pool
    processes: list[subprocess.Popen[bytes]],
    log_dir: Path,
    seconds: float = 60.0,
) -> None:
    """Wait until every worker is connected to Redis (its clients besides ours), or say why one stopped."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for number, process in enumerate(processes, start=1):
            if process.poll() is not None:
                tail = (log_dir / f"worker-{number}.log").read_text(errors="replace")[-2000:]
                msg = f"worker {number} stopped (exit {process.returncode}):\n{tail}"
                raise RuntimeError(msg)
        if len(await pool.client_list()) > len(processes):
            await asyncio.sleep(1.0)  # its first poll of the queue
            return
        await asyncio.sleep(0.1)
    msg = f"workers did not connect to Redis within {seconds:.0f} s"
    raise RuntimeError(msg)


async def _step(ctx: dict[str, Any], pool: Any, name: str, parts: int, peak: MemoryPeak) -> Step:  # noqa: ANN401 - arq's pool
    peak.reset()
    peak.sample()
    began = time.perf_counter()
    queued = await queue_partitions(
        ctx, pool, name, NIGHT.isoformat(), parts, actor=Principal.system("bench"), origin="cli"
    )
    whole_id = queued["whole_run"]
    while True:
        peak.sample()
        async with ctx["session_factory"]() as session:
            runs = list(
                await session.scalars(select(JobRun).where((JobRun.id == whole_id) | (JobRun.parent_id == whole_id)))
            )
        whole = next(run for run in runs if run.id == whole_id)
        if whole.status == "succeeded":
            break
        lost = [run for run in runs if run.status == "failed" and run.attempt >= 3]
        if lost or time.perf_counter() - began > STEP_LIMIT_S:
            msg = f"{name}: partitions failed or too slow: {[(run.part, run.error) for run in runs if run.error]}"
            raise RuntimeError(msg)
        await asyncio.sleep(0.1)
    spans = [
        (run.finished_at - run.started_at).total_seconds()
        for run in runs
        if run.part is not None and run.started_at and run.finished_at
    ]
    return Step(time.perf_counter() - began, peak.peak, dict(whole.counts or {}), sorted(spans))


async def _night(dsn: str, redis_url: str, count: int, parts: int) -> tuple[dict[str, Step], dict[str, int]]:
    from arq import create_pool  # noqa: PLC0415 - arq only where the queue is used
    from arq.connections import RedisSettings  # noqa: PLC0415

    settings = Settings(database_url=dsn, redis_url=redis_url, secret_key=SECRET)
    engine = create_engine(settings)
    ctx: dict[str, Any] = {"settings": settings, "session_factory": create_session_factory(engine)}
    env = {
        "TAXOFFICE_DATABASE_URL": dsn,
        "TAXOFFICE_REDIS_URL": redis_url,
        "TAXOFFICE_SECRET_KEY": SECRET,
        # Each worker takes as many partitions at once as leaves the others theirs: one night, the same concurrency.
        "TAXOFFICE_WORKER_MAX_JOBS": str(max(1, parts // count)),
    }
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    steps: dict[str, Step] = {}
    try:
        with (
            tempfile.TemporaryDirectory(prefix="taxoffice-nightly-") as folder,
            workers(count, env, Path(folder)) as processes,
        ):
            await _wait_ready(pool, processes, Path(folder))
            peak = MemoryPeak([process.pid for process in processes])
            for name in STEPS:
                steps[name] = await _step(ctx, pool, name, parts, peak)
                log(f"  {count} worker(s): {name} in {steps[name].seconds:.1f} s")
        figures = await _figures(engine)
    finally:
        await pool.flushdb()
        await pool.aclose()
        await engine.dispose()
    return steps, figures


async def _figures(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {name: int((await conn.execute(text(sql))).scalar_one()) for name, sql in FIGURES.items()}


def _gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"


def _print(nights: dict[int, dict[str, Step]], limits: dict[str, float]) -> None:
    counts = sorted(nights)
    head = f"{'step':<20}" + "".join(f"{f'{n} worker(s)':>28}" for n in counts) + f"{'plain SQL':>11}"
    log(head)
    for name in STEPS:
        cells = ""
        for n in counts:
            step = nights[n][name]
            share = limits[name] / step.seconds if step.seconds else 0.0
            cells += f"{step.seconds:>8.1f} s {_gib(step.peak_rss):>10} {share:>6.0%}"
        log(f"{name:<20}{cells}{limits[name]:>9.2f} s")
    total_limit = sum(limits.values())
    cells = ""
    for n in counts:
        seconds = sum(step.seconds for step in nights[n].values())
        peak = max(step.peak_rss for step in nights[n].values())
        cells += f"{seconds:>8.1f} s {_gib(peak):>10} {total_limit / seconds:>6.0%}"
    log(f"{'whole batch':<20}{cells}{total_limit:>9.2f} s")
    log("(per worker count: seconds, peak RSS of the worker processes, the plain SQL pass's time as a share of ours)")
    last = nights[counts[-1]]
    for name in STEPS:
        spans = ", ".join(f"{s:.1f}" for s in last[name].partitions)
        log(f"  {name} totals ({counts[-1]} workers): {last[name].counts}; partitions took {spans} s")


def _verdicts(nights: dict[int, dict[str, Step]]) -> None:
    for n, steps in sorted(nights.items()):
        seconds = sum(step.seconds for step in steps.values())
        peak = max(step.peak_rss for step in steps.values())
        log(f"{n} worker(s): whole batch {seconds:.1f} s (target under {TARGET_TOTAL_S:.0f} s: "
            f"{verdict(seconds < TARGET_TOTAL_S)}); peak memory {_gib(peak)} (target under 1.50 GiB: "
            f"{verdict(peak < TARGET_RSS)})")  # fmt: skip
    if 1 in nights and 2 in nights:
        one, two = (sum(step.seconds for step in nights[n].values()) for n in (1, 2))
        log(f"2 workers vs 1: {two:.1f} s vs {one:.1f} s, {one / two:.2f}x ({verdict(two < one)})")
        for name in STEPS:
            a, b = nights[1][name].seconds, nights[2][name].seconds
            log(f"  {name}: {b:.1f} s vs {a:.1f} s ({'faster' if b < a else 'NOT faster'})")


async def _run(server_url: str, redis_url: str, args: argparse.Namespace) -> None:
    city = _url(server_url, CITY)
    await admin_sql(server_url, f'DROP DATABASE IF EXISTS "{CITY}" WITH (FORCE)', f'CREATE DATABASE "{CITY}"')
    began = time.perf_counter()
    rows = await seed_city(city, scale=args.scale)
    log(f"seeded in {time.perf_counter() - began:.0f} s: " + ", ".join(f"{t} {n:,}" for t, n in rows.items()))
    engine = create_async_engine(city)
    limits = {name: (await plain_pass(engine, name, NIGHT))[0] for name in STEPS}
    await engine.dispose()
    log("plain SQL passes: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in limits.items()))
    nights: dict[int, dict[str, Step]] = {}
    figures: dict[int, dict[str, int]] = {}
    for count in args.workers:
        name = f"nightly_{count}w"
        began = time.perf_counter()
        await admin_sql(
            server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}" TEMPLATE "{CITY}"'
        )
        log(f"copied the city for {count} worker(s) in {time.perf_counter() - began:.0f} s")
        redis = f"{redis_url.rpartition('/')[0]}/{count}"
        nights[count], figures[count] = await _night(_url(server_url, name), redis, count, args.parts)
        await admin_sql(server_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    log()
    log(f"nightly batch for {NIGHT}, each step in {args.parts} partitions")
    _print(nights, limits)
    same = len({tuple(f.items()) for f in figures.values()}) == 1
    log(f"the same figures with every worker count: {'yes' if same else 'NO'}: {figures}")
    _verdicts(nights)


def run(args: argparse.Namespace) -> None:
    """Seed, then run the night with each worker count."""
    with database(args.database_url) as server_url, redis_server() as redis_url:
        asyncio.run(_run(server_url, redis_url, args))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 1,000,000 taxpayers")
    parser.add_argument("--parts", type=int, default=2, help="partitions of each step")
    parser.add_argument("--workers", default="1,2", help="worker counts to run the night with, in order")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server on 127.0.0.1 (superuser)")
    args = parser.parse_args(argv)
    args.workers = [int(n) for n in args.workers.split(",")]
    return args


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    run_benchmark(run, parse_args(argv))


if __name__ == "__main__":
    main()
