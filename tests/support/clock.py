"""A clock tests can set."""

import datetime

from taxoffice.calendar import VN_TZ
from taxoffice.clock import utc_now


class Clock:
    """The real time until a test sets one (in Hanoi time, for readability)."""

    def __init__(self) -> None:
        self.instant: datetime.datetime | None = None

    def set(self, year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> None:
        """Freeze the clock at a Hanoi wall-clock time."""
        self.instant = datetime.datetime(year, month, day, hour, minute, tzinfo=VN_TZ).astimezone(datetime.UTC)

    def __call__(self) -> datetime.datetime:
        """Now."""
        return self.instant or utc_now()
