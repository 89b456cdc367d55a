"""Request and response types of the calendar API."""

import datetime
from typing import Annotated

from msgspec import Meta, Struct


class OverrideWrite(Struct, forbid_unknown_fields=True, kw_only=True):
    """Make a day a holiday or a working day."""

    is_holiday: bool
    name: Annotated[str, Meta(min_length=1, max_length=200)]


class DayRead(Struct, kw_only=True):
    """A non-working or overridden day."""

    day: datetime.date
    is_holiday: bool
    name: str
    source: str


class WorkingDayAnswer(Struct, kw_only=True):
    """Whether a day is a working day, and the n-th working day after it."""

    day: datetime.date
    is_working_day: bool
    next_working_day: datetime.date
    plus_working_days: int
    result: datetime.date
