"""HTTP routes of the working calendar."""

import datetime
from typing import Annotated

from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from taxoffice.auth.guards import ADMINS
from taxoffice.auth.roles import Principal
from taxoffice.params import Year
from taxoffice.validity import require_date
from taxoffice.workdays.schemas import DayRead, OverrideWrite, WorkingDayAnswer
from taxoffice.workdays.services import CalendarService


class CalendarController(Controller):
    """Public holidays and the office's overrides."""

    path = "/calendar"
    tags = ["calendar"]  # noqa: RUF012 - Litestar reads a plain list

    @get("/holidays", operation_id="listHolidays")
    async def holidays(
        self,
        calendar_service: NamedDependency[CalendarService],
        year: FromQuery[Year],
    ) -> list[DayRead]:
        """Holidays of a year: the published calendar with the office's overrides applied."""
        calendar = await calendar_service.calendar()
        days = [DayRead(day=d, is_holiday=True, name=n, source="calendar") for d, n in calendar.holidays_in(year)]
        overrides = await calendar_service.overrides(year)
        forced = {o.day for o in overrides}
        days = [d for d in days if d.day not in forced]
        days += [DayRead(day=o.day, is_holiday=o.is_holiday, name=o.name, source="override") for o in overrides]
        return sorted(days, key=lambda d: d.day)

    @get("/working-days/{day:date}", operation_id="workingDay")
    async def working_day(
        self,
        day: FromPath[datetime.date],
        calendar_service: NamedDependency[CalendarService],
        plus: FromQuery[Annotated[int, Parameter(ge=0, le=366)]] = 0,
    ) -> WorkingDayAnswer:
        """Whether ``day`` is a working day, its next working day, and the ``plus``-th working day after it."""
        require_date(day, "day")
        calendar = await calendar_service.calendar()
        return WorkingDayAnswer(
            day=day,
            is_working_day=calendar.is_working_day(day),
            next_working_day=calendar.next_working_day(day),
            plus_working_days=plus,
            result=calendar.add_working_days(day, plus) if plus else calendar.next_working_day(day),
        )

    @put("/overrides/{day:date}", operation_id="setCalendarOverride", guards=[ADMINS])
    async def set_override(
        self,
        day: FromPath[datetime.date],
        data: JSONBody[OverrideWrite],
        calendar_service: NamedDependency[CalendarService],
        actor: NamedDependency[Principal],
    ) -> DayRead:
        """Declare a day a holiday (or a compensatory working day)."""
        require_date(day, "day")
        row = await calendar_service.set_override(actor, day, is_holiday=data.is_holiday, name=data.name)
        return DayRead(day=row.day, is_holiday=row.is_holiday, name=row.name, source="override")

    @delete("/overrides/{day:date}", operation_id="removeCalendarOverride", guards=[ADMINS])
    async def remove_override(
        self,
        day: FromPath[datetime.date],
        calendar_service: NamedDependency[CalendarService],
        actor: NamedDependency[Principal],
    ) -> None:
        """Return a day to the published calendar."""
        await calendar_service.remove_override(actor, day)


ROUTES = [CalendarController]
