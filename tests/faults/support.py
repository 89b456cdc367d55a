"""Fault tests' helpers: a real ``taxoffice worker`` process to start and kill, and bounded waits."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.support.servers import running

# A killed worker's job is taken again this long after its last renewal (production: 30 s).
LOCK_SECONDS = 2


class WorkerProcess:
    """``taxoffice worker`` in a process of its own, its output in ``log``."""

    def __init__(self, database_url: str, redis_url: str, log: Path) -> None:
        self.env = {
            **os.environ,
            "TAXOFFICE_DATABASE_URL": database_url,
            "TAXOFFICE_REDIS_URL": redis_url,
            "TAXOFFICE_JOB_LOCK_SECONDS": str(LOCK_SECONDS),
            "TAXOFFICE_DB_POOL_SIZE": "4",
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it (its output appended to the log)."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "taxoffice.cli", "worker"], env=self.env, stdout=out, stderr=out
            )

    @property
    def alive(self) -> bool:
        """Whether it still runs."""
        return self.process is not None and running(self.process.pid)

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as a crash or the OOM killer."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, seconds: float, what: str, every: float = 0.05
) -> float:
    """Poll ``condition`` until true; the seconds it took. Fails after ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if await condition():
            return time.monotonic() - started
        await asyncio.sleep(every)
    msg = f"not within {seconds} s: {what}"
    raise AssertionError(msg)
