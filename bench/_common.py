"""Shared pieces of the benchmarks: output, percentiles, CPU accounting, the database under test, running one."""

import argparse
import os
import random
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine

from registry import demo
from tests.support.servers import postgres_server

ROOT = Path(__file__).resolve().parent.parent
TAXOFFICE = Path(sys.executable).with_name("taxoffice")
HOST = "127.0.0.1"
LOCAL_HOSTS = {"127.0.0.1", "localhost", None}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TARGET_LOAD_SECONDS = 60.0
TARGET_SEARCH_P99_MS = 20.0
TARGET_REGISTRATIONS_PER_SECOND = 500.0


def log(line: str = "") -> None:
    """Print one figure line at once (the phases take long)."""
    print(line, flush=True)


def verdict(ok: bool) -> str:
    """A figure's mark against its target."""
    return "target met" if ok else "TARGET MISSED"


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile by nearest rank (``values`` need not be sorted)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def person(rng: random.Random) -> tuple[str, str, str]:
    """A surname, middle name and given name from the demo vocabulary."""
    return rng.choice(demo.SURNAMES), rng.choice(demo.MIDDLE), rng.choice(demo.GIVEN)


# --- CPU accounting from /proc (which process used the cores during a phase) -----------------------------------


def proc_cpu(pid: int) -> tuple[str, int, int, float] | None:
    """A process's command name, parent, process group, and CPU seconds of it and its reaped children; None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return comm, int(fields[1]), int(fields[2]), ticks / CLOCK_TICKS


def cpu_snapshot(server_group: int | None) -> dict[str, float]:
    """CPU seconds used so far by the server's processes, PostgreSQL's and this benchmark's (with exited children)."""
    me = os.getpid()
    totals = {"server": 0.0, "postgres": 0.0, "bench": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        info = proc_cpu(int(entry.name))
        if info is None:
            continue
        comm, parent, group, seconds = info
        if server_group is not None and group == server_group:
            totals["server"] += seconds
            totals[f"server process {entry.name}"] = seconds
        elif comm.startswith(("postgres", "postmaster")):
            totals["postgres"] += seconds
        elif int(entry.name) == me or parent == me:
            totals["bench"] += seconds
    return totals


def cpu_line(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    """Cores used per party over ``seconds`` of wall time."""
    parts = [f"{name} {(after[name] - before[name]) / seconds:.2f}" for name in ("server", "postgres", "bench")]
    processes = sorted(
        ((after[key] - before[key]) / seconds for key in after if key.startswith("server process") and key in before),
        reverse=True,
    )
    split = f" (its processes: {', '.join(f'{cores:.2f}' for cores in processes)})" if len(processes) > 1 else ""
    return f"cores busy ({os.cpu_count()} in all): " + ", ".join(parts) + split


# --- the database ---------------------------------------------------------------------------------------------


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """The given database, or a throwaway cluster started here and removed afterwards."""
    if url is not None:
        parsed = make_url(url)
        if not parsed.drivername.startswith("postgresql") or parsed.host not in LOCAL_HOSTS:
            msg = f"--database-url must be a PostgreSQL database on {HOST}, not {parsed.render_as_string()}"
            raise SystemExit(msg)
        if parsed.drivername != "postgresql+asyncpg":
            url = parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
        yield url
        return
    started = time.perf_counter()
    with postgres_server() as throwaway:
        log(f"throwaway PostgreSQL cluster started in {time.perf_counter() - started:.1f} s")
        yield throwaway


async def describe_server(engine: AsyncEngine) -> str:
    """The PostgreSQL version and the settings that shape the figures."""
    names = ["shared_buffers", "work_mem", "maintenance_work_mem", "fsync", "synchronous_commit", "max_connections"]
    async with engine.connect() as conn:
        version = (await conn.execute(text("SHOW server_version"))).scalar_one()
        rows = (
            await conn.execute(text("SELECT name, setting, unit FROM pg_settings WHERE name = ANY(:n)"), {"n": names})
        ).all()
    shown = {
        name: f"{setting}{'*' + unit if unit and unit[0].isdigit() else unit or ''}" for name, setting, unit in rows
    }
    return f"PostgreSQL {version}: " + ", ".join(f"{n}={shown.get(n, '?')}" for n in names)


async def table_report(engine: AsyncEngine) -> list[str]:
    """The taxpayer table's size and its indexes' sizes."""
    async with engine.connect() as conn:
        heap = (await conn.execute(text("SELECT pg_table_size('taxpayer')"))).scalar_one()
        indexes = (
            await conn.execute(
                text(
                    "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
                    "WHERE indrelid = 'taxpayer'::regclass ORDER BY 2 DESC"
                )
            )
        ).all()
    total = sum(int(size) for _name, size in indexes)
    lines = [f"  table taxpayer: {heap / 2**20:,.0f} MB; {len(indexes)} indexes: {total / 2**20:,.0f} MB"]
    lines += [f"    {name}: {int(size) / 2**20:,.0f} MB" for name, size in indexes]
    return lines


async def count_taxpayers(engine: AsyncEngine) -> int:
    """How many taxpayers the database holds."""
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM taxpayer"))).scalar_one())


def _raise_keyboard_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run_benchmark(run: Callable[[argparse.Namespace], None], args: argparse.Namespace) -> None:
    """Run ``run(args)``; Ctrl-C or SIGTERM still stops its server and removes its throwaway cluster."""
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    started = time.perf_counter()
    try:
        run(args)
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
    log(f"benchmark finished in {time.perf_counter() - started:.0f} s")
