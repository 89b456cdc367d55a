"""What a job is (function, schedule, limits) and when a daily schedule next fires; no I/O, no arq."""

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from taxoffice.calendar import VN_TZ

# A job function: ``(ctx, as_of "YYYY-MM-DD" or None) -> counts``. Primitive arguments: arq pickles them.
TaskFunction = Callable[[dict[str, Any], str | None], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class Daily:
    """Every day at ``hour:minute`` Hanoi time (Asia/Ho_Chi_Minh, UTC+7 all year)."""

    hour: int
    minute: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):  # noqa: PLR2004 - hours of a day, minutes of an hour
            msg = f"Not a time of day: {self.hour:02d}:{self.minute:02d}"
            raise ValueError(msg)

    def next_after(self, instant: datetime.datetime) -> datetime.datetime:
        """The first firing strictly after ``instant`` (aware), as an aware UTC instant."""
        local = instant.astimezone(VN_TZ)
        candidate = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate += datetime.timedelta(days=1)
        return candidate.astimezone(datetime.UTC)


@dataclass(frozen=True)
class Every:
    """Every ``minutes`` minutes on the clock (minutes 0, 5, 10 … of each hour for 5); ``minutes`` divides 60."""

    minutes: int

    def __post_init__(self) -> None:
        if not (0 < self.minutes <= 60 and 60 % self.minutes == 0):  # noqa: PLR2004 - minutes of an hour
            msg = f"Not a divisor of an hour: {self.minutes} minutes"
            raise ValueError(msg)

    @property
    def cron_minutes(self) -> set[int]:
        """The minutes of each hour it fires at."""
        return set(range(0, 60, self.minutes))

    def next_after(self, instant: datetime.datetime) -> datetime.datetime:
        """The first firing strictly after ``instant`` (aware), as an aware UTC instant."""
        hour = instant.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
        elapsed = (instant - hour) // datetime.timedelta(minutes=self.minutes)
        return hour + datetime.timedelta(minutes=self.minutes * (elapsed + 1))


# When a job runs by itself: nightly at a slot, or every few minutes.
Schedule = Daily | Every


@dataclass(frozen=True)
class JobSpec:
    """One job: its function, its schedule (None: only on request), its time limit and tries."""

    function: TaskFunction
    schedule: Schedule | None
    timeout: datetime.timedelta = datetime.timedelta(minutes=30)
    max_tries: int = 3
