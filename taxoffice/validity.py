"""Intake validity: the rules every door applies to what it is sent (pure: no I/O).

The API, the statement import (CSV/XLSX) and the command line call these same functions, so a value one door
refuses is refused by every door, and nothing reaches the nightly jobs that they could not process.
"""

import datetime
import unicodedata

from taxoffice.errors import FieldError, ValidationFailedError

# The dates the office deals in: nothing it keeps (payments, returns, charges) is dated before 2000 (the earliest
# tax law still applied, Law 38/2019, reaches back no further) and its calendar is published up to 2100.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# Ids are PostgreSQL BIGINT (SQLite INTEGER): nothing stored has an id outside this range.
ID_MIN = -(2**63)
ID_MAX = 2**63 - 1


def date_problem(day: datetime.date, *, today: datetime.date | None = None) -> str | None:
    """What is wrong with ``day`` as a date the office keeps, or ``None``: within 2000 to 2100 (and not after ``today``)."""
    if day < EARLIEST or day > LATEST:
        return (
            f"{day.isoformat()} is outside the dates the office keeps ({EARLIEST.isoformat()} to {LATEST.isoformat()})."
        )
    if today is not None and day > today:
        return f"{day.isoformat()} is in the future (today is {today.isoformat()})."
    return None


def date_code(day: datetime.date, field: str) -> str:
    """The stable rule code of ``date_problem``'s complaint about ``field``."""
    return f"{field}.future" if EARLIEST <= day <= LATEST else f"{field}.out_of_range"


def require_date(day: datetime.date, field: str, *, today: datetime.date | None = None) -> datetime.date:
    """``day`` if it is a date the office keeps (not after ``today`` if given); otherwise a 422 naming ``field``."""
    problem = date_problem(day, today=today)
    if problem is not None:
        raise ValidationFailedError(f"{field}: {problem}", errors=[FieldError(field, date_code(day, field), problem)])
    return day


def optional_date(day: datetime.date | None, field: str) -> datetime.date | None:
    """``require_date`` for an optional parameter."""
    return None if day is None else require_date(day, field)


def text_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a reference or name, or ``None``: control and invisible characters refused.

    Refused: Unicode categories ``Cc`` (control: tab, newline, NUL …), ``Cf`` (format: zero-width, bidi overrides),
    ``Cs``/``Co``/``Cn`` (surrogates, private use, unassigned), and line/paragraph separators (``Zl``, ``Zp``).
    """
    for position, char in enumerate(value, start=1):
        category = unicodedata.category(char)
        if category[0] == "C" or category in {"Zl", "Zp"}:
            return f"character {position} (U+{ord(char):04X}) is not a printable character."
    return None


def reference_problem(value: str) -> str | None:
    """What is wrong with a bank reference, or ``None``: printable, no surrounding spaces, at most 64 characters."""
    if not value or value != value.strip():
        return "a reference is not empty and does not start or end with a space."
    max_length = 64
    if len(value) > max_length:
        return f"a reference has at most {max_length} characters."
    return text_problem(value)


def id_in_range(value: int) -> bool:
    """Whether ``value`` can be the id of a stored row at all."""
    return ID_MIN <= value <= ID_MAX
