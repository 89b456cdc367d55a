"""The nightly ``forget-login-attempts`` job deletes the counters that hold nothing back, and only those."""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from jobs.runner import run_job_now
from taxoffice.auth.models import LoginThrottle
from taxoffice.auth.roles import Principal
from taxoffice.clock import utc_now
from taxoffice.config import Settings


async def test_stale_counters_are_forgotten(own_engine: AsyncEngine, own_settings: Settings) -> None:
    now = utc_now()
    window = datetime.timedelta(seconds=own_settings.login_window_seconds)
    old, recent = now - window - datetime.timedelta(minutes=1), now - window + datetime.timedelta(minutes=5)
    rows = {
        "stale": (old, None),  # untouched for longer than the window: its next attempt starts afresh anyway
        "stale-block-over": (old, now - datetime.timedelta(minutes=1)),
        "recent": (recent, None),  # still counts toward the back-off
        "still-blocked": (old, now + datetime.timedelta(hours=1)),  # a long back-off not over yet
    }
    async with AsyncSession(own_engine) as session:
        session.add_all(
            LoginThrottle(scope="address", key=key, attempts=7, last_attempt_at=last, blocked_until=until)
            for key, (last, until) in rows.items()
        )
        await session.commit()
    _run, counts = await run_job_now(own_settings, "forget-login-attempts", None, Principal.system("tests"))
    assert counts == {"forgotten": 2}
    async with AsyncSession(own_engine) as session:
        kept = set(await session.scalars(select(LoginThrottle.key)))
    assert kept == {"recent", "still-blocked"}
