"""``--profile``: py-spy samples the API processes during the run; the functions that dominate are printed.

py-spy is not a dependency of the office: ``.venv/bin/pip install py-spy`` first (the option says so if it is
missing). Sampling is non-blocking (the servers are not paused), 50 samples a second per process.
"""

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

OURS = ("taxoffice/", "filings/", "registry/", "jobs/")
TOP = 12


class Profiler:
    """py-spy ``record`` on each of ``pids`` for ``seconds``, started now; ``summary()`` once they are done."""

    def __init__(self, pids: list[int], seconds: float) -> None:
        program = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
        if program is None:
            msg = "--profile needs py-spy: .venv/bin/pip install py-spy"
            raise SystemExit(msg)
        self.directory = Path(tempfile.mkdtemp(prefix="deadline-profile-"))
        self.runs = []
        for pid in pids:
            output = self.directory / f"{pid}.txt"
            command = [program, "record", "--nonblocking", "-r", "50", "-d", str(round(seconds)), "-f", "raw"]
            command += ["-F", "-p", str(pid), "-o", str(output)]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
            self.runs.append((process, output))

    def summary(self) -> list[str]:
        """The functions holding most samples: by their own time, and our code's by time under them."""
        own: Counter[str] = Counter()
        under: Counter[str] = Counter()
        total = 0
        for process, output in self.runs:
            process.wait(timeout=120)
            if not output.exists():
                continue
            for line in output.read_text(encoding="utf-8", errors="replace").splitlines():
                stack, _, count = line.rpartition(" ")
                if not count.isdigit():
                    continue
                frames = stack.split(";")
                samples = int(count)
                total += samples
                own[_short(frames[-1])] += samples
                for frame in {
                    _short(f) for f in frames if "site-packages" not in f and any(part in f for part in OURS)
                }:
                    under[frame] += samples
        shutil.rmtree(self.directory, ignore_errors=True)
        if not total:
            return ["profile: no samples (py-spy needs ptrace: run as root)"]
        lines = [f"profile of the API processes ({total:,} samples): own time"]
        lines += [f"  {n / total:6.1%}  {frame}" for frame, n in own.most_common(TOP)]
        lines.append("our functions, by time spent in them and under them:")
        lines += [f"  {n / total:6.1%}  {frame}" for frame, n in under.most_common(TOP)]
        return lines


def _short(frame: str) -> str:
    """``function (path:line)`` with the path from the package on."""
    name, _, where = frame.partition(" (")
    for marker in ("site-packages/", *OURS):
        if marker in where:
            where = where[where.index(marker) :].removeprefix("site-packages/")
            break
    return f"{name} ({where}" if where else name
