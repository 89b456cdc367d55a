"""The test suite's throwaway servers: a run killed outright leaves none behind for long."""

import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.servers import running, sweep_abandoned

_START_AND_HANG = """
import sys, time
from tests.support.servers import postgres_server, redis_server
with postgres_server() as pg, redis_server() as redis:
    print(pg, redis, flush=True)
    time.sleep(600)
"""


def test_servers_of_a_killed_run_are_stopped_and_removed_by_the_next() -> None:
    root = Path(__file__).resolve().parent.parent
    run = subprocess.Popen([sys.executable, "-c", _START_AND_HANG], cwd=root, stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    assert run.stdout.readline().strip()  # both servers answer
    owned = [p for p in Path(tempfile.gettempdir()).glob("taxoffice-*") if (p / "owner.pid").is_file()]
    mine = [p for p in owned if (p / "owner.pid").read_text() == str(run.pid)]
    assert len(mine) == 2
    pg_dir = next(p for p in mine if (p / "data").is_dir())
    redis_dir = next(p for p in mine if p != pg_dir)
    postmaster = int((pg_dir / "data" / "postmaster.pid").read_text().split()[0])
    redis_pid = int((redis_dir / "redis.pid").read_text())
    run.send_signal(signal.SIGKILL)  # no clean-up runs
    run.wait()
    run.stdout.close()
    assert running(postmaster)
    assert running(redis_pid)

    removed = sweep_abandoned()

    assert set(mine) <= set(removed)
    assert not any(p.exists() for p in mine)
    assert not running(postmaster)
    assert not running(redis_pid)
