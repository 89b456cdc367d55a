"""Forgetting the runs that did nothing: the minute-by-minute jobs' idle runs, once they are a week old.

``send-mail`` runs every minute and ``decide-received`` every five (jobs/tasks.py): 1,728 recorded runs a day, almost
all with nothing to do (every count 0). Kept for ever they would bury the nightly runs an administrator looks for in
``GET /jobs`` and grow the table by 630,000 rows a year. A run of those jobs is forgotten only when it succeeded, every
count is 0 and it finished more than ``IDLE_RUNS_KEPT_DAYS`` days ago; a failure, a run that did something and every
run of the nightly jobs stay.
"""

import datetime
from collections.abc import Collection, Mapping

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.jobruns.models import JobRun, JobStatus

IDLE_RUNS_KEPT_DAYS = 7
CHUNK = 5_000  # runs looked at (and deleted) per statement


def idle(counts: Mapping[str, object] | None) -> bool:
    """Whether a run's counts say it did nothing (every figure 0)."""
    return counts is not None and all(value == 0 for value in counts.values())


async def forget_idle_runs(session: AsyncSession, names: Collection[str], now: datetime.datetime) -> int:
    """Delete the succeeded, idle runs of the jobs ``names`` finished before the kept days; how many (uncommitted)."""
    before = now - datetime.timedelta(days=IDLE_RUNS_KEPT_DAYS)
    forgotten = 0
    after = 0
    while True:
        rows = (
            await session.execute(
                select(JobRun.id, JobRun.counts)
                .where(
                    JobRun.name.in_(list(names)),
                    JobRun.status == JobStatus.SUCCEEDED.value,
                    JobRun.finished_at < before,
                    JobRun.id > after,
                )
                .order_by(JobRun.id)
                .limit(CHUNK)
            )
        ).all()
        if not rows:
            return forgotten
        after = rows[-1][0]
        ids = [run_id for run_id, counts in rows if idle(counts)]
        if ids:
            await session.execute(delete(JobRun).where(JobRun.id.in_(ids)))
            forgotten += len(ids)
