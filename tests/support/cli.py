"""The ``taxoffice`` command run as a real process, for tests of what an operator types."""

import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "taxoffice.cli"]


def run_cli(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``taxoffice ARGS`` on the database at ``url``, in ``cwd``."""
    env = {
        **os.environ,
        "TAXOFFICE_DATABASE_URL": url,
        "TAXOFFICE_SECRET_KEY": "cli-test-secret-cli-test-secret-0123456789abcdef",
        "TAXOFFICE_PASSWORD_HASH": "fast",
    }
    return subprocess.run([*CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a command that must have succeeded."""
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
