"""The ``taxoffice`` command, run as a real process on a fresh SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "taxoffice.cli"]


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TAXOFFICE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "TAXOFFICE_SECRET_KEY": "cli-test-secret",
        "TAXOFFICE_PASSWORD_HASH": "fast",
    }
    return subprocess.run(
        [*CLI, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.embedded
def test_upgrade_users_demo_and_jobs(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    created = _run(
        tmp_path, "users", "create", "--username", "lan", "--password", "long-enough-pw", "--role", "officer"
    )
    assert created.returncode == 0, created.stderr
    dup = _run(tmp_path, "users", "create", "--username", "lan", "--password", "long-enough-pw", "--role", "officer")
    assert dup.returncode != 0
    assert "taken" in dup.stderr
    admin = _run(tmp_path, "users", "ensure-admin")
    assert "Created user 'admin'" in admin.stdout
    assert (tmp_path / ".taxoffice-admin-password").exists()
    assert _run(tmp_path, "users", "ensure-admin").stdout == ""
    demo = _run(tmp_path, "demo", "load", "--taxpayers", "500")
    assert demo.returncode == 0, demo.stderr
    assert "Loaded 500 taxpayers" in demo.stdout
    job = _run(tmp_path, "jobs", "run", "resume-suspensions", "--as-of", "2030-01-01")
    assert job.returncode == 0, job.stderr
    assert "resumed" in job.stdout
    unknown = _run(tmp_path, "jobs", "run", "no-such-job")
    assert unknown.returncode != 0
