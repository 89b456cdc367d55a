"""Benchmarks of the taxpayer registry against the issue's targets; prints its figures as plain text.

1. ``demo load`` of N taxpayers (default 1,000,000) into PostgreSQL: target under 60 s, indexes included.
2. Search over them at the service level (name prefix, accent-free words, tax-code prefix): target p99 < 20 ms;
   optionally the same queries through HTTP.
3. Registrations over HTTP (``POST /api/v1/registrations``, anonymous) against ``taxoffice serve`` with 2 worker
   processes, 32 concurrent clients for a bounded time: target at least 500 requests/s. Driven by httpx, then by
   a minimal asyncio client; the target is judged on the latter, since httpx alone needs about one of the two
   cores (its run is printed with its CPU, for comparison).

Usage: ``.venv/bin/python bench/registry.py [--taxpayers N] [--seconds S] [--database-url URL] [--skip-load]
[--phases load,search,http]``. Without ``--database-url`` a throwaway PostgreSQL cluster is started and removed
afterwards. Everything runs on 127.0.0.1, is bounded in time and stops by itself, leaving no process behind.
The pieces live beside this file: ``_common.py`` (output, CPU accounting, the database), ``_search.py`` and
``_http_load.py``.
"""

import argparse
import asyncio
import datetime
import os
import random
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

# This folder comes first on sys.path and this file's name would shadow the ``registry`` package: the root goes first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (
    HOST,
    ROOT,
    TARGET_LOAD_SECONDS,
    TAXOFFICE,
    count_taxpayers,
    database,
    describe_server,
    log,
    run_benchmark,
    table_report,
    verdict,
)
from _http_load import http_server, keepalive_probe, registration_phase
from _search import Probe, http_search_phase, search_phase

from taxoffice.commands import demo_batch
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head

PHASES = ("load", "search", "http")


# --- 1. demo load ---------------------------------------------------------------------------------------------


def generation_seconds_per_row(sample: int) -> float:
    """What generating one row costs in Python alone (``demo_batch``, rows ready for COPY), no database."""
    codes = [f"01{n:07d}0" for n in range(1, sample + 1)]
    stamps = (datetime.date(2026, 11, 24), datetime.datetime.now(datetime.UTC))
    started = time.perf_counter()
    records = demo_batch(random.Random(2026), codes, 1_000_000_001, on_postgres=True, stamps=stamps)
    elapsed = time.perf_counter() - started
    assert len(records) == sample  # noqa: S101 - a sanity check of the sample
    return elapsed / sample


