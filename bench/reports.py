"""Reports benchmark on PostgreSQL: the collections and arrears reports at full size, and a large workbook.

1. Collections over 10,000,000 allocation lines. Load (not timed against a target; ``bench/_reports_data.py``):
   300,000 taxpayers of 30 tax offices, about 4,400,000 charges (VAT 1701, CIT 1052, PIT 1001, fines 4254) due
   through 2025 and 2026, as many payments, and 10,000,000 ``payment_allocation`` lines of tax, fine and interest
   (three pairs of charges in ten paid partly late), made set-based from series with foreign-key checks switched
   off (``session_replication_role = replica``; ``--check-foreign-keys`` loads with them, to compare). Then
   ``collection_day`` is built from the ledger by ``taxoffice.accounts.collections.rebuild`` (the one-off cost;
   the reconcile job keeps it up to date batch by batch afterwards), and 2026's targets are set from 2025.
   Timed: the collections report for 2026 through ``ReportService.build`` with a fresh ``ReportCache`` each time,
   grouped five ways, each three times. Target: the slowest under 3 s. Also shown: the same report from the cache,
   the largest one rendered as JSON and XLSX, and one GROUP BY by month and tax type straight over the ledger
   (what the report would cost without the summary).
2. Arrears over 1,000,000 taxpayers, in a second database: the data of ``bench/arrears.py`` (about 5,000,000
   charges), one ``flag-arrears`` run for 15 Jul 2026 through the job recorder (it writes ``arrears_stock``),
   then ``write_stock`` alone in its own transaction, and ``collection_day`` rebuilt (the report sets the stock
   against the year's collections). Timed: the arrears report for that day with a fresh cache, grouped five
   ways, each three times. Target: the slowest under 3 s.
   With ``--replica``: the same load on a primary started here with a streaming replica of it (made by the stack's
   code, ``bench/_replica.py``), the replica caught up, then the report built from the replica (as the API does
   when ``TAXOFFICE_REPLICA_URL`` is set) against the machine's own limits in the same run: one plain GROUP BY over
   the summary rows it reads, and one over the ledger lines, both on the replica.
3. A 100,000-row XLSX: ``bench/reports_xlsx.py`` run as a child process (peak memory is its own), its figures
   relayed. Target: under 10 s and under 300 MiB.

Run: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/reports.py [--lines N] [--taxpayers N]
[--only collections|arrears|xlsx] [--replica] [--database-url URL]``. Without ``--database-url`` a throwaway PostgreSQL
cluster is started and removed afterwards; with it, the databases ``<name>_collections`` and ``<name>_arrears``
are (re)created beside the given one. A quick check: ``--lines 200000 --taxpayers 20000``.
"""

import argparse
import asyncio
import datetime
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import TextClause, make_url, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench import _arrears_data, _replica, _reports_data
from bench._common import ROOT, database, log, run_benchmark, verdict
from bench.arrears import FIRST_DAY as ARREARS_DAY
from jobs.recording import execute_run
from taxoffice.accounts.collections import rebuild
from taxoffice.arrears.stock import write_stock
from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.migrations import upgrade_to_head
from taxoffice.reports.catalogue import REPORTS
from taxoffice.reports.params import ReportQuery, check_query
from taxoffice.reports.services import FileFormat, ReportCache, ReportService, render
from taxoffice.reports.tables import Report
from tests.support.servers import fresh_database

TARGET_REPORT_S = 3.0
TARGET_XLSX_S = 10.0
TARGET_XLSX_MIB = 300.0
REPEAT = 3
YEAR_START = datetime.date(2026, 1, 1)
YEAR_END = datetime.date(2026, 12, 31)
MANAGER = Principal(user_id=None, username="bench-manager", role=Role.MANAGER)
# (label, grain, group_by) of each timed report.
COLLECTIONS_GROUPINGS = (
    ("none", "month", ""),
    ("tax_type", "month", "tax_type"),
    ("tax_type,tax_office", "month", "tax_type,tax_office"),
    ("sub_item,component", "month", "sub_item,component"),
    ("quarter by tax_office", "quarter", "tax_office"),
)
ARREARS_GROUPINGS = (
    ("none", "month", ""),
    ("bucket", "month", "bucket"),
    ("bucket,category", "month", "bucket,category"),
    ("tax_type", "month", "tax_type"),
    ("tax_office", "month", "tax_office"),
)


