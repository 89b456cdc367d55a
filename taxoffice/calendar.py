"""Working days: Vietnam's public holidays (the ``holidays`` package) plus the office's overrides. Pure.

"Today" is not read here: it comes from the one clock (``taxoffice.clock``) and is passed down as a date.
"""

import datetime
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = 5


def hanoi_day(instant: datetime.datetime) -> datetime.date:
    """The date in Hanoi at ``instant`` (an aware instant)."""
    return instant.astimezone(VN_TZ).date()


class WorkingCalendar:
    """Which days are working days: weekdays that are not holidays, corrected by overrides.

    ``overrides`` maps a day to True (a holiday the published calendar lacks) or False (a working day, such as a
    compensatory Saturday, or a published holiday the office works).
    """

    def __init__(self, overrides: dict[datetime.date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._public = holidays.country_holidays("VN", years=[])

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether offices work on ``day``."""
        forced = self.overrides.get(day)
        if forced is not None:
            return not forced
        return day.weekday() < SATURDAY and day not in self._public

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def holidays_in(self, year: int) -> list[tuple[datetime.date, str]]:
        """The published public holidays of ``year``."""
        self._public.get(datetime.date(year, 1, 1))
        return sorted((day, str(name)) for day, name in self._public.items() if day.year == year)