def demo_load(url: str, taxpayers: int, env: dict[str, str]) -> float:
    """Run ``taxoffice demo load --taxpayers N`` as a subprocess; its wall time."""
    log(f"demo load: running `taxoffice demo load --taxpayers {taxpayers}` …")
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [str(TAXOFFICE), "demo", "load", "--taxpayers", str(taxpayers)],
        env={**env, "TAXOFFICE_DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=max(900, taxpayers // 1000),
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        log(done.stdout[-2000:])
        log(done.stderr[-2000:])
        msg = f"`taxoffice demo load` failed with exit status {done.returncode}"
        raise SystemExit(msg)
    rate = taxpayers / elapsed if elapsed else 0.0
    ok = elapsed < TARGET_LOAD_SECONDS
    log(
        f"demo load: {taxpayers:,} taxpayers in {elapsed:.1f} s ({rate:,.0f} rows/s)"
        f"  [target < {TARGET_LOAD_SECONDS:.0f} s: {verdict(ok)}]"
    )
    reported = re.search(r"Loaded [\d,]+ taxpayers in ([\d.]+) s", done.stdout)
    if reported:
        inside = float(reported.group(1))
        log(f"  inside the command: {inside:.1f} s; process start, imports and exit: {elapsed - inside:.1f} s")
    return elapsed


# --- main -----------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--taxpayers", type=int, default=1_000_000, help="taxpayers to load (default 1,000,000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the HTTP registration run (default 20)")
    parser.add_argument(
        "--database-url", default=None, help=f"a PostgreSQL database on {HOST} (default: a throwaway cluster)"
    )
    parser.add_argument("--skip-load", action="store_true", help="search the taxpayers already in the database")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help="which phases to run, comma-separated, of load,search,http (default all; load needs no --skip-load)",
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP clients (default 32)")
    parser.add_argument(
        "--load-processes", type=int, default=1, help="load generator processes sharing the clients (default 1)"
    )
    parser.add_argument("--server-workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--search-rounds", type=int, default=2, help="measured passes over the searches (default 2)")
    parser.add_argument(
        "--search-budget", type=float, default=300.0, help="seconds after which measured search passes stop (300)"
    )
    parser.add_argument("--explain", type=int, default=2, help="EXPLAIN the N slowest searches of each kind")
    parser.add_argument(
        "--raw-client",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also drive registrations with a minimal asyncio client, to tell the server's cost from httpx's",
    )
    parser.add_argument(
        "--http-search", action=argparse.BooleanOptionalAction, default=True, help="also search through HTTP"
    )
    args = parser.parse_args(argv)
    args.phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    if not args.phases or args.phases - set(PHASES):
        parser.error(f"--phases takes some of {','.join(PHASES)}")
    if "load" not in args.phases:
        args.skip_load = True
    if args.taxpayers < 0 or args.seconds <= 0 or args.clients < 1 or args.load_processes < 1:
        parser.error("--taxpayers must be ≥ 0, --seconds > 0, --clients and --load-processes ≥ 1")
    return args


async def _prepare(url: str, args: argparse.Namespace, env: dict[str, str]) -> int:
    engine = create_engine(Settings(database_url=url))
    try:
        log(await describe_server(engine))
        taxpayers = await count_taxpayers(engine)
        if not args.skip_load and taxpayers:
            log(f"note: the database already holds {taxpayers:,} taxpayers; loading {args.taxpayers:,} more")
    finally:
        await engine.dispose()
    if not args.skip_load:
        per_row = generation_seconds_per_row(100_000)
        log(
            f"demo load: generating rows in Python alone (registry.demo.generate + JSON, no database) costs "
            f"{per_row * 1e6:.1f} µs/row = {per_row * args.taxpayers:.1f} s for {args.taxpayers:,}"
        )
        demo_load(url, args.taxpayers, env)
    return taxpayers


async def _searches(url: str, args: argparse.Namespace) -> list[Probe]:
    engine = create_engine(Settings(database_url=url))
    try:
        taxpayers = await count_taxpayers(engine)
        for line in await table_report(engine):
            log(line)
        if taxpayers == 0:
            log("search: skipped (no taxpayers in the database)")
            return []
        return await search_phase(engine, taxpayers, args.search_rounds, args.explain, args.search_budget)
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> None:
    """The chosen phases (by default all three) against one database."""
    env = {**os.environ, "TAXOFFICE_SECRET_KEY": secrets.token_urlsafe(32)}
    env.pop("TAXOFFICE_REDIS_URL", None)
    with database(args.database_url) as url:
        upgrade_to_head(url)
        asyncio.run(_prepare(url, args, env))
        probes = asyncio.run(_searches(url, args)) if "search" in args.phases else []
        if "http" not in args.phases:
            return
        with http_server(url, env, workers=args.server_workers) as (base_url, group):
            log(f"server: `taxoffice serve --workers {args.server_workers}` answering on {base_url}")
            log(keepalive_probe(base_url))
            if args.http_search and probes:
                asyncio.run(http_search_phase(base_url, probes))
            registration_phase(base_url, group, args)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks; Ctrl-C or SIGTERM still stops the server and removes the throwaway cluster."""
    run_benchmark(run, parse_args(argv))


if __name__ == "__main__":
    main()
