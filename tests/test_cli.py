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


@pytest.mark.embedded
def test_reports_to_files(tmp_path: Path) -> None:
    import json  # noqa: PLC0415 - this test only

    import openpyxl  # noqa: PLC0415 - this test only

    assert _run(tmp_path, "db", "upgrade").returncode == 0
    assert _run(tmp_path, "demo", "load", "--taxpayers", "300").returncode == 0
    activity = _run(tmp_path, "demo", "activity", "--filers", "12", "--months", "4")
    assert activity.returncode == 0, activity.stderr
    assert "12 filers" in activity.stdout
    growth = _run(
        tmp_path,
        "report",
        "taxpayer-growth",
        "--format",
        "xlsx",
        "-o",
        "growth.xlsx",
        "--period",
        "year",
        "--group-by",
        "kind",
        "--from",
        "2020-01-01",
        "--to",
        "2026-11-27",
        "--lang",
        "en",
    )
    assert growth.returncode == 0, growth.stderr
    book = openpyxl.load_workbook(tmp_path / "growth.xlsx")
    sheet = book[book.sheetnames[1]]
    assert sheet.cell(2, 1).value == "Period"
    rows = sheet.iter_rows(min_row=3, max_row=sheet.max_row - 1, values_only=True)
    registered = sum(value for row in rows if isinstance(value := row[2], int))
    assert registered > 0
    collections = _run(tmp_path, "report", "collections", "--format", "json", "-o", "c.json", "--from", "2020-01-01")
    assert collections.returncode == 0, collections.stderr
    collected = json.loads((tmp_path / "c.json").read_text())
    assert collected["report"] == "collections"
    assert collected["sections"][0]["totals"]["collected"] > 0  # the demo activity's payments, reconciled
    arrears = _run(tmp_path, "report", "arrears", "--format", "csv", "-o", "a.csv")
    assert arrears.returncode == 0, arrears.stderr
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    wrong = _run(tmp_path, "report", "collections", "--group-by", "colour", "-o", "x.csv")
    assert wrong.returncode != 0
    assert "Unknown grouping 'colour'" in wrong.stderr
