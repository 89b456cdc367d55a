"""``taxoffice jobs run`` records its run; ``taxoffice worker`` refuses without Redis (real processes, SQLite)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "taxoffice.cli"]
pytestmark = pytest.mark.embedded


def _run(tmp_path: Path, *args: str, redis_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TAXOFFICE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "TAXOFFICE_SECRET_KEY": "cli-test-secret",
        "TAXOFFICE_PASSWORD_HASH": "fast",
    }
    env.pop("TAXOFFICE_REDIS_URL", None)
    if redis_url:
        env["TAXOFFICE_REDIS_URL"] = redis_url
    return subprocess.run(
        [*CLI, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_jobs_run_is_recorded_and_prints_counts(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    done = _run(tmp_path, "jobs", "run", "resume-suspensions", "--as-of", "2030-01-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "resume-suspensions: resumed=0 (run 1)"
    unknown = _run(tmp_path, "jobs", "run", "collect-everything")
    assert unknown.returncode == 1
    known = "accrue-interest, decide-received, flag-arrears, forget-idle-runs, forget-login-attempts, monthly-reports"
    assert f"known jobs: {known}, reconcile-payments, resume-suspensions, send-mail" in unknown.stderr
    with sqlite3.connect(tmp_path / "cli.db") as db:
        rows = db.execute(
            "SELECT name, as_of, status, requested_by, origin, counts, attempt, error FROM job_run"
        ).fetchall()
    assert len(rows) == 1
    name, as_of, status, requested_by, origin, counts, attempt, error = rows[0]
    assert (name, as_of, status, requested_by, origin, attempt, error) == (
        "resume-suspensions",
        "2030-01-01",
        "succeeded",
        "system:cli",
        "cli",
        1,
        None,
    )
    assert json.loads(counts) == {"resumed": 0}


def test_worker_needs_redis(tmp_path: Path) -> None:
    refused = _run(tmp_path, "worker")
    assert refused.returncode == 1
    assert "TAXOFFICE_REDIS_URL is not set" in refused.stderr


def test_jobs_run_in_partitions_on_the_embedded_database(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    done = _run(tmp_path, "jobs", "run", "flag-arrears", "--as-of", "2030-01-01", "--partitions", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("flag-arrears: ")
    assert done.stdout.strip().endswith("(run 1)")
    with sqlite3.connect(tmp_path / "cli.db") as db:
        rows = db.execute("SELECT id, status, parts, part, parent_id FROM job_run ORDER BY id").fetchall()
    # The whole run, complete once its three partitions (one after the other on SQLite) have succeeded.
    assert rows == [(1, "succeeded", 3, None, None), *((2 + k, "succeeded", 3, k, 1) for k in range(3))]
    unsplittable = _run(tmp_path, "jobs", "run", "send-mail", "--partitions", "2")
    assert unsplittable.returncode == 1
    queued = _run(tmp_path, "jobs", "run", "accrue-interest", "--queue")
    assert queued.returncode == 1
    assert "TAXOFFICE_REDIS_URL is not set" in queued.stderr
