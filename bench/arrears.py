"""Arrears benchmark on PostgreSQL: the flag-arrears job over a million taxpayers, and the worklist queries.

1. Load (not timed against a target): 1,000,000 taxpayers and about 5,000,000 charges, their payments and
   allocations and interest snapshots, made set-based from series (``bench/_arrears_data.py``).
2. First run: ``flag-arrears`` through the job recorder as ``jobs run flag-arrears --as-of 2026-07-15`` runs it
   (no earlier run: every debtor examined). Target: under 60 s. Then the same day again, continuing from that run
   and examining everything: nothing to write either way.
3. Next day: 1 % of the taxpayers changed (debts paid, charges falling due), ``flag-arrears`` for 2026-07-16
   continues from the recorded run. Target: under 10 s.
4. Worklist: ``WorklistService.search`` in-process (the service behind ``GET /arrears/cases``) on the open cases
   the job made (about 200,000), as an officer of one tax office and as a manager, with each filter and sort and a
   second keyset page; every query in its own session. Target: p99 under 50 ms.

Run: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/arrears.py [--taxpayers N] [--repeat N]
[--database-url URL]`` (default: a throwaway PostgreSQL cluster on 127.0.0.1).
"""

import argparse
import asyncio
import datetime
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run as ``python bench/arrears.py``, this folder comes first on sys.path: the root goes first for ``bench.…``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench._arrears_data import assign_officers, change_accounts, load
from bench._common import database, log, percentile
from jobs.recording import execute_run
from taxoffice.arrears.ageing import Bucket
from taxoffice.arrears.categories import Category
from taxoffice.arrears.flagging import flag_arrears
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.schemas import SortOrder
from taxoffice.arrears.services import WorklistQuery, WorklistService
from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.migrations import upgrade_to_head

FIRST_DAY = datetime.date(2026, 7, 15)
NEXT_DAY = datetime.date(2026, 7, 16)
TARGET_FIRST_S = 60.0
TARGET_NEXT_S = 10.0
TARGET_P99_MS = 50.0


def verdict(ok: bool) -> str:
    """A figure's mark against its target."""
    return "target met" if ok else "TARGET MISSED"


async def _scalar(factory: async_sessionmaker[AsyncSession], sql: str) -> Any:  # noqa: ANN401 - one value of any type
    async with factory() as session:
        return (await session.execute(text(sql))).scalar_one()


async def flag_phase(factory: async_sessionmaker[AsyncSession], taxpayers: int) -> bool:
    """Load, first run, same-day run, next-day run; whether both targets were met."""
    started = time.perf_counter()
    async with factory() as session:
        loaded = await load(session, taxpayers, FIRST_DAY)
    log(f"load: {', '.join(f'{v:,} {k}' for k, v in loaded.items())} in {time.perf_counter() - started:.0f} s")
    ctx: dict[str, Any] = {"session_factory": factory}

    async def run(day: datetime.date) -> tuple[float, dict[str, int]]:
        began = time.perf_counter()
        _run_id, counts = await execute_run(ctx, "flag-arrears", day.isoformat(), origin="cli", requested_by="bench")
        return time.perf_counter() - began, counts

    first_s, first = await run(FIRST_DAY)
    open_cases = await _scalar(factory, "SELECT count(*) FROM arrears_case WHERE status = 'open'")
    log(
        f"first run {FIRST_DAY}: {first_s:.1f} s ({verdict(first_s < TARGET_FIRST_S)}: < {TARGET_FIRST_S:.0f} s) {first}"
    )
    log(f"  open cases: {open_cases:,}")
    again_s, again = await run(FIRST_DAY)
    log(f"same day again (continues from the first run): {again_s:.1f} s {again}")
    began = time.perf_counter()
    full = await flag_arrears(factory, FIRST_DAY, full=True)
    log(f"same day again, every debtor examined: {time.perf_counter() - began:.1f} s {full.as_dict()}")

    async with factory() as session:
        changed = await change_accounts(session, FIRST_DAY)
    log(f"changes during {FIRST_DAY}: {changed}")
    next_s, following = await run(NEXT_DAY)
    log(f"next day {NEXT_DAY}: {next_s:.1f} s ({verdict(next_s < TARGET_NEXT_S)}: < {TARGET_NEXT_S:.0f} s) {following}")
    return first_s < TARGET_FIRST_S and next_s < TARGET_NEXT_S


