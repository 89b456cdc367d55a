"""The e-filing benchmark's load generator: keep-alive HTTP/1.1 clients posting distinct returns, and CPU accounting.

A minimal asyncio client (a request head and a body written at once, the answer read by Content-Length) costs far
less CPU per request than httpx, which matters on a 2-core machine the server and PostgreSQL share with it.
"""

import asyncio
import contextlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench._common import proc_cpu

HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
REQUEST_HEAD = (
    "POST /api/v1/returns HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
    "Content-Type: {media}\r\nContent-Length: {length}\r\n\r\n"
)


@dataclass(frozen=True)
class Item:
    """One return to file: whose, which period, the body and its media type."""

    tax_code: str
    period: str
    body: bytes
    media: str


@dataclass
class LoadResult:
    """What the clients saw in one run."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    receipts: list[str] = field(default_factory=list)  # transaction codes of the accepted returns
    problems: list[str] = field(default_factory=list)  # the first few unexpected answers, for the report
    started: float = 0.0
    finished: float = 0.0
    cpu_seconds: float = 0.0

    @property
    def accepted(self) -> int:
        """Answers 201 with status accepted."""
        return len(self.receipts)

    @property
    def errors(self) -> int:
        """Every answer or failure other than an accepted receipt."""
        return sum(self.statuses.values()) - self.accepted

    @property
    def seconds(self) -> float:
        """The run's wall time."""
        return self.finished - self.started


def _note(result: LoadResult, key: str, detail: str) -> None:
    result.statuses[key] += 1
    if len(result.problems) < 5:
        result.problems.append(f"{key}: {detail[:300]}")


def _record(result: LoadResult, head: bytes, payload: bytes) -> None:
    status = head[9:12].decode()
    if status != "201":
        _note(result, status, payload.decode(errors="replace"))
        return
    receipt = json.loads(payload)
    if receipt.get("status") != "accepted":
        _note(result, f"201 {receipt.get('status')}", json.dumps(receipt.get("errors"), ensure_ascii=False))
        return
    result.statuses["201 accepted"] += 1
    result.receipts.append(receipt["transaction_code"])


async def _client(
    port: int, items: Iterator[Item], tokens: dict[str, str], deadline: float, result: LoadResult
) -> None:
    """One keep-alive connection filing the next item until the deadline or the items run out; reconnects on error."""
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError as exc:
            _note(result, type(exc).__name__, str(exc))
            await asyncio.sleep(0.05)
            continue
        try:
            while time.perf_counter() < deadline:
                item = next(items, None)
                if item is None:
                    _note(result, "out of items", "raise --taxpayers")
                    return
                head = REQUEST_HEAD.format(
                    port=port, token=tokens[item.tax_code], media=item.media, length=len(item.body)
                )
                sent = time.perf_counter()
                writer.write(head.encode() + item.body)
                answer = await reader.readuntil(b"\r\n\r\n")
                match = CONTENT_LENGTH.search(answer)
                if match is None:
                    _note(result, "no content-length", answer.decode(errors="replace"))
                    break
                payload = await reader.readexactly(int(match.group(1)))
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
                _record(result, answer, payload)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            _note(result, type(exc).__name__, str(exc))
            await asyncio.sleep(0.05)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def drive(port: int, items: Iterator[Item], tokens: dict[str, str], clients: int, seconds: float) -> LoadResult:
    """``clients`` concurrent connections sharing one stream of distinct returns for ``seconds``."""
    result = LoadResult()
    cpu_started = time.process_time()
    result.started = time.perf_counter()
    deadline = result.started + seconds
    await asyncio.gather(*(_client(port, items, tokens, deadline, result) for _ in range(clients)))
    result.finished = time.perf_counter()
    result.cpu_seconds = time.process_time() - cpu_started
    return result


# --- CPU accounting from /proc ---------------------------------------------------------------------------------


def _postmaster(port: int) -> int | None:
    """The PostgreSQL postmaster serving ``port`` on this machine (others' clusters may run beside ours)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = Path(f"/proc/{entry.name}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"postgres") and (f"-p {port}".encode() in b" ".join(args)):
            return int(entry.name)
    return None


def cpu_snapshot(server_group: int, pg_port: int | None = None) -> dict[str, float]:
    """CPU seconds used so far by the server's processes, PostgreSQL's, this benchmark's, and the machine's.

    PostgreSQL's: with ``pg_port``, its postmaster (whose own figure includes its ended backends) and its live
    backends only; otherwise every postgres process on the machine, other people's clusters included.
    """
    me = os.getpid()
    postmaster = _postmaster(pg_port) if pg_port is not None else None
    totals = {"server": 0.0, "postgres": 0.0, "bench": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        info = proc_cpu(int(entry.name))
        if info is None:
            continue
        comm, parent, group, seconds = info
        if group == server_group:
            totals["server"] += seconds
        elif postmaster is not None:
            if postmaster in {int(entry.name), parent}:
                totals["postgres"] += seconds
        elif comm.startswith(("postgres", "postmaster")):
            totals["postgres"] += seconds
        if int(entry.name) == me or (parent == me and group != server_group):
            totals["bench"] += seconds
    fields = Path("/proc/stat").read_text(encoding="utf-8").splitlines()[0].split()[1:]
    totals["machine"] = (sum(int(f) for f in fields) - int(fields[3]) - int(fields[4])) / CLOCK_TICKS
    return totals


def cpu_line(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    """Cores used per party over ``seconds`` of wall time."""
    names = ("server", "postgres", "bench", "machine")
    parts = [f"{name} {(after[name] - before[name]) / seconds:.2f}" for name in names]
    return f"cores busy ({os.cpu_count()} in all): " + ", ".join(parts) + " (machine: every process, others too)"
