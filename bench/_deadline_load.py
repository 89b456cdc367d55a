"""The deadline-day load generator: an open-loop arrival rate over a few keep-alive HTTP/1.1 connections.

Requests are due at a rate that rises linearly, then holds (``Schedule``); each is queued at its due time and sent
by the first free connection. A request's latency runs from its due time to its answer, so time spent waiting for a
free connection counts (the server's slowness is not hidden by the client sending less, as a closed loop would).
"""

import asyncio
import contextlib
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
# uvicorn closes a connection idle for 5 s: a client opens a new one rather than write into a closing socket.
IDLE_SECONDS = 4.0
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Call:
    """One request: its kind (a row of the report), method, path, headers, body, and what a success answers.

    ``ok`` tells a successful answer from its status and JSON body; ``key`` ties an acknowledged write to the row
    the database must then hold exactly once (a return's Idempotency-Key, a payment's bank reference).
    """

    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    ok: frozenset[str] = frozenset({"200"})
    key: str | None = None


@dataclass(frozen=True)
class Schedule:
    """Requests per second rising linearly from ``start_rate`` to ``rate`` over ``ramp`` s, then ``rate`` for ``steady`` s."""

    start_rate: float
    rate: float
    ramp: float
    steady: float

    @property
    def seconds(self) -> float:
        """The whole run."""
        return self.ramp + self.steady

    def rate_at(self, t: float) -> float:
        """The arrival rate ``t`` seconds into the run."""
        if t >= self.ramp or self.ramp <= 0:
            return self.rate
        return self.start_rate + (self.rate - self.start_rate) * t / self.ramp

    def due_times(self) -> list[float]:
        """When each request is due, in seconds from the start."""
        times, t = [], 0.0
        while t < self.seconds:
            times.append(t)
            t += 1.0 / max(self.rate_at(t), 0.1)
        return times


@dataclass
class Outcome:
    """What the run saw: per kind its latencies (ms) and answers; the acknowledged writes by key."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    steady_latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    service_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # from sent to answered
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    acknowledged: dict[str, dict[str, dict[str, object]]] = field(default_factory=lambda: defaultdict(dict))
    problems: list[str] = field(default_factory=list)
    steady_done: int = 0
    steady_seconds: float = 0.0
    late_start_ms: list[float] = field(default_factory=list)  # how far behind its due time each request left
    seconds: float = 0.0

    def note(self, kind: str, status: str, detail: str) -> None:
        """An answer other than the expected one."""
        self.statuses[kind][status] += 1
        if len(self.problems) < 8:
            self.problems.append(f"{kind} {status}: {detail[:300]}")

    @property
    def errors(self) -> Counter[str]:
        """Every unexpected answer or failure, by status (or exception name)."""
        total: Counter[str] = Counter()
        for counts in self.statuses.values():
            total.update({status: n for status, n in counts.items() if not status.startswith("ok ")})
        return total


def _answer(outcome: Outcome, call: Call, status: str, payload: bytes) -> None:
    """Judge one answer; an acknowledged write is kept by its key with what the server said it stored."""
    if status not in call.ok:
        outcome.note(call.kind, status, payload.decode(errors="replace"))
        return
    body = json.loads(payload) if payload[:1] in {b"{", b"["} else None
    if call.key is not None and isinstance(body, dict):
        if body.get("status") == "rejected":
            outcome.note(call.kind, f"{status} rejected", json.dumps(body.get("errors"), ensure_ascii=False))
            return
        earlier = outcome.acknowledged[call.kind].get(call.key)
        if earlier is not None and earlier.get("id") != body.get("id"):
            outcome.note(call.kind, "replay answered another row", f"{call.key}: {earlier} then {body}")
            return
        outcome.acknowledged[call.kind][call.key] = body
    outcome.statuses[call.kind][f"ok {status}"] += 1


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1; reopened after a failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def send(self, call: Call) -> tuple[str, bytes]:
        """The answer's status and body."""
        if self.writer is not None and time.perf_counter() - self.last_used > IDLE_SECONDS:
            await self.close()
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        lines = [f"{call.method} {call.path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in call.headers.items()]
        if call.body or call.method == "POST":
            lines.append(f"Content-Length: {len(call.body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + call.body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        match = CONTENT_LENGTH.search(head)
        payload = await self.reader.readexactly(int(match.group(1))) if match else b""
        self.last_used = time.perf_counter()
        return head[9:12].decode(), payload

    async def close(self) -> None:
        """Close the socket, if open."""
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def run_load(
    port: int, schedule: Schedule, next_call: Callable[[], Call], connections: int, drain_seconds: float = 30.0
) -> Outcome:
    """Send ``next_call()`` at each due time of ``schedule`` over ``connections`` connections; wait for the answers."""
    outcome = Outcome()
    queue: asyncio.Queue[tuple[float, Call] | None] = asyncio.Queue()
    started = time.perf_counter()
    steady_from = started + schedule.ramp

    async def sender() -> None:
        connection = Connection(port)
        try:
            while (item := await queue.get()) is not None:
                due, call = item
                sent = time.perf_counter()
                outcome.late_start_ms.append((sent - due) * 1000)
                try:
                    status, payload = await asyncio.wait_for(connection.send(call), timeout=drain_seconds)
                except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                    outcome.note(call.kind, type(exc).__name__, str(exc))
                    await connection.close()
                    continue
                answered = time.perf_counter()
                elapsed = (answered - due) * 1000
                outcome.latencies[call.kind].append(elapsed)
                outcome.service_ms[call.kind].append((answered - sent) * 1000)
                if due >= steady_from:
                    outcome.steady_latencies[call.kind].append(elapsed)
                    outcome.steady_done += 1
                _answer(outcome, call, status, payload)
        finally:
            await connection.close()

    senders = [asyncio.create_task(sender()) for _ in range(connections)]
    for offset in schedule.due_times():
        due = started + offset
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        queue.put_nowait((due, next_call()))
    for _ in senders:
        queue.put_nowait(None)
    await asyncio.wait_for(asyncio.gather(*senders), timeout=drain_seconds * 2 + 60)
    outcome.seconds = time.perf_counter() - started
    # Requests due in the steady phase, over the time from its start until the last of them was answered.
    outcome.steady_seconds = max(time.perf_counter() - steady_from, 1e-9) if schedule.steady > 0 else 0.0
    return outcome