async def _officer(factory: async_sessionmaker[AsyncSession]) -> Principal:
    async with factory() as session:
        row = (
            await session.execute(
                text("SELECT id, username, tax_office FROM app_user WHERE username = 'bench-officer-5-3'")
            )
        ).one()
    return Principal(user_id=row.id, username=row.username, role=Role.OFFICER, tax_office=row.tax_office)


async def worklist_phase(factory: async_sessionmaker[AsyncSession], repeat: int) -> bool:
    """Worklist searches in-process; whether the p99 target was met."""
    async with factory() as session:
        assigned = await assign_officers(session)
    officer = await _officer(factory)
    manager = Principal(user_id=None, username="bench-manager", role=Role.MANAGER)
    first_page: dict[str, str | None] = {}
    queries: list[tuple[str, Principal, Callable[[], WorklistQuery]]] = [
        ("officer: office, by amount", officer, WorklistQuery),
        ("officer: page 2", officer, lambda: WorklistQuery(cursor=first_page["cursor"])),
        ("officer: by age", officer, lambda: WorklistQuery(sort=SortOrder.AGE)),
        ("officer: own cases", officer, lambda: WorklistQuery(officer_id=officer.user_id)),
        ("officer: bucket 91-120", officer, lambda: WorklistQuery(bucket=Bucket.DAYS_91_120)),
        ("officer: stage enforcement", officer, lambda: WorklistQuery(stage=ActionKind.ENFORCEMENT)),
        ("officer: difficult", officer, lambda: WorklistQuery(category=Category.DIFFICULT)),
        ("officer: stalled", officer, lambda: WorklistQuery(stalled=True)),
        ("officer: 20-30 million", officer, lambda: WorklistQuery(min_amount=20_000_000, max_amount=30_000_000)),
        ("manager: all offices", manager, WorklistQuery),
        ("manager: office, over 365", manager, lambda: WorklistQuery(tax_office="CQT10", bucket=Bucket.OVER_365)),
        ("manager: unassigned by age", manager, lambda: WorklistQuery(unassigned=True, sort=SortOrder.AGE)),
    ]

    async def search(actor: Principal, query: WorklistQuery) -> tuple[float, int, str | None]:
        began = time.perf_counter()
        async with factory() as session:
            rows, cursor, _cutoff = await WorklistService(session).search(actor, query, NEXT_DAY)
        return (time.perf_counter() - began) * 1000, len(rows), cursor

    _ms, _count, first_page["cursor"] = await search(officer, WorklistQuery())
    log(f"worklist: {assigned:,} open cases assigned to officers; {repeat} searches of each kind after a warm-up")
    everything: list[float] = []
    for label, actor, make in queries:
        for _ in range(3):
            await search(actor, make())
        samples = []
        count = 0
        for _ in range(repeat):
            ms, count, _cursor = await search(actor, make())
            samples.append(ms)
        everything += samples
        log(f"  {label}: {count} rows, p50 {percentile(samples, 50):.1f} ms, p99 {percentile(samples, 99):.1f} ms")
    p99 = percentile(everything, 99)
    log(
        f"worklist p99 over {len(everything):,} searches: {p99:.1f} ms, p50 {percentile(everything, 50):.1f} ms "
        f"({verdict(p99 < TARGET_P99_MS)}: < {TARGET_P99_MS:.0f} ms)"
    )
    return p99 < TARGET_P99_MS


async def main_async(url: str, args: argparse.Namespace) -> bool:
    """Every phase on the database at ``url``."""
    engine = create_engine(Settings(database_url=url, secret_key="bench-secret-key-not-for-production"))  # noqa: S106 - a throwaway benchmark key
    factory = create_session_factory(engine)
    try:
        ok = await flag_phase(factory, args.taxpayers)
        if args.worklist:
            ok = await worklist_phase(factory, args.repeat) and ok
    finally:
        await engine.dispose()
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--taxpayers", type=int, default=1_000_000, help="taxpayers (five charges each)")
    parser.add_argument("--repeat", type=int, default=200, help="timed searches of each worklist kind")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database on 127.0.0.1")
    parser.add_argument("--skip-worklist", dest="worklist", action="store_false")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    with database(args.database_url) as url:
        started = time.perf_counter()
        upgrade_to_head(url)
        log(f"schema migrated in {time.perf_counter() - started:.1f} s")
        ok = asyncio.run(main_async(url, args))
    log("all targets met" if ok else "SOME TARGETS MISSED")


if __name__ == "__main__":
    main()
