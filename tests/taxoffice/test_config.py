"""Settings read from the environment."""

from pathlib import Path

import pytest

from taxoffice.config import Settings


def test_login_allowances_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAXOFFICE_SECRET_KEY", "k" * 48)  # no key file written in the working folder
    monkeypatch.delenv("TAXOFFICE_LOGIN_FREE_ATTEMPTS", raising=False)
    monkeypatch.delenv("TAXOFFICE_LOGIN_ACCOUNT_FREE_ATTEMPTS", raising=False)
    defaults = Settings.from_env()
    assert (defaults.login_free_attempts, defaults.login_account_free_attempts) == (5, 20)
    monkeypatch.setenv("TAXOFFICE_LOGIN_FREE_ATTEMPTS", "200")
    monkeypatch.setenv("TAXOFFICE_LOGIN_ACCOUNT_FREE_ATTEMPTS", "30")
    office = Settings.from_env()
    assert (office.login_free_attempts, office.login_account_free_attempts) == (200, 30)


def test_statement_bounds_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAXOFFICE_SECRET_KEY", "k" * 48)
    names = [name for name in Settings.__dataclass_fields__ if name.startswith("statement_")]
    for name in names:
        monkeypatch.delenv(f"TAXOFFICE_{name.upper()}", raising=False)
    assert Settings.from_env().statement_max_shared_strings == 262_144
    for number, name in enumerate(names, start=1):
        monkeypatch.setenv(f"TAXOFFICE_{name.upper()}", str(number))
    office = Settings.from_env()
    assert [getattr(office, name) for name in names] == list(range(1, len(names) + 1))
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert all(f"`TAXOFFICE_{name.upper()}`" in readme for name in names)  # each one documented