@asynccontextmanager
async def sessions(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on ``url``, its engine disposed afterwards."""
    engine = create_engine(Settings(database_url=url, secret_key="bench-secret-key-not-for-production"))  # noqa: S106 - a throwaway benchmark key
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def _vacuum(factory: async_sessionmaker[AsyncSession], tables: tuple[str, ...]) -> float:
    """``VACUUM ANALYZE`` of ``tables`` after a bulk load (as autovacuum would, but now, not during a timing)."""
    began = time.perf_counter()
    async with factory() as session:
        conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        for table in tables:
            await conn.execute(text(f"VACUUM ANALYZE {table}"))  # a fixed list of our table names
    return time.perf_counter() - began


def _query(name: str, grain: str, group_by: str, end: datetime.date, as_of: datetime.date | None = None) -> ReportQuery:
    """A checked query of report ``name`` for ``YEAR_START`` … ``end``, as the API would make it."""
    allowed = REPORTS[name].dimensions
    return check_query(
        start=YEAR_START, end=end, today=end, grain=grain, group_by=group_by, allowed=allowed, as_of=as_of
    )


async def build(
    factory: async_sessionmaker[AsyncSession],
    name: str,
    query: ReportQuery,
    cache: ReportCache,
    read: async_sessionmaker[AsyncSession] | None = None,
) -> tuple[float, Report]:
    """Seconds to build report ``name`` in its own session through ``ReportService``, and the report.

    ``read``: the replica's sessions, which the report is built from (as the API does with a replica).
    """
    began = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    async with factory() as session:
        if read is None:
            report = await ReportService(session, cache).build(name, query, MANAGER, now)
        else:
            async with read() as read_session:
                report = await ReportService(session, cache, read=read_session).build(name, query, MANAGER, now)
    return time.perf_counter() - began, report


async def timed_reports(
    factory: async_sessionmaker[AsyncSession],
    name: str,
    queries: list[tuple[str, ReportQuery]],
    read: async_sessionmaker[AsyncSession] | None = None,
) -> tuple[float, Report, ReportQuery]:
    """Each query built ``REPEAT`` times cold (a fresh cache each time); the slowest time, the largest report."""
    worst, largest, largest_query = 0.0, None, queries[0][1]
    for label, query in queries:
        samples: list[float] = []
        for _ in range(REPEAT):
            seconds, report = await build(factory, name, query, ReportCache(), read)
            samples.append(seconds)
        rows = len(report.sections[0].rows)
        log(
            f"  {label}: {rows:,} rows; {samples[0]:.2f} s first, slowest {max(samples):.2f} s, fastest {min(samples):.2f} s"
        )
        worst = max(worst, *samples)
        if largest is None or rows > len(largest.sections[0].rows):
            largest, largest_query = report, query
    assert largest is not None  # noqa: S101 - at least one query
    return worst, largest, largest_query


async def load_collections(factory: async_sessionmaker[AsyncSession], lines: int, *, check_foreign_keys: bool) -> int:
    """Load about ``lines`` allocation lines, vacuum, build the summary, set the targets; the lines loaded."""
    async with factory() as session:
        replica = not check_foreign_keys and await _reports_data.can_skip_fk_checks(session)
        began = time.perf_counter()
        loaded = await _reports_data.load(session, lines, replica=replica)
    fk = "foreign keys not checked" if replica else "foreign keys checked"
    log(f"load ({fk}): {', '.join(f'{v:,} {k}' for k, v in loaded.items())} in {time.perf_counter() - began:.0f} s")
    seconds = await _vacuum(factory, ("taxpayer", "account_charge", "payment", "payment_allocation"))
    log(f"  VACUUM ANALYZE of the loaded tables: {seconds:.0f} s")
    began = time.perf_counter()
    async with factory() as session:
        summary_rows = await rebuild(session)
        await session.commit()
    log(
        f"collection_day rebuilt from {loaded['allocation lines']:,} allocation lines: {summary_rows:,} rows "
        f"in {time.perf_counter() - began:.1f} s (one-off; not against a target)"
    )
    async with factory() as session:
        targets = await _reports_data.set_targets(session)
    log(f"  {targets} collection targets set for 2026")
    return loaded["allocation lines"]


async def collections_phase(url: str, lines: int, *, check_foreign_keys: bool) -> bool:
    """Load, build the summary, time the report; whether the target was met."""
    async with sessions(url) as factory:
        loaded = {"allocation lines": await load_collections(factory, lines, check_foreign_keys=check_foreign_keys)}
        queries = [(label, _query("collections", grain, by, YEAR_END)) for label, grain, by in COLLECTIONS_GROUPINGS]
        log(f"collections report {YEAR_START} … {YEAR_END} (with the same period of 2025), fresh cache, x{REPEAT}:")
        worst, largest, largest_query = await timed_reports(factory, "collections", queries)
        log(
            f"=> collections report over {loaded['allocation lines']:,} allocation lines, slowest build: {worst:.2f} s "
            f"({verdict(worst < TARGET_REPORT_S)}: < {TARGET_REPORT_S:.0f} s)"
        )
        cache = ReportCache()
        await build(factory, "collections", largest_query, cache)
        warm, _report = await build(factory, "collections", largest_query, cache)
        log(f"  from the cache (data unchanged; one version read): {warm * 1000:.1f} ms")
        for file_format in (FileFormat.JSON, FileFormat.XLSX):
            began = time.perf_counter()
            rendered = await render(largest, file_format, largest_query, None)
            log(
                f"  rendered as {file_format.value.upper()} ({len(largest.sections[0].rows):,} rows, "
                f"{largest_query.describe()['group_by']}): {time.perf_counter() - began:.2f} s, "
                f"{len(rendered.content) / 1024:,.0f} KiB"
            )
        began = time.perf_counter()
        async with factory() as session:
            direct = (
                await session.execute(_reports_data.DIRECT_GROUP_BY, {"start": YEAR_START, "end": YEAR_END})
            ).all()
        log(
            f"  for comparison, one GROUP BY month, tax type over payment_allocation JOIN account_charge for 2026: "
            f"{time.perf_counter() - began:.1f} s ({len(direct)} rows)"
        )
    return worst < TARGET_REPORT_S


# The machine's own limits for the report, on the same server: one plain SQL over the summary rows it reads (both
# years, every dimension: what the report sums, without our code), and one over the ledger lines themselves.
SUMMARY_GROUP_BY = text(
    "SELECT date_trunc('month', day), tax_office, tax_type, sub_item, component, sum(amount), "
    "sum(CASE WHEN overdue THEN amount ELSE 0 END) FROM (SELECT * FROM collection_day UNION ALL "
    "SELECT * FROM collection_day_delta) AS d WHERE day BETWEEN :start AND :end GROUP BY 1, 2, 3, 4, 5"
)


async def _plain(factory: async_sessionmaker[AsyncSession], sql: TextClause, start: datetime.date) -> float:
    """The fastest of ``REPEAT`` runs of ``sql`` from ``start`` to ``YEAR_END``, in seconds."""
    samples = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        async with factory() as session:
            (await session.execute(sql, {"start": start, "end": YEAR_END})).all()
        samples.append(time.perf_counter() - began)
    return min(samples)


async def replica_phase(primary_url: str, replica_url: str, lines: int) -> bool:
    """Load on the primary, wait for the replica, time the report built from it against the plain SQL there."""
    async with sessions(primary_url) as factory, sessions(replica_url) as replica:
        loaded = await load_collections(factory, lines, check_foreign_keys=False)
        waited = await _replica.caught_up(primary_url, replica_url)
        log(f"replica caught up with the primary {waited:.1f} s after the load")
        queries = [(label, _query("collections", grain, by, YEAR_END)) for label, grain, by in COLLECTIONS_GROUPINGS]
        log(f"collections report {YEAR_START} … {YEAR_END} built from the replica, fresh cache, x{REPEAT}:")
        worst, largest, _largest_query = await timed_reports(factory, "collections", queries, replica)
        said = {key: largest.parameters.get(key) for key in ("read_from", "replica_lag_seconds")}
        summary = await _plain(replica, SUMMARY_GROUP_BY, YEAR_START.replace(year=YEAR_START.year - 1))
        ledger = await _plain(replica, _reports_data.DIRECT_GROUP_BY, YEAR_START)
    log(
        f"=> collections report over {loaded:,} allocation lines from the replica ({said}), slowest build: "
        f"{worst:.2f} s ({verdict(worst < TARGET_REPORT_S)}: < {TARGET_REPORT_S:.0f} s)"
    )
    log(
        f"  limit 1, one plain GROUP BY over the summary rows it reads (2025 and 2026, every dimension) on the "
        f"replica: {summary:.3f} s; the report takes {worst / summary:.1f} times as long (share {summary / worst:.0%})"
    )
    log(
        f"  limit 2, one plain GROUP BY month, tax type over the {loaded:,} ledger lines on the replica: "
        f"{ledger:.2f} s; the report takes {worst / ledger:.1%} of it"
    )
    return worst < TARGET_REPORT_S


async def arrears_phase(url: str, taxpayers: int) -> bool:
    """Load, flag once, write the stock again, time the report; whether the target was met."""
    async with sessions(url) as factory:
        began = time.perf_counter()
        async with factory() as session:
            loaded = await _arrears_data.load(session, taxpayers, ARREARS_DAY)
        log(f"load: {', '.join(f'{v:,} {k}' for k, v in loaded.items())} in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        ctx: dict[str, Any] = {"session_factory": factory}
        _run_id, counts = await execute_run(
            ctx, "flag-arrears", ARREARS_DAY.isoformat(), origin="cli", requested_by="bench"
        )
        log(f"flag-arrears {ARREARS_DAY}: {time.perf_counter() - began:.1f} s (not against a target) {counts}")
        began = time.perf_counter()
        async with factory() as session:
            stock_rows = await write_stock(session, ARREARS_DAY)
            await session.commit()
        log(f"  write_stock alone, in its own transaction: {stock_rows:,} rows in {time.perf_counter() - began:.2f} s")
        began = time.perf_counter()
        async with factory() as session:
            summary_rows = await rebuild(session)
            await session.commit()
        log(
            f"  collection_day rebuilt (for the indicators): {summary_rows:,} rows in {time.perf_counter() - began:.1f} s"
        )
        await _vacuum(factory, ("arrears_case", "arrears_stock", "collection_day", "job_run"))

        queries = [
            (label, _query("arrears", grain, by, ARREARS_DAY, ARREARS_DAY)) for label, grain, by in ARREARS_GROUPINGS
        ]
        log(f"arrears report as of {ARREARS_DAY}, fresh cache, x{REPEAT}:")
        worst, _largest, _query_of_largest = await timed_reports(factory, "arrears", queries)
    log(
        f"=> arrears report over {loaded['taxpayers']:,} taxpayers, slowest build: {worst:.2f} s "
        f"({verdict(worst < TARGET_REPORT_S)}: < {TARGET_REPORT_S:.0f} s)"
    )
    return worst < TARGET_REPORT_S


def xlsx_phase() -> bool:
    """``bench/reports_xlsx.py`` in a child process; its lines relayed; whether the target was met."""
    script = ROOT / "bench" / "reports_xlsx.py"
    child = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)  # noqa: S603 - our own script
    for line in child.stdout.strip().splitlines():
        log(f"  {line}")
    seconds = re.search(r"workbook written in ([\d.]+) s", child.stdout)
    peak = re.search(r"peak RSS ([\d.]+) MiB", child.stdout)
    if child.returncode != 0 or seconds is None or peak is None:
        log(f"  bench/reports_xlsx.py exited with status {child.returncode}: {child.stderr.strip()[-2000:]}")
        return False
    ok = float(seconds[1]) < TARGET_XLSX_S and float(peak[1]) < TARGET_XLSX_MIB
    log(
        f"=> 100,000-row XLSX written in {float(seconds[1]):.2f} s with a peak RSS of {float(peak[1]):.0f} MiB "
        f"(target < {TARGET_XLSX_S:.0f} s, < {TARGET_XLSX_MIB:.0f} MiB): {verdict(ok)}"
    )
    return ok


def _database(server_url: str, suffix: str) -> str:
    """An empty, migrated database named after the given one with ``suffix``."""
    name = f"{make_url(server_url).database}_{suffix}"
    url = fresh_database(server_url, name)
    upgrade_to_head(url)
    return url


def run(args: argparse.Namespace) -> bool:
    """The chosen parts (by default all three); whether every target was met."""
    parts = [args.only] if args.only else ["collections", "arrears", "xlsx"]
    ok = True
    if args.replica:
        log(f"--- collections from a streaming replica ({args.lines:,} allocation lines)")
        with _replica.primary_and_replica() as pair:
            url = _database(pair.primary, "collections")
            replica_url = url.replace(pair.primary.rpartition("/")[0], pair.replica.rpartition("/")[0])
            ok = asyncio.run(replica_phase(url, replica_url, args.lines))
        parts = [part for part in parts if part != "collections"] if args.only is None else []
    if "collections" in parts or "arrears" in parts:
        with database(args.database_url) as server_url:
            if "collections" in parts:
                log(f"--- collections ({args.lines:,} allocation lines)")
                url = _database(server_url, "collections")
                ok = asyncio.run(collections_phase(url, args.lines, check_foreign_keys=args.check_foreign_keys)) and ok
            if "arrears" in parts:
                log(f"--- arrears ({args.taxpayers:,} taxpayers)")
                url = _database(server_url, "arrears")
                ok = asyncio.run(arrears_phase(url, args.taxpayers)) and ok
    if "xlsx" in parts:
        log("--- workbook (bench/reports_xlsx.py in a child process)")
        ok = xlsx_phase() and ok
    log("all targets met" if ok else "SOME TARGETS MISSED")
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000_000, help="allocation lines for the collections report")
    parser.add_argument("--taxpayers", type=int, default=1_000_000, help="taxpayers for the arrears report")
    parser.add_argument("--only", choices=["collections", "arrears", "xlsx"], help="run one part only")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database on 127.0.0.1 (a superuser's)")
    parser.add_argument("--check-foreign-keys", action="store_true", help="load with foreign-key checks on")
    parser.add_argument(
        "--replica", action="store_true", help="collections built from a streaming replica of a primary started here"
    )
    args = parser.parse_args(argv)
    if min(args.lines, args.taxpayers) < 1:
        parser.error("--lines and --taxpayers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures; exit status 1 when a target is missed."""
    outcome: list[bool] = []
    run_benchmark(lambda args: outcome.append(run(args)), parse_args(argv))
    sys.exit(0 if all(outcome) else 1)


if __name__ == "__main__":
    main()
