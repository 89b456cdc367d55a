"""Intake validity: the rules every door applies to what it is sent (pure: no I/O).

The API, the statement import (CSV/XLSX) and the command line call these same functions, so a value one door
refuses is refused by every door, and nothing reaches the nightly jobs that they could not process.
"""

import datetime

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


def printable_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a reference, or ``None``: every character printable (``str.isprintable``).

    Refused: control characters (tab, newline, NUL …), format characters (zero-width, bidi overrides), separators
    other than the plain space, surrogates, private-use and unassigned code points.
    """
    if value.isprintable():
        return None
    position, char = next((i, c) for i, c in enumerate(value, start=1) if not c.isprintable())
    return f"contains control characters (U+{ord(char):04X} at position {position})"


def _member(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def nul_at(value: object, path: str = "") -> str | None:
    """Where ``value`` (a parameter, or a decoded JSON body and everything in it) holds a NUL character, or ``None``.

    The place is written as the API's field errors are: ``address.street``, ``tax_types[2]``, ``values.<key>`` (a
    key holding one); ``body`` for a body that is one string. No text the office keeps can hold a NUL: PostgreSQL
    refuses U+0000 in ``text`` and ``jsonb`` alike.
    """
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        items: list[tuple[object, object]] = list(value.items())
        for key, item in items:
            if nul_at(key) is not None:
                return _member(path, "<key>")
            if (found := nul_at(item, _member(path, str(key)))) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := nul_at(item, f"{path or 'body'}[{index}]")) is not None:
                return found
    return None


def refuse_nul(value: object, path: str = "") -> None:
    """A 422 naming the field whose text holds a NUL character (``nul_at``), code ``text.nul``; nothing otherwise."""
    if (where := nul_at(value, path)) is not None:
        message = "Text may not contain the NUL character (U+0000)."
        raise ValidationFailedError(f"{where}: {message}", errors=[FieldError(where, "text.nul", message)])


def paid_on_problem(day: datetime.date, today: datetime.date) -> str | None:
    """What is wrong with a payment date, or ``None``: from 2000-01-01 to ``today``.

    One rule for every door (``POST /payments``, the statement import, ``taxoffice payments import``); a date the
    nightly reconcile could not price (no interest rate is known before 2000) never gets in.
    """
    if day > today:
        return f"paid_on {day.isoformat()} is after today ({today.isoformat()})"
    if day < EARLIEST:
        return f"paid_on {day.isoformat()} is before {EARLIEST.isoformat()}"
    return None


def id_in_range(value: int) -> bool:
    """Whether ``value`` can be the id of a stored row at all."""
    return ID_MIN <= value <= ID_MAX
