"""The registration benchmark: ``taxoffice serve`` under concurrent ``POST /api/v1/registrations``."""

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import dataclasses
import json
import multiprocessing
import os
import random
import re
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

from bench._common import (
    HOST,
    ROOT,
    TARGET_REGISTRATIONS_PER_SECOND,
    TAXOFFICE,
    cpu_line,
    cpu_snapshot,
    log,
    percentile,
    person,
    verdict,
)
from registry import demo
from tests.support.servers import free_port

RAW_REQUEST = (
    b"POST /api/v1/registrations HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
    b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
)
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


def keepalive_probe(base_url: str) -> str:
    """GET /health on one kept-alive connection and on a new connection each time: median latencies."""
    kept: list[float] = []
    fresh: list[float] = []
    with httpx.Client(base_url=base_url, timeout=10) as client:
        client.get("/health")
        for _ in range(20):
            started = time.perf_counter()
            client.get("/health")
            kept.append((time.perf_counter() - started) * 1000)
    for _ in range(20):
        with httpx.Client(base_url=base_url, timeout=10) as client:
            started = time.perf_counter()
            client.get("/health")
            fresh.append((time.perf_counter() - started) * 1000)
    kept_ms, fresh_ms = statistics.median(kept), statistics.median(fresh)
    line = f"server: GET /health {kept_ms:.1f} ms on a kept-alive connection, {fresh_ms:.1f} ms on a new connection (medians)"
    if kept_ms > 20 and kept_ms > 5 * fresh_ms:
        line += (
            "\n  kept-alive responses wait ~40 ms for the client's delayed ACK: Nagle is on, TCP_NODELAY is not set on"
            " the server's accepted sockets (uvicorn --workers N binds its listener with proto 0, uvicorn issue #3149)"
        )
    return line


# --- 3. registrations over HTTP -------------------------------------------------------------------------------


@dataclasses.dataclass
class LoadResult:
    """What one load generator process saw."""

    latencies_ms: list[float]
    statuses: dict[str, int]
    started: float
    finished: float
    cpu_seconds: float


