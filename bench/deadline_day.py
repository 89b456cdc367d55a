"""Deadline day against the production stack: the issue's mix at a rising then steady rate; prints a table.

Starts its own ``taxoffice stack`` (PostgreSQL primary and streaming replica, Redis, API processes, arq workers; a
directory under /var/tmp and free ports, so it never meets another stack), seeds VAT filers with their logins, two
officers and a bank, then drives over HTTP:

- 70 % returns: JSON 01/GTGT of monthly filers, and real HTKK files (``tests/fixtures/htkk/real``) rewritten to
  quarterly filers' tax codes and quarters; distinct originals, period by period, as ``bench/filings.py`` files;
- 15 % taxpayers reading their obligations and their account;
- 10 % bank payments (``POST /payments``);
- 5 % officers searching the register and reading the arrears worklist;

with one write in 50 resent as a client that lost its answer would. Requests are due at a rate rising from
``--start-rate`` to ``--rate`` over ``--ramp`` seconds, then steady for ``--steady`` seconds (open loop: a
request's latency runs from its due time, waiting for a free connection included).

Prints the sustained rate, p50/p95/p99 per kind, errors by status (target 0, p99 under 300 ms), then checks in the
database that every acknowledged return (its Idempotency-Key and receipt) and every acknowledged payment (its bank
reference) is stored exactly once. Then ``pgbench`` one-row ``INSERT`` transactions against the same primary with
as many clients as the load had connections: the machine's own limit, and our rate as a share of it.

Quick check (about 2 minutes): ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/deadline_day.py``.
The full run (about 9 minutes): ``... bench/deadline_day.py --rate 60 --ramp 60 --steady 300 --pgbench-seconds 30``.
Everything runs on 127.0.0.1, is bounded in time and stops by itself.
"""

import argparse
import asyncio
import datetime
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Run as ``python bench/deadline_day.py``, this folder comes first on sys.path: the root goes first for ``bench.…``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import log, percentile, run_benchmark, verdict
from bench._deadline_check import Check, verify
from bench._deadline_load import Outcome, Schedule, run_load
from bench._deadline_mix import SHARES, Mix, quarters
from bench._deadline_profile import Profiler
from bench._deadline_setup import BANK, OFFICERS, cpu_seconds, pgbench_inserts, run_job, running_stack, seed
from bench._filings_setup import log_in, periods

TARGET_P99_MS = 300.0
HEADROOM = 1.25  # returns seeded beyond what the schedule can ask for


@dataclass(frozen=True)
class Figures:
    """What one run measured."""

    rate: float
    p99_ms: float
    errors: int
    check: Check
    limit_tps: float

    @property
    def ok(self) -> bool:
        """Whether the run met the issue's deadline-day figures."""
        return self.errors == 0 and self.p99_ms < TARGET_P99_MS and self.check.ok


def _filers_needed(args: argparse.Namespace, today: datetime.date) -> tuple[int, int]:
    """Monthly and quarterly filers enough for every return the warm-up and the run can ask for."""
    requests = args.start_rate * args.warmup + (args.start_rate + args.rate) / 2 * args.ramp + args.rate * args.steady
    json_returns = requests * SHARES["return json"] / 100 * HEADROOM + 20
    xml_returns = requests * SHARES["return xml"] / 100 * HEADROOM + 20
    monthly = math.ceil(json_returns / len(periods(today)))
    quarterly = math.ceil(xml_returns / len(quarters(today)))
    return max(monthly, 10), max(quarterly, 10)


