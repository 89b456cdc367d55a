"""The ``taxoffice`` command, run as a real process on a fresh SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import free_port

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


@pytest.mark.embedded
def test_users_disable_enable_and_set_role(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    weak = _run(tmp_path, "users", "create", "--username", "an", "--password", "aaaaaaaaaa", "--role", "admin")
    assert weak.returncode != 0
    assert "too weak" in weak.stderr
    created = _run(tmp_path, "users", "create", "--username", "an", "--password", "long-enough-pw", "--role", "officer")
    assert created.returncode == 0, created.stderr
    disabled = _run(tmp_path, "users", "disable", "--username", "an")
    assert disabled.returncode == 0, disabled.stderr
    assert disabled.stdout.strip() == "Disabled an."
    assert _run(tmp_path, "users", "enable", "--username", "an").stdout.strip() == "Enabled an."
    promoted = _run(tmp_path, "users", "set-role", "--username", "an", "--role", "manager")
    assert promoted.stdout.strip() == "an is now manager."
    no_code = _run(tmp_path, "users", "set-role", "--username", "an", "--role", "taxpayer")
    assert no_code.returncode != 0
    assert "tax code" in no_code.stderr
    unknown = _run(tmp_path, "users", "disable", "--username", "nobody")
    assert unknown.returncode != 0
    assert "No user 'nobody'" in unknown.stderr


PG_URL = "postgresql+asyncpg://office:pw-must-not-show@127.0.0.1:1/taxoffice"


@pytest.mark.parametrize("key", [None, "x", "k" * 31])
def test_serve_on_postgres_refuses_a_weak_secret_key(tmp_path: Path, key: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TAXOFFICE_SECRET_KEY"}
    env["TAXOFFICE_DATABASE_URL"] = PG_URL
    if key is not None:
        env["TAXOFFICE_SECRET_KEY"] = key
    refused = subprocess.run(
        [*CLI, "serve", "--port", "1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert refused.returncode != 0
    assert "TAXOFFICE_SECRET_KEY" in refused.stderr
    assert "pw-must-not-show" not in refused.stdout + refused.stderr


def test_serve_never_prints_the_database_password(tmp_path: Path) -> None:
    env = {**os.environ, "TAXOFFICE_DATABASE_URL": PG_URL, "TAXOFFICE_SECRET_KEY": "k" * 48}
    env.pop("TAXOFFICE_REDIS_URL", None)
    port = str(free_port())
    with subprocess.Popen(
        [*CLI, "serve", "--port", port],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        try:
            output, _ = server.communicate(timeout=8)
        except subprocess.TimeoutExpired:
            server.terminate()
            output, _ = server.communicate(timeout=30)
    assert "office:***@127.0.0.1:1/taxoffice" in output
    assert "pw-must-not-show" not in output
