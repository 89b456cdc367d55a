"""Real ``taxoffice worker`` processes for the nightly benchmark, and the memory they hold (RSS from /proc)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PAGE_KIB = 1024


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


def rss_bytes(pid: int) -> int:
    """The resident memory of process ``pid`` and all its descendants, in bytes (0 once it has ended)."""
    total = 0
    for each in [pid, *_descendants(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * PAGE_KIB
    return total


class MemoryPeak:
    """The highest summed RSS seen over a set of processes, sampled on each ``sample()``."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak = 0
        self.per_process: dict[int, int] = dict.fromkeys(pids, 0)

    def sample(self) -> int:
        """Read every process's RSS now; returns the sum."""
        now = {pid: rss_bytes(pid) for pid in self.pids}
        for pid, rss in now.items():
            self.per_process[pid] = max(self.per_process[pid], rss)
        total = sum(now.values())
        self.peak = max(self.peak, total)
        return total

    def reset(self) -> None:
        """Forget the peaks seen so far (a new step)."""
        self.peak = 0
        self.per_process = dict.fromkeys(self.pids, 0)


@contextmanager
def workers(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start ``count`` ``taxoffice worker`` processes with ``env``; yields them; stops them (SIGTERM) after."""
    command = [str(Path(sys.executable).parent / "taxoffice"), "worker"]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for number in range(count):
            log = (log_dir / f"worker-{number + 1}.log").open("wb")
            processes.append(
                subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - our own command
            )
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