def _table(outcome: Outcome) -> list[str]:
    """Requests, share, latency percentiles (from the due time; "wire": from sent to answered) and errors per kind."""
    head = f"  {'kind':<18}{'requests':>9}{'share':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    lines = [head + f"{'wire p50':>9}{'wire p99':>9}{'errors':>8}"]
    total = sum(len(v) for v in outcome.latencies.values()) or 1
    every: list[float] = []
    wire: list[float] = []
    for kind in SHARES:
        lat = outcome.latencies.get(kind, [])
        every += lat
        wire += outcome.service_ms.get(kind, [])
        own = outcome.service_ms.get(kind, [])
        errors = sum(n for status, n in outcome.statuses[kind].items() if not status.startswith("ok "))
        lines.append(
            f"  {kind:<18}{len(lat):>9,}{len(lat) / total:>7.0%}{percentile(lat, 50):>9.1f}{percentile(lat, 95):>9.1f}"
            f"{percentile(lat, 99):>9.1f}{max(lat, default=0):>9.1f}{percentile(own, 50):>9.1f}"
            f"{percentile(own, 99):>9.1f}{errors:>8}"
        )
    lines.append(
        f"  {'all':<18}{len(every):>9,}{1:>7.0%}{percentile(every, 50):>9.1f}{percentile(every, 95):>9.1f}"
        f"{percentile(every, 99):>9.1f}{max(every, default=0):>9.1f}{percentile(wire, 50):>9.1f}"
        f"{percentile(wire, 99):>9.1f}{sum(outcome.errors.values()):>8}"
    )
    return lines


