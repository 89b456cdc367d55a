"""Errors of the working-day calendar; mapped through their base classes (taxoffice/errors.py)."""

import datetime

from taxoffice.errors import ResourceNotFoundError


class OverrideNotFoundError(ResourceNotFoundError):
    """The day has no override of the published calendar."""

    def __init__(self, day: datetime.date) -> None:
        super().__init__(f"No override for {day.isoformat()}.")
