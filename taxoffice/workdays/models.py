"""Officer-managed corrections to the public-holiday calendar."""

import datetime

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Base


class HolidayOverride(Base):
    """A day forced to be a holiday (``is_holiday``) or a working day (a compensatory Saturday)."""

    __tablename__ = "holiday_override"

    day: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    is_holiday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(80))
