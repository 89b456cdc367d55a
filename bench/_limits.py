"""The machine's own limits for one-row writes, measured in the same run as the figure compared with them.

- ``raw_insert_run`` / ``raw_insert_limit``: the office's HTTP stack (``taxoffice.serving.serve``, the same server
  processes and pool size, the same load generator and clients) in front of a handler that inserts one row per
  request through a raw asyncpg pool (``bench/_raw_insert_app.py``): what HTTP plus one INSERT cost here.
- ``pgbench_tps``: PostgreSQL's own ``pgbench`` running one-row ``INSERT`` transactions with as many clients: what
  the database alone does.

Absolute rates on a shared 2-core machine swing twofold between runs; a share of these limits does not.
Usage from another benchmark::

    rate = await raw_insert_limit(url, clients=64, seconds=20, workers=2, pool_size=32)
    tps = pgbench_tps(url, clients=64, seconds=20)
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url

from bench._filings_load import Item, LoadResult, cpu_line, cpu_snapshot, drive
from bench._filings_setup import HOST, served
from bench._raw_insert_app import CREATE_TABLE, TABLE
from taxoffice.stack.postgres import pg_bin
from tests.support.servers import free_port

# A body the size of a JSON 01/GTGT original (about 400 bytes), when the caller gives none.
DEFAULT_BODY = b'{"tax_code":"0100000000","form":"01-GTGT","period":"2026-10","values":{' + b'"x":1,' * 60 + b'"y":0}}'
TPS = re.compile(r"tps = ([\d.]+) \(without initial connection time\)")


def _connection_args(url: str) -> tuple[list[str], dict[str, str]]:
    """``-h -p -U -d`` for PostgreSQL's programs, and the environment (with the password, if any)."""
    parsed = make_url(url)
    args = ["-h", parsed.host or HOST, "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    args += ["-d", parsed.database or "postgres"]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return args, env


def ensure_table(url: str) -> None:
    """The one-row-insert table both limits write to (with ``psql``, so that async callers may call this too)."""
    args, env = _connection_args(url)
    command = [pg_bin("psql"), *args, "-q", "-v", "ON_ERROR_STOP=1", "-c", CREATE_TABLE]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603 - our own command line


@contextmanager
def raw_insert_server(url: str, workers: int, pool_size: int) -> Iterator[tuple[str, int, int]]:
    """The raw-insert app served like the office; yields its URL, port and process group."""
    port = free_port()
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    command = [sys.executable, "-m", "bench._raw_insert_app", HOST, str(port), str(workers)]
    env = {**os.environ, "BENCH_RAW_DSN": dsn, "BENCH_RAW_POOL_SIZE": str(pool_size)}
    with served(command, env, port) as (base_url, group):
        yield base_url, port, group


def _bodies(body: bytes) -> Iterator[Item]:
    while True:
        yield Item("raw", "", body, "application/json")


async def raw_insert_run(
    url: str,
    *,
    clients: int,
    seconds: float,
    workers: int,
    pool_size: int,
    warmup: float = 3.0,
    body: bytes = DEFAULT_BODY,
) -> tuple[LoadResult, str]:
    """One measured run of the raw-insert app after a warm-up: what the clients saw, and the cores each party used."""
    ensure_table(url)
    items, tokens = _bodies(body), {"raw": "none"}
    with raw_insert_server(url, workers, pool_size) as (_base_url, port, group):
        if warmup > 0:
            await drive(port, items, tokens, clients, warmup)
        pg_port = make_url(url).port
        before, wall = cpu_snapshot(group, pg_port), time.perf_counter()
        result = await drive(port, items, tokens, clients, seconds)
        cpu = cpu_line(before, cpu_snapshot(group, pg_port), time.perf_counter() - wall)
    return result, cpu


async def raw_insert_limit(
    url: str, *, clients: int, seconds: float, workers: int, pool_size: int, body: bytes = DEFAULT_BODY
) -> float:
    """Rows inserted a second through the office's HTTP stack and a raw asyncpg pool (errors are not counted)."""
    result, _cpu = await raw_insert_run(
        url, clients=clients, seconds=seconds, workers=workers, pool_size=pool_size, body=body
    )
    return result.accepted / result.seconds if result.seconds else 0.0


def pgbench_tps(
    url: str, *, clients: int, seconds: float, threads: int = 2, body_bytes: int = len(DEFAULT_BODY)
) -> float:
    """``pgbench`` one-row ``INSERT`` transactions (prepared, ``clients`` connections): transactions a second."""
    ensure_table(url)
    args, env = _connection_args(url)
    script = f"INSERT INTO {TABLE} (body) VALUES (convert_to(repeat('x', :size), 'UTF8'));\n"  # noqa: S608 - constant
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "insert.sql"
        path.write_text(script, encoding="utf-8")
        command = [pg_bin("pgbench"), *args, "-n", "-M", "prepared", "-D", f"size={body_bytes}"]
        command += ["-c", str(clients), "-j", str(min(threads, clients)), "-T", str(max(1, round(seconds)))]
        done = subprocess.run(  # noqa: S603 - our own command line
            [*command, "-f", str(path)], env=env, check=True, capture_output=True, text=True
        )
    match = TPS.search(done.stdout)
    if match is None:
        msg = f"pgbench printed no tps: {done.stdout[-500:]} {done.stderr[-500:]}"
        raise RuntimeError(msg)
    return float(match.group(1))