def _bodies(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    kinds = ["enterprise", "enterprise", "household", "individual"]
    bodies = []
    for i in range(count):
        kind = rng.choice(kinds)
        if kind == "enterprise":
            name = f"{rng.choice(demo.FORMS)} {rng.choice(demo.TRADES)} {rng.choice(demo.BRANDS)} {seed}-{i}"
            id_number = f"01{rng.randrange(10**8):08d}"
        else:
            surname, middle, given = person(rng)
            name = f"{'Hộ kinh doanh ' if kind == 'household' else ''}{surname} {middle} {given}"
            id_number = f"001{rng.randrange(10**9):09d}"
        district, _office, wards = rng.choice(demo.DISTRICTS)
        address = {"street": f"{rng.randrange(1, 400)} {rng.choice(demo.STREETS)}", "ward": rng.choice(wards)}
        address["district"] = district
        body = {"kind": kind, "name": name, "id_number": id_number, "address": address}
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return bodies


async def _drive(base_url: str, clients: int, start_at: float, seconds: float, seed: int) -> LoadResult:
    """``clients`` concurrent clients on one pooled httpx client, each posting until the deadline."""
    bodies = _bodies(seed, 512)
    latencies: list[float] = []
    statuses: collections.Counter[str] = collections.Counter()
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        cpu_started, started = time.process_time(), time.perf_counter()
        deadline = started + seconds

        async def one_client(n: int) -> None:
            i = n
            while time.perf_counter() < deadline:
                body = bodies[i % len(bodies)]
                i += clients
                sent = time.perf_counter()
                try:
                    response = await client.post("/api/v1/registrations", content=body, headers=headers)
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                    await asyncio.sleep(0.05)
                    continue
                latencies.append((time.perf_counter() - sent) * 1000)
                statuses[str(response.status_code)] += 1

        await asyncio.gather(*(one_client(n) for n in range(clients)))
        finished = time.perf_counter()
    return LoadResult(latencies, dict(statuses), started, finished, time.process_time() - cpu_started)


def load_worker(base_url: str, clients: int, start_at: float, seconds: float, seed: int) -> LoadResult:
    """One load generator process (run by a process pool)."""
    return asyncio.run(_drive(base_url, clients, start_at, seconds, seed))


def drive(base_url: str, clients: int, processes: int, seconds: float, seed: int) -> list[LoadResult]:
    """Drive the server from ``processes`` processes (1: this one) sharing ``clients`` clients."""
    if processes <= 1:
        return [asyncio.run(_drive(base_url, clients, time.time(), seconds, seed))]
    shares = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    start_at = time.time() + 3.0  # time for the spawned interpreters to import
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [
            pool.submit(load_worker, base_url, share, start_at, seconds, seed * 100 + n)
            for n, share in enumerate(shares)
        ]
        return [f.result(timeout=seconds + 120) for f in futures]


@contextmanager
def http_server(url: str, env: dict[str, str], workers: int) -> Iterator[tuple[str, int]]:
    """``taxoffice serve`` on 127.0.0.1 in its own process group; yields its base URL and group; stops it."""
    port = free_port()
    command = [str(TAXOFFICE), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    with tempfile.TemporaryFile() as output:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            env={**env, "TAXOFFICE_DATABASE_URL": url},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base_url = f"http://{HOST}:{port}"
        try:
            wait_healthy(base_url, server, output)
            yield base_url, server.pid
        finally:
            stop_server(server)


def wait_healthy(base_url: str, server: subprocess.Popen[bytes], output: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output.seek(0)
            log(output.read().decode(errors="replace")[-3000:])
            msg = f"the server exited with status {server.returncode} before answering /health"
            raise SystemExit(msg)
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == httpx.codes.OK:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    msg = "the server did not answer /health within 60 s"
    raise SystemExit(msg)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGINT to uvicorn's supervisor (graceful), then SIGKILL to whatever of its process group is left."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # its workers, should any outlive the supervisor


async def _raw_client(
    port: int, bodies: list[bytes], deadline: float, result: LoadResult, offset: int, step: int
) -> None:
    """One keep-alive HTTP/1.1 connection posting fixed bodies; reconnects after an error."""
    i = offset
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError as exc:
            result.statuses[type(exc).__name__] = result.statuses.get(type(exc).__name__, 0) + 1
            await asyncio.sleep(0.05)
            continue
        try:
            while time.perf_counter() < deadline:
                body = bodies[i % len(bodies)]
                i += step
                sent = time.perf_counter()
                writer.write(RAW_REQUEST % (port, len(body)) + body)
                head = await reader.readuntil(b"\r\n\r\n")
                match = CONTENT_LENGTH.search(head)
                if match is None:
                    result.statuses["no content-length"] = result.statuses.get("no content-length", 0) + 1
                    break
                await reader.readexactly(int(match.group(1)))
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
                status = head[9:12].decode()
                result.statuses[status] = result.statuses.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            result.statuses[type(exc).__name__] = result.statuses.get(type(exc).__name__, 0) + 1
            await asyncio.sleep(0.05)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def _drive_raw(base_url: str, clients: int, seconds: float, seed: int) -> LoadResult:
    """``clients`` connections of a minimal asyncio HTTP/1.1 client (far cheaper per request than httpx)."""
    port = httpx.URL(base_url).port or 80
    bodies = _bodies(seed, 512)
    cpu_started, started = time.process_time(), time.perf_counter()
    result = LoadResult([], {}, started, started, 0.0)
    await asyncio.gather(*(_raw_client(port, bodies, started + seconds, result, n, clients) for n in range(clients)))
    result.finished = time.perf_counter()
    result.cpu_seconds = time.process_time() - cpu_started
    return result


def report_load(label: str, results: list[LoadResult], cpu: str, note: str, *, target: bool) -> None:
    """Throughput, latency, errors and CPU of one registration run."""
    latencies = [ms for r in results for ms in r.latencies_ms]
    statuses: collections.Counter[str] = collections.Counter()
    for r in results:
        statuses.update(r.statuses)
    created = statuses.get("201", 0)
    window = max(r.finished for r in results) - min(r.started for r in results)
    rate = created / window if window else 0.0
    errors = sum(statuses.values()) - created
    mark = ""
    if target:
        mark = (
            f"  [target ≥ {TARGET_REGISTRATIONS_PER_SECOND:.0f}/s: {verdict(rate >= TARGET_REGISTRATIONS_PER_SECOND)}]"
        )
    log(
        f"{label}: {created:,} responses 201 in {window:.1f} s = {rate:,.0f} requests/s, "
        f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, errors {errors}{mark}"
    )
    if errors:
        log(f"  responses and errors: {dict(statuses)}")
    generator = sum(r.cpu_seconds for r in results) / window if window else 0.0
    log(f"  {note}; load generator CPU {generator:.2f} cores ({generator / len(results):.0%} of a core per process)")
    log(f"  {cpu}")


def registration_phase(base_url: str, group: int, args: argparse.Namespace) -> None:
    """Warm up, then the bounded, measured runs: httpx, then a minimal client.

    The target is judged on the minimal client's run: on a 2-core machine httpx needs about a core for 350
    requests/s and leaves the server the other, so its figure measures the client. Without ``--raw-client`` the
    httpx run is judged instead.
    """
    drive(base_url, args.clients, 1, min(3.0, args.seconds), seed=1)  # pools, caches, both workers
    before, wall_started = cpu_snapshot(group), time.perf_counter()
    results = drive(base_url, args.clients, args.load_processes, args.seconds, seed=2)
    cpu = cpu_line(before, cpu_snapshot(group), time.perf_counter() - wall_started)
    note = (
        f"{args.clients} clients on one pooled httpx.AsyncClient per process, {args.load_processes} process(es), "
        f"server with {args.server_workers} workers"
    )
    report_load("registrations over HTTP", results, cpu, note, target=not args.raw_client)
    if not args.raw_client:
        return
    before, wall_started = cpu_snapshot(group), time.perf_counter()
    raw = asyncio.run(_drive_raw(base_url, args.clients, args.seconds, seed=3))
    cpu = cpu_line(before, cpu_snapshot(group), time.perf_counter() - wall_started)
    note = f"{args.clients} keep-alive connections of a minimal asyncio client (it leaves the cores to the server)"
    report_load("registrations over HTTP, minimal client", [raw], cpu, note, target=True)
