"""Settings read from the environment."""

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
