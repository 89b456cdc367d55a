"""Benchmark of payments against the issue's targets; prints its figures as plain text.

1. Reconciliation: 1,000,000 payments against 1,000,000 charges of 300,000 taxpayers (VAT 1701 monthly and
   quarterly, CIT 1052, late-filing fines 4254, a few reductions; payments exact, partial, overpaid or round,
   one in four naming a period and sub-item) by one ``Reconciler(...).run`` in a child process: target under
   60 s with a peak RSS under 1 GiB. The result is then checked with SQL (every payment's allocations plus its
   unallocated rest equal its amount, no charge line paid beyond what it owes), and a second run, which should
   find nothing to do, is timed as well.
2. Import: a 1,000,000-row CSV statement for registered tax codes through ``taxoffice payments import FILE``
   as a subprocess: target under 60 s; the payments it recorded are counted.

Usage: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/reconcile.py [--taxpayers N] [--charges N]
[--payments N] [--rows N] [--database-url URL] [--skip-reconcile] [--skip-import]``.
Without ``--database-url`` a throwaway PostgreSQL cluster is started and removed afterwards; a given database
must be empty (the benchmark migrates it and fills it).
"""

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Self

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench._common import database, log
from bench._filings_setup import TAXOFFICE
from bench._reconcile_data import failed_checks, insert_charges, insert_payments, summary
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.migrations import upgrade_to_head
from tests.support.statements import payment_rows, write_csv

TARGET_SECONDS = 60.0
TARGET_PEAK_MIB = 1024.0
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def verdict(ok: bool) -> str:
    """A figure's mark against its target."""
    return "target met" if ok else "TARGET MISSED"


def _settings(url: str) -> Settings:
    return Settings(database_url=url, password_hash="fast")  # noqa: S106 - the name of an argon2 profile


async def _execute(url: str, sql: str) -> None:
    engine = create_engine(_settings(url))
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def load(url: str, taxpayers: int, charges: int, payments: int) -> None:
    """Taxpayers (the demo generator, copied in), then charges and payments made by SQL from series."""
    settings = _settings(url)
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            started = time.perf_counter()
            await insert_demo_taxpayers(session, settings, taxpayers, seed=2026)
            log(f"{taxpayers:,} taxpayers loaded in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            written = await insert_charges(session, taxpayers, charges)
            await session.commit()
            log(f"{written:,} charges inserted in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            written = await insert_payments(session, taxpayers, charges, payments)
            await session.commit()
            log(f"{written:,} payments inserted in {time.perf_counter() - started:.1f} s")
    finally:
        await engine.dispose()
    await _execute(url, "VACUUM ANALYZE")


async def _reconcile_child(url: str, run_name: str) -> None:
    """One reconcile run; prints its seconds, counts and this process's peak RSS as JSON."""
    engine = create_engine(_settings(url))
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        counts = await Reconciler(create_session_factory(engine)).run(run_name)
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "counts": counts.as_dict(), "rss_before_kib": before, "peak_kib": peak}))


class PostgresMemory:
    """Samples, every 0.2 s, the memory of one cluster's processes (the postmaster of a backend and its children).

    Reports the largest private memory (``RssAnon``) of any one process and of all of them together, and the
    largest resident size (``VmHWM``, which counts the shared buffers a backend touched).
    """

    def __init__(self, postmaster: int) -> None:
        self.postmaster = postmaster
        self.max_anon_kib = 0
        self.max_total_anon_kib = 0
        self.max_hwm_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for pid in [self.postmaster, *_children(self.postmaster)]:
                status = _status_kib(pid)
                total += status.get("RssAnon", 0)
                self.max_anon_kib = max(self.max_anon_kib, status.get("RssAnon", 0))
                self.max_hwm_kib = max(self.max_hwm_kib, status.get("VmHWM", 0))
            self.max_total_anon_kib = max(self.max_total_anon_kib, total)

    def line(self) -> str:
        """The figures, in MiB."""
        return (
            f"PostgreSQL side: largest private memory of one process {self.max_anon_kib / 1024:.0f} MiB, "
            f"of the whole cluster {self.max_total_anon_kib / 1024:.0f} MiB; largest resident size of one "
            f"process (with shared buffers touched) {self.max_hwm_kib / 1024:.0f} MiB"
        )


