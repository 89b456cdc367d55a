"""The one clock: the only module that reads the wall clock.

Everything else gets the current instant or day passed in: requests through ``taxoffice.deps.provide_now`` /
``provide_today`` (which call the app's clock, ``create_app(clock=...)``), jobs through their context's
``clock`` and their ``as_of`` day (``job_day``), the CLI at its edge. A test, or a job replayed ``as_of`` a past
day, gives another clock or day and every rule answers as on that day.
``tests/taxoffice/test_clock.py`` fails when another module of ours reads the wall clock.
"""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from taxoffice.calendar import hanoi_day

# A clock: called for the current instant, timezone-aware UTC.
Clock = Callable[[], datetime.datetime]


def utc_now() -> datetime.datetime:
    """The current instant, UTC (the real clock)."""
    return datetime.datetime.now(datetime.UTC)


def today_vn(clock: Clock = utc_now) -> datetime.date:
    """Today's date in Hanoi, by ``clock`` (the real clock by default)."""
    return hanoi_day(clock())


def clock_of(ctx: Mapping[str, Any]) -> Clock:
    """The clock of a job context (``ctx["clock"]``; the real clock when the context has none)."""
    clock: Clock = ctx.get("clock", utc_now)
    return clock


def job_day(ctx: Mapping[str, Any], as_of: str | None) -> datetime.date:
    """The day a job runs for: ``as_of`` (ISO date) when given, else today in Hanoi by the context's clock."""
    return datetime.date.fromisoformat(as_of) if as_of else today_vn(clock_of(ctx))
