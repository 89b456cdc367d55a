"""The working calendar: the holidays package's Vietnam calendar plus overrides kept in the database."""

import datetime
import time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth import audit
from taxoffice.auth.roles import Principal
from taxoffice.calendar import WorkingCalendar
from taxoffice.db import dialect_insert
from taxoffice.workdays.errors import OverrideNotFoundError
from taxoffice.workdays.models import HolidayOverride

# Overrides change a few times a year; every process re-reads them at most this often.
CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, WorkingCalendar]] = {}


def forget_cached_calendars() -> None:
    """Drop cached calendars (after a change, and between tests)."""
    _cache.clear()


def cached_calendar(url: str) -> WorkingCalendar | None:
    """The calendar of the database at ``url`` as cached in this process, if it is still fresh (no reading)."""
    hit = _cache.get(url)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    return None


class CalendarService:
    """Reads and edits the working calendar."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def calendar(self) -> WorkingCalendar:
        """The working calendar with current overrides (cached briefly per process)."""
        key = str(self.session.get_bind().engine.url)
        if (hit := cached_calendar(key)) is not None:
            return hit
        rows = (await self.session.execute(select(HolidayOverride.day, HolidayOverride.is_holiday))).all()
        cal = WorkingCalendar(dict(rows))
        _cache[key] = (time.monotonic(), cal)
        return cal

    async def overrides(self, year: int | None = None) -> list[HolidayOverride]:
        """The overrides, by day."""
        query = select(HolidayOverride).order_by(HolidayOverride.day)
        if year is not None:
            query = query.where(
                HolidayOverride.day >= datetime.date(year, 1, 1), HolidayOverride.day <= datetime.date(year, 12, 31)
            )
        return list(await self.session.scalars(query))

    async def set_override(
        self, actor: Principal, day: datetime.date, *, is_holiday: bool, name: str
    ) -> HolidayOverride:
        """Make ``day`` a holiday or a working day, replacing any earlier override of that day."""
        values = {"day": day, "is_holiday": is_holiday, "name": name, "created_by": actor.username}
        stmt = dialect_insert(self.session)(HolidayOverride).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["day"], set_={k: stmt.excluded[k] for k in values if k != "day"}
        )
        await self.session.execute(stmt)
        await audit.record(
            self.session,
            actor,
            "calendar.override",
            "holiday_override",
            day.isoformat(),
            {"is_holiday": is_holiday, "name": name},
        )
        forget_cached_calendars()
        return HolidayOverride(**values)

    async def remove_override(self, actor: Principal, day: datetime.date) -> None:
        """Return ``day`` to the published calendar."""
        result = await self.session.execute(delete(HolidayOverride).where(HolidayOverride.day == day))
        if not result.rowcount:  # type: ignore[attr-defined]
            raise OverrideNotFoundError(day)
        await audit.record(self.session, actor, "calendar.override_removed", "holiday_override", day.isoformat())
        forget_cached_calendars()