def _children(parent: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
    except OSError:
        return []


def _status_kib(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) for k, _, v in (line.partition(":") for line in lines) if v.strip().endswith("kB")}


async def _postmaster(url: str) -> int:
    engine = create_engine(_settings(url))
    try:
        async with engine.connect() as conn:
            backend = int(await conn.scalar(text("SELECT pg_backend_pid()")) or 0)
            stat = Path(f"/proc/{backend}/stat").read_text()  # noqa: ASYNC240 - while the backend is alive
    finally:
        await engine.dispose()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def reconcile_run(url: str, run_name: str) -> dict[str, Any]:
    """One run in a child process (so that its peak RSS is its own); prints and returns its figures."""
    postmaster = asyncio.run(_postmaster(url))
    with PostgresMemory(postmaster) as pg:
        out = subprocess.run(  # noqa: S603 - this very script
            [sys.executable, __file__, "--child-reconcile", run_name, "--database-url", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    counts = figures["counts"]
    peak = figures["peak_kib"] / 1024
    seconds = figures["seconds"]
    log(
        f"reconcile {run_name}: {seconds:.1f} s; {counts['taxpayers']:,} taxpayers in {counts['batches']:,} batches "
        f"({counts['skipped_locked']:,} skipped as locked), {counts['payments']:,} payments changed, "
        f"{counts['allocations']:,} allocations ({counts['allocated']:,} đ applied, {counts['released']:,} đ "
        f"released); peak RSS {peak:.0f} MiB ({figures['rss_before_kib'] / 1024:.0f} MiB before the run)"
    )
    log(f"  {pg.line()}")
    return figures


async def verify(url: str) -> bool:
    """The SQL checks after a run; prints them and the payments' state."""
    engine = create_engine(_settings(url))
    try:
        async with create_session_factory(engine)() as session:
            started = time.perf_counter()
            failed = await failed_checks(session)
            for line in await summary(session):
                log(f"  {line}")
    finally:
        await engine.dispose()
    for name, count in failed.items():
        log(f"  check: {name}: {count:,}{'' if count == 0 else '  <-- WRONG'}")
    log(f"  (checks took {time.perf_counter() - started:.1f} s)")
    return not any(failed.values())


def reconcile_phase(url: str, args: argparse.Namespace) -> bool:
    """Load, run twice, check; whether every target was met."""
    asyncio.run(load(url, args.taxpayers, args.charges, args.payments))
    first = reconcile_run(url, "bench-1")
    fast = first["seconds"] < TARGET_SECONDS and first["peak_kib"] / 1024 < TARGET_PEAK_MIB
    log(
        f"=> {args.payments:,} payments against {args.charges:,} charges of {args.taxpayers:,} taxpayers reconciled "
        f"in {first['seconds']:.1f} s with a peak RSS of {first['peak_kib'] / 1024:.0f} MiB (target < "
        f"{TARGET_SECONDS:.0f} s, < {TARGET_PEAK_MIB:.0f} MiB): {verdict(fast)}"
    )
    right = asyncio.run(verify(url))
    log(f"=> checks after the first run: {'all hold' if right else 'SOME FAIL'}")
    second = reconcile_run(url, "bench-2")
    idle = second["counts"]["allocations"] == 0
    log(f"=> second run: {second['counts']['allocations']:,} allocations ({'nothing to do' if idle else 'NOT IDLE'})")
    return fast and right and idle


async def _registered_codes(url: str, count: int) -> list[str]:
    engine = create_engine(_settings(url))
    try:
        async with engine.connect() as conn:
            sql = text("SELECT tax_code FROM taxpayer WHERE length(tax_code) = 10 ORDER BY id LIMIT :n")
            return list(await conn.scalars(sql, {"n": count}))
    finally:
        await engine.dispose()


async def _imported(url: str) -> int:
    engine = create_engine(_settings(url))
    try:
        async with engine.connect() as conn:
            sql = text("SELECT count(*) FROM payment WHERE source = 'import' AND status = 'unallocated'")
            return int(await conn.scalar(sql) or 0)
    finally:
        await engine.dispose()


def import_phase(url: str, args: argparse.Namespace) -> bool:
    """A generated CSV statement through ``taxoffice payments import``; whether the target was met."""
    if not args.reconcile:
        asyncio.run(insert_demo(url, args.taxpayers))
    codes = asyncio.run(_registered_codes(url, 50_000))
    already = asyncio.run(_imported(url))
    with tempfile.TemporaryDirectory(prefix="reconcile-bench-") as tmp:
        path = Path(tmp) / "statement.csv"
        started = time.perf_counter()
        write_csv(path, payment_rows(args.rows, codes=codes))
        log(
            f"statement of {args.rows:,} rows for {len(codes):,} registered tax codes written "
            f"({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - started:.1f} s"
        )
        env = {**os.environ, "TAXOFFICE_DATABASE_URL": url}
        env.pop("TAXOFFICE_REDIS_URL", None)
        started = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603 - our own command line
            [str(TAXOFFICE), "payments", "import", str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    assert child.stdout is not None  # noqa: S101 - opened with PIPE just above
    assert child.stderr is not None  # noqa: S101 - opened with PIPE just above
    out = child.stdout.read().decode().strip().splitlines()
    if status != 0:
        log(child.stderr.read().decode()[-3000:])
        msg = f"taxoffice payments import exited with status {status}"
        raise SystemExit(msg)
    recorded = asyncio.run(_imported(url)) - already
    log(f"import (`taxoffice payments import FILE` as a subprocess): {out[-1] if out else '(no output)'}")
    log(
        f"=> {args.rows:,} CSV rows imported in {seconds:.1f} s = {args.rows / seconds:,.0f} rows/s, peak RSS "
        f"{usage.ru_maxrss / 1024:.0f} MiB; {recorded:,} payments recorded (target < {TARGET_SECONDS:.0f} s): "
        f"{verdict(seconds < TARGET_SECONDS and recorded == args.rows)}"
    )
    return seconds < TARGET_SECONDS and recorded == args.rows


async def insert_demo(url: str, taxpayers: int) -> None:
    """Taxpayers only (the import phase alone)."""
    settings = _settings(url)
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            await insert_demo_taxpayers(session, settings, taxpayers, seed=2026)
    finally:
        await engine.dispose()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxpayers", type=int, default=300_000)
    parser.add_argument("--charges", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the imported CSV statement")
    parser.add_argument("--database-url", help="an empty PostgreSQL database on 127.0.0.1 (default: a throwaway)")
    parser.add_argument("--skip-reconcile", dest="reconcile", action="store_false")
    parser.add_argument("--skip-import", dest="imports", action="store_false")
    parser.add_argument("--child-reconcile", metavar="RUN", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.taxpayers, args.charges, args.payments, args.rows) < 1:
        parser.error("--taxpayers, --charges, --payments and --rows must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run the phases against one database; exit status 1 when a target is missed or a check fails."""
    args = parse_args(argv)
    if args.child_reconcile:
        asyncio.run(_reconcile_child(args.database_url, args.child_reconcile))
        return
    started = time.perf_counter()
    ok = True
    try:
        with database(args.database_url) as url:
            upgrade_to_head(url)
            if args.reconcile:
                ok = reconcile_phase(url, args) and ok
            if args.imports:
                ok = import_phase(url, args) and ok
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
    log(f"benchmark finished in {time.perf_counter() - started:.0f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
