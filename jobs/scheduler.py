"""The embedded default's scheduler: each job at its nightly slot (Hanoi time), inside the server process.

Used only when Redis is not configured (with Redis, the arq workers' cron jobs do this). The clock and
the sleep are injected, so tests drive it without waiting.
"""

import asyncio
import datetime
import logging
from collections.abc import Awaitable, Callable, Mapping

from jobs.spec import Schedule
from taxoffice.calendar import VN_TZ

logger = logging.getLogger("taxoffice.jobs")

# Wake at least this often, so that a clock jump (suspend, NTP) delays a slot by one minute at most.
MAX_SLEEP_SECONDS = 60.0

RunJob = Callable[[str, str], Awaitable[None]]


class Scheduler:
    """Runs each scheduled job once per slot, in slot order, through ``run(name, as_of)``."""

    def __init__(
        self,
        schedule: Mapping[str, Schedule],
        run: RunJob,
        *,
        clock: Callable[[], datetime.datetime],
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.schedule = dict(schedule)
        self.run = run
        self.clock = clock
        self.sleep = sleep
        self.next_at: dict[str, datetime.datetime] = {}

    def plan(self, now: datetime.datetime) -> None:
        """Give every job without one its next slot after ``now``."""
        for name, daily in self.schedule.items():
            self.next_at.setdefault(name, daily.next_after(now))

    async def step(self) -> float:
        """Run the jobs whose slot has come (oldest slot first); return the seconds to sleep before the next."""
        now = self.clock()
        self.plan(now)
        due = sorted((at, name) for name, at in self.next_at.items() if at <= now)
        for at, name in due:
            # A slot missed while the process slept runs once, for the day of its slot.
            as_of = at.astimezone(VN_TZ).date().isoformat()
            self.next_at[name] = self.schedule[name].next_after(max(now, at))
            try:
                await self.run(name, as_of)
            except Exception:
                logger.exception("scheduled job %s for %s failed", name, as_of)
        if not self.next_at:
            return MAX_SLEEP_SECONDS
        wait = (min(self.next_at.values()) - self.clock()).total_seconds()
        return min(MAX_SLEEP_SECONDS, max(0.0, wait))

    async def run_forever(self) -> None:
        """Step and sleep until cancelled."""
        while True:
            await self.sleep(await self.step())
