"""``taxoffice targets``, run as a real process on a fresh SQLite file: set, change, list, refused input."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "taxoffice.cli"]


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TAXOFFICE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'targets.db'}",
        "TAXOFFICE_SECRET_KEY": "cli-test-secret",
    }
    return subprocess.run(
        [*CLI, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.embedded
def test_targets_are_set_changed_and_listed(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    assert _run(tmp_path, "targets", "list", "--year", "2026").stdout.strip() == "No target set for 2026."
    first = _run(tmp_path, "targets", "set", "--year", "2026", "--amount", "50_000_000_000")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Target 2026 (whole department, all taxes): 50,000,000,000 đồng."
    changed = _run(tmp_path, "targets", "set", "--year", "2026", "--amount", "60000000000")
    assert changed.returncode == 0, changed.stderr
    vat = _run(
        tmp_path, "targets", "set", "--year", "2026", "--amount", "9", "--tax-office", "HNI", "--tax-type", "VAT"
    )
    assert vat.returncode == 0, vat.stderr
    listed = _run(tmp_path, "targets", "list", "--year", "2026").stdout.splitlines()
    assert listed == [
        "2026  whole department  all taxes  60,000,000,000 đồng  (by system:cli)",
        "2026  HNI  VAT  9 đồng  (by system:cli)",
    ]
    for wrong in (["--year", "1999", "--amount", "1"], ["--year", "2026", "--amount", "-5"]):
        refused = _run(tmp_path, "targets", "set", *wrong)
        assert refused.returncode == 2
        assert "Invalid value" in refused.stderr
    office = _run(tmp_path, "targets", "set", "--year", "2026", "--amount", "1", "--tax-office", "H N")
    assert office.returncode == 2
    assert "tax_office" in office.stderr