def _cpu(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    parts = {name: (after[name] - before[name]) / seconds for name in ("stack", "bench", "machine")}
    return (
        f"cores busy ({os.cpu_count()} in all): the stack (API, workers, PostgreSQL, Redis) {parts['stack']:.2f}, "
        f"load generator {parts['bench']:.2f}, machine {parts['machine']:.2f} (others' processes too)"
    )


def _merge(first: Outcome, second: Outcome) -> dict[str, dict[str, dict[str, object]]]:
    """The writes acknowledged in either run, by kind and key."""
    kinds = set(first.acknowledged) | set(second.acknowledged)
    return {kind: {**first.acknowledged.get(kind, {}), **second.acknowledged.get(kind, {})} for kind in kinds}


def run(args: argparse.Namespace) -> Figures:
    """Stack, seed, logins, warm-up, the measured run, pgbench, the exactly-once check; prints every figure."""
    today = datetime.datetime.now(datetime.UTC).date()
    with running_stack(args.api, args.workers, args.pool_size, keep=args.keep) as stack:
        started = time.perf_counter()
        monthly_count, quarterly_count = _filers_needed(args, today)
        monthly, quarterly = asyncio.run(seed(stack.primary_url, monthly_count, quarterly_count))
        log(
            f"seeded {len(monthly):,} monthly and {len(quarterly):,} quarterly VAT filers with logins, "
            f"{len(OFFICERS)} officers and a bank in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        usernames = [code for code, _name in monthly + quarterly] + [*OFFICERS, BANK]
        tokens = asyncio.run(log_in(stack.base_url, usernames))
        log(f"{len(tokens):,} logins through POST /api/v1/auth/token in {time.perf_counter() - started:.1f} s")
        mix = Mix(monthly, quarterly, tokens, today, args.seed)
        warm = asyncio.run(
            run_load(stack.api_port, Schedule(args.start_rate, args.start_rate, 0, args.warmup), mix, args.connections)
        )
        log(f"warm-up: {sum(len(v) for v in warm.latencies.values()):,} requests, errors {dict(warm.errors)}")
        log(f"flag-arrears on the warm-up's overdue charges (for the worklists): {run_job(stack, 'flag-arrears')}")
        schedule = Schedule(args.start_rate, args.rate, args.ramp, args.steady)
        profiler = Profiler(stack.api_pids(), min(args.profile, schedule.seconds)) if args.profile else None
        before = cpu_seconds(stack.process.pid)
        outcome = asyncio.run(run_load(stack.api_port, schedule, mix, args.connections))
        cpu = _cpu(before, cpu_seconds(stack.process.pid), outcome.seconds)
        profile = profiler.summary() if profiler else []
        limit = pgbench_inserts(stack.primary_port, args.connections, args.pgbench_seconds)
        check = asyncio.run(verify(stack.primary_url, _merge(warm, outcome), mix.run))
    figures = report(args, outcome, cpu, limit, check)
    for line in profile:
        log(line)
    return figures


def report(args: argparse.Namespace, outcome: Outcome, cpu: str, limit: float, check: Check) -> Figures:
    """The table, the rate against the machine's limit, the verdicts."""
    every = [ms for lat in outcome.latencies.values() for ms in lat]
    steady = [ms for lat in outcome.steady_latencies.values() for ms in lat]
    rate = outcome.steady_done / outcome.steady_seconds if outcome.steady_seconds else 0.0
    p99 = percentile(every, 99)
    errors = sum(outcome.errors.values())
    log()
    log(
        f"deadline day: {args.api} API processes, {args.workers} arq worker(s), replica; {args.connections} "
        f"keep-alive connections; rate {args.start_rate:g} → {args.rate:g} requests/s over {args.ramp:g} s, then "
        f"{args.steady:g} s steady"
    )
    for line in _table(outcome):
        log(line)
    log(
        f"sustained: {rate:,.1f} requests/s over the steady {args.steady:g} s (asked {args.rate:g}); steady-phase p99 "
        f"{percentile(steady, 99):.1f} ms; requests left their due time by p99 "
        f"{percentile(outcome.late_start_ms, 99):.1f} ms (the generator keeping up)"
    )
    resent = sum(outcome.statuses[kind]["ok 200"] for kind in ("return json", "return xml", "bank payment"))
    log(
        f"errors by status: {dict(outcome.errors) or 'none'}; writes sent again and answered 200 with their row: {resent}"
    )
    for problem in outcome.problems:
        log(f"  e.g. {problem}")
    log(f"  {cpu}")
    share = rate / limit if limit else float("nan")
    log(
        f"machine's limit: pgbench one-row INSERT transactions on the same primary, {args.connections} clients, "
        f"{args.pgbench_seconds:g} s: {limit:,.0f} transactions/s; our sustained rate is {share:.1%} of it"
    )
    for line in check.lines:
        log(line)
    figures = Figures(rate, p99, errors, check, limit)
    log(
        f"[targets: p99 < {TARGET_P99_MS:.0f} ms: {verdict(p99 < TARGET_P99_MS)}; zero errors: {verdict(errors == 0)}; "
        f"nothing lost or doubled: {verdict(check.ok)}]"
    )
    return figures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (the defaults are a quick check; the docstring gives the full run)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=40.0, help="steady requests/s (default 40)")
    parser.add_argument("--start-rate", type=float, default=5.0, help="requests/s at the start of the ramp (5)")
    parser.add_argument("--ramp", type=float, default=15.0, help="seconds the rate rises (default 15)")
    parser.add_argument("--steady", type=float, default=30.0, help="seconds at the steady rate (default 30)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds at the start rate before (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive HTTP connections (default 32)")
    parser.add_argument("--api", type=int, default=2, help="API processes (default 2)")
    parser.add_argument("--workers", type=int, default=1, help="arq worker processes (default 1)")
    parser.add_argument("--pool-size", type=int, default=None, help="TAXOFFICE_DB_POOL_SIZE of each API process")
    parser.add_argument("--pgbench-seconds", type=float, default=10.0, help="length of the pgbench run (default 10)")
    parser.add_argument("--seed", type=int, default=2026, help="the mix's random seed (default 2026)")
    parser.add_argument("--profile", type=float, default=0.0, help="py-spy the API processes for the first S s")
    parser.add_argument("--keep", action="store_true", help="keep the stack's directory (logs) afterwards")
    args = parser.parse_args(argv)
    if min(args.rate, args.start_rate, args.steady, args.pgbench_seconds) <= 0 or args.ramp < 0 or args.warmup <= 0:
        parser.error("--rate, --start-rate, --steady, --warmup and --pgbench-seconds > 0; --ramp ≥ 0")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark; Ctrl-C or SIGTERM still stops the stack and removes its directory."""

    def printed(args: argparse.Namespace) -> None:
        run(args)

    run_benchmark(printed, parse_args(argv))


if __name__ == "__main__":
    main()
