"""The nightly ``forget-idle-runs`` job forgets the week-old runs of the minute jobs that did nothing, and only those."""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from jobs.runner import run_job_now
from taxoffice.auth.roles import Principal
from taxoffice.clock import utc_now
from taxoffice.config import Settings
from taxoffice.jobruns.housekeeping import IDLE_RUNS_KEPT_DAYS, idle
from taxoffice.jobruns.models import JobRun

IDLE = {"claimed": 0, "sent": 0, "failed": 0}


def test_idle_means_every_count_zero() -> None:
    assert idle(IDLE)
    assert idle({})
    assert not idle({"claimed": 1, "sent": 1, "failed": 0})
    assert not idle(None)  # no counts: a run that never finished is not idle


async def test_week_old_idle_runs_of_minute_jobs_are_forgotten(own_engine: AsyncEngine, own_settings: Settings) -> None:
    now = utc_now()
    old = now - datetime.timedelta(days=IDLE_RUNS_KEPT_DAYS, minutes=1)
    recent = now - datetime.timedelta(days=IDLE_RUNS_KEPT_DAYS) + datetime.timedelta(hours=1)
    runs = {
        "old idle send-mail": ("send-mail", "succeeded", old, IDLE),
        "old idle decide-received": ("decide-received", "succeeded", old, {"decided": 0}),
        "old busy send-mail": ("send-mail", "succeeded", old, {"claimed": 2, "sent": 2, "failed": 0}),
        "old failed send-mail": ("send-mail", "failed", old, None),
        "recent idle send-mail": ("send-mail", "succeeded", recent, IDLE),
        "old idle nightly job": ("reconcile-payments", "succeeded", old, {"payments": 0}),
    }
    async with AsyncSession(own_engine) as session:
        session.add_all(
            JobRun(
                name=name,
                as_of=finished.date(),
                status=status,
                requested_by=label,
                origin="schedule",
                queued_at=finished,
                started_at=finished,
                finished_at=finished,
                counts=counts,
                attempt=1,
            )
            for label, (name, status, finished, counts) in runs.items()
        )
        await session.commit()
    _run, counts = await run_job_now(own_settings, "forget-idle-runs", None, Principal.system("tests"))
    assert counts == {"forgotten": 2}
    async with AsyncSession(own_engine) as session:
        kept = set(await session.scalars(select(JobRun.requested_by).where(JobRun.requested_by.in_(runs))))
    assert kept == set(runs) - {"old idle send-mail", "old idle decide-received"}
