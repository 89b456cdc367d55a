"""`demo activity` killed part-way (SIGKILL, as a closed terminal or a crash) is finished by running it again.

The second run must leave the database as one uninterrupted run does: every return filed once and decided, every
payment once, the officer's queues, the nightly jobs' cases, the instalment plan and the public list.
"""

import dataclasses
import datetime
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taxoffice.commands import load_demo
from taxoffice.config import Settings
from taxoffice.demo_activity import load_activity

pytestmark = pytest.mark.embedded
TODAY = datetime.date(2026, 11, 24)
SEED, TAXPAYERS, FILERS = 2026, 300, 12
FIGURES = {
    "originals": "SELECT count(*) FROM tax_return WHERE amendment_no = 0",
    "periods filed": "SELECT count(DISTINCT tax_code || period) FROM tax_return",
    "not decided": "SELECT count(*) FROM tax_return WHERE status = 'received'",
    "payments": "SELECT count(*) FROM payment",
    "paid": "SELECT coalesce(sum(amount), 0) FROM payment",
    "fines confirmed": "SELECT count(*) FROM fine_decision WHERE status = 'confirmed'",
    "applications": "SELECT count(*) FROM registration_application",
    "open cases": "SELECT count(*) FROM arrears_case WHERE status = 'open'",
    "plans": "SELECT count(*) FROM instalment_plan",
    "published": "SELECT count(*) FROM debtor_publication WHERE status = 'published'",
    "marks": "SELECT count(*) FROM audit_event WHERE action LIKE 'demo.activity%'",
}


def _figures(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {name: int(db.execute(sql).fetchone()[0]) for name, sql in FIGURES.items()}


def _returns(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM tax_return").fetchone()[0])
    except sqlite3.OperationalError:  # locked for the moment: try again
        return 0


def _activity(settings: Settings, path: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TAXOFFICE_DATABASE_URL": settings.database_url,
        "TAXOFFICE_SECRET_KEY": settings.secret_key,
        "TAXOFFICE_PASSWORD_HASH": "fast",
    }
    args = ["demo", "activity", "--filers", str(FILERS), "--seed", str(SEED), "--as-of", TODAY.isoformat()]
    return subprocess.Popen(
        [sys.executable, "-m", "taxoffice.cli", *args],
        cwd=path.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_after(process: subprocess.Popen[str], path: Path, returns: int) -> None:
    """SIGKILL ``process`` once ``returns`` returns are stored."""
    deadline = time.monotonic() + 120
    while _returns(path) < returns and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.communicate(timeout=30)


@pytest.mark.parametrize("killed_after_returns", [1, 150])
async def test_a_killed_demo_activity_is_finished_by_the_next_run(
    fresh_settings: Settings, tmp_path: Path, killed_after_returns: int
) -> None:
    path = Path(fresh_settings.database_url.removeprefix("sqlite+aiosqlite:///"))
    await load_demo(fresh_settings, TAXPAYERS, SEED, TODAY)
    reference = tmp_path / "reference.db"
    with sqlite3.connect(path) as source, sqlite3.connect(reference) as copy:
        source.backup(copy)
    whole = dataclasses.replace(fresh_settings, database_url=f"sqlite+aiosqlite:///{reference}")
    await load_activity(whole, filers=FILERS, months=24, seed=SEED, today=TODAY)
    expected = _figures(reference)
    assert expected["not decided"] == 0
    assert expected["plans"] == 1

    _kill_after(_activity(fresh_settings, path), path, killed_after_returns)
    assert _figures(path)["marks"] == 0, "killed before the filings were done"

    again = _activity(fresh_settings, path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "As of 2026-11-24" in out
    assert _figures(path) == expected


async def test_a_run_stopped_after_its_filings_finishes_the_nightly_step_once(fresh_settings: Settings) -> None:
    path = Path(fresh_settings.database_url.removeprefix("sqlite+aiosqlite:///"))
    await load_demo(fresh_settings, TAXPAYERS, SEED, TODAY)
    await load_activity(fresh_settings, filers=FILERS, months=24, seed=SEED, today=TODAY)
    whole = _figures(path)
    with sqlite3.connect(path) as db:  # as if killed between the two steps: the filings' mark only
        db.execute("DELETE FROM audit_event WHERE action = 'demo.activity.finished'")
    counts = await load_activity(fresh_settings, filers=FILERS, months=24, seed=SEED, today=TODAY)
    assert counts.resumed
    assert (counts.returns, counts.payments, counts.plans, counts.published) == (0, 0, 1, whole["published"])
    assert _figures(path) == whole
    again = await load_activity(fresh_settings, filers=FILERS, months=24, seed=SEED, today=TODAY)
    assert again.already_done
