"""The whole demo (load, then activity) as of hard days, with the clock fixed: it works, and twice adds nothing."""

import datetime

import pytest
from sqlalchemy import text

from taxoffice.accounts.services import AccountService
from taxoffice.commands import DEMO_TAXPAYER, load_demo
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.demo_activity import load_activity

pytestmark = pytest.mark.embedded
SEED = 2026
COUNTS = {
    "taxpayers": "SELECT count(*) FROM taxpayer",
    "users": "SELECT count(*) FROM app_user",
    "returns": "SELECT count(*) FROM tax_return",
    "payments": "SELECT count(*) FROM payment",
    "applications": "SELECT count(*) FROM registration_application",
}
# The officer's office (the settings' default, HNI) has work; the manager has two years of money; none of it later.
CHECKS = {
    "officer's arrears cases": "SELECT count(*) FROM arrears_case WHERE status = 'open' AND tax_office = 'HNI'",
    "late-filing fines decided": "SELECT count(*) FROM fine_decision WHERE status = 'confirmed'",
    "debtors on the public list": "SELECT count(*) FROM debtor_publication WHERE status = 'published'",
    "applications waiting": "SELECT count(*) FROM registration_application WHERE status = 'submitted'",
    "unmatched payments": "SELECT count(*) FROM payment WHERE status = 'unmatched' AND tax_office = 'HNI'",
    "instalment plans kept": "SELECT count(*) FROM instalment_plan WHERE is_active AND status = 'kept'",
    "paid in the last year": "SELECT count(*) FROM payment WHERE paid_on >= :year_ago",
    "paid the year before": "SELECT count(*) FROM payment WHERE paid_on < :year_ago AND paid_on >= :two_years_ago",
    "returns in the future": "SELECT count(*) FROM tax_return WHERE date(received_at, '+7 hours') >= :today",
    "payments in the future": "SELECT count(*) FROM payment WHERE paid_on >= :today",
    "registered in the future": "SELECT count(*) FROM taxpayer WHERE registered_on > :today",
    "applications in the future": "SELECT count(*) FROM registration_application WHERE submitted_on >= :today",
}


async def _run_demo(settings: Settings, today: datetime.date) -> None:
    await load_demo(settings, 400, SEED, today)
    await load_activity(settings, filers=10, months=24, seed=SEED, today=today)


async def _figures(settings: Settings, today: datetime.date) -> tuple[dict[str, int], dict[str, int], int]:
    """Row counts, the checks' counts, and what the demo taxpayer owes."""
    days = datetime.timedelta(days=365)
    params = {"today": today, "year_ago": today - days, "two_years_ago": today - 2 * days}
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            counts = {name: int(await session.scalar(text(sql)) or 0) for name, sql in COUNTS.items()}
            checks = {name: int(await session.scalar(text(sql), params) or 0) for name, sql in CHECKS.items()}
            code = await session.scalar(
                text("SELECT tax_code FROM app_user WHERE username = :u"), {"u": DEMO_TAXPAYER[0]}
            )
            assert code is not None
            statement = await AccountService(session).statement(code, today)
            filed = await session.scalar(text("SELECT count(*) FROM tax_return WHERE tax_code = :c"), {"c": code})
            assert filed, "the demo taxpayer has filed returns"
            return counts, checks, statement.outstanding
    finally:
        await engine.dispose()


def _assert_every_login_has_work(checks: dict[str, int], owed: int) -> None:
    future = {name: n for name, n in checks.items() if "future" in name}
    assert set(future.values()) == {0}, future
    work = {name: n for name, n in checks.items() if "future" not in name}
    assert all(work.values()), work
    assert owed > 0


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 3, 1),  # the 1st (a Sunday): the month just ended cannot have been filed yet
        datetime.date(2026, 7, 20),  # the 20th: the deadline is today
        datetime.date(2026, 10, 21),  # the 21st
        datetime.date(2026, 4, 30),  # the last day of a month, a holiday
        datetime.date(2026, 2, 17),  # Tết
    ],
)
async def test_the_demo_on_a_hard_day(fresh_settings: Settings, today: datetime.date) -> None:
    await _run_demo(fresh_settings, today)
    _counts, checks, owed = await _figures(fresh_settings, today)
    _assert_every_login_has_work(checks, owed)


async def test_running_the_demo_twice_adds_nothing(fresh_settings: Settings) -> None:
    today = datetime.date(2026, 12, 31)
    await _run_demo(fresh_settings, today)
    first, checks, owed = await _figures(fresh_settings, today)
    _assert_every_login_has_work(checks, owed)
    await _run_demo(fresh_settings, today)
    again, _checks, _owed = await _figures(fresh_settings, today)
    assert again == first
    assert first["taxpayers"] == 400
