"""Tax periods (month, quarter, year), their deadlines and lateness (DOMAIN.md §3, §4). Pure.

A period is written ``2026-10``, ``2026-Q3`` or ``2026`` in the API and ``10/2026``, ``3/2026`` or ``2026`` in
HTKK documents. Deadline rules count from the end of the period; a deadline on a day off moves to the next working
day, which the caller decides (``is_working_day``), so holidays stay data rather than a formula.
"""

import calendar
import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

MIN_YEAR = 2000
MAX_YEAR = 2100
MONTHS_IN_YEAR = 12
QUARTERS_IN_YEAR = 4
MONTHS_IN_QUARTER = 3
# The longest run of days off a deadline may be moved across before the calendar is deemed broken.
MAX_DAYS_OFF = 366

_API_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_API_QUARTER = re.compile(r"([0-9]{4})-[Qq]([0-9])")
_YEAR = re.compile(r"[0-9]{4}")
_HTKK_NUMBER = re.compile(r"([0-9]{1,2})/([0-9]{4})")


class PeriodError(ValueError):
    """A period that does not exist or cannot be read."""


class PeriodKind(StrEnum):
    """How long a period lasts."""

    MONTH = "M"
    QUARTER = "Q"
    YEAR = "Y"


_LAST_NUMBER = {PeriodKind.MONTH: MONTHS_IN_YEAR, PeriodKind.QUARTER: QUARTERS_IN_YEAR, PeriodKind.YEAR: 1}
_KINDS = {k.value: k for k in PeriodKind}
_KIND_NAMES = {PeriodKind.MONTH: "month", PeriodKind.QUARTER: "quarter", PeriodKind.YEAR: "year"}


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """``(year, month)`` moved ``months`` months on."""
    index = year * MONTHS_IN_YEAR + (month - 1) + months
    return index // MONTHS_IN_YEAR, index % MONTHS_IN_YEAR + 1


@dataclass(frozen=True, order=True)
class Period:
    """A tax period: a month (``number`` 1-12), a quarter (1-4) or a year (``number`` 1).

    Raises:
        PeriodError: when the period does not exist (month 13, quarter 5, a year outside 2000-2100).
    """

    year: int
    kind: PeriodKind
    number: int

    def __post_init__(self) -> None:
        try:
            kind = PeriodKind(self.kind)
        except ValueError:
            raise PeriodError(f"unknown period kind {self.kind!r}: use M (month), Q (quarter) or Y (year)") from None
        object.__setattr__(self, "kind", kind)
        if not _is_whole(self.year) or not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(f"year {self.year} is out of range {MIN_YEAR}-{MAX_YEAR}")
        last = _LAST_NUMBER[kind]
        if not _is_whole(self.number) or not 1 <= self.number <= last:
            if kind is PeriodKind.YEAR:
                raise PeriodError(f"a year period has number 1, not {self.number}")
            raise PeriodError(f"{_KIND_NAMES[kind]} {self.number} is out of range 1-{last}")

    @property
    def first_month(self) -> int:
        """The period's first month (1-12)."""
        if self.kind is PeriodKind.MONTH:
            return self.number
        if self.kind is PeriodKind.QUARTER:
            return (self.number - 1) * MONTHS_IN_QUARTER + 1
        return 1

    @property
    def last_month(self) -> int:
        """The period's last month (1-12)."""
        if self.kind is PeriodKind.MONTH:
            return self.number
        if self.kind is PeriodKind.QUARTER:
            return self.number * MONTHS_IN_QUARTER
        return MONTHS_IN_YEAR

    @property
    def start(self) -> datetime.date:
        """The first day of the period."""
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return _month_end(self.year, self.last_month)

    @property
    def label(self) -> str:
        """The API form: ``2026-10``, ``2026-Q3``, ``2026``."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def htkk(self) -> str:
        """The HTKK ``kyKKhai`` form: ``10/2026``, ``3/2026``, ``2026``."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.number:02d}/{self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.number}/{self.year}"
        return str(self.year)

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, _LAST_NUMBER[self.kind])

    def next(self) -> "Period":
        """The period of the same kind just after this one."""
        if self.number < _LAST_NUMBER[self.kind]:
            return Period(self.year, self.kind, self.number + 1)
        return Period(self.year + 1, self.kind, 1)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> Period:
    """A period from its API form: ``2026-10`` (month), ``2026-Q3`` (quarter) or ``2026`` (year).

    Raises:
        PeriodError: when the text is not one of these forms or names a period that does not exist.
    """
    if not isinstance(text, str):
        raise PeriodError(f"a period is text such as 2026-10, 2026-Q3 or 2026, not {type(text).__name__}")
    raw = text.strip()
    if match := _API_MONTH.fullmatch(raw):
        return Period(int(match[1]), PeriodKind.MONTH, int(match[2]))
    if match := _API_QUARTER.fullmatch(raw):
        return Period(int(match[1]), PeriodKind.QUARTER, int(match[2]))
    if _YEAR.fullmatch(raw):
        return Period(int(raw), PeriodKind.YEAR, 1)
    raise PeriodError(f"{text[:40]!r} is not a period: write 2026-10 (month), 2026-Q3 (quarter) or 2026 (year)")


def parse_htkk_period(kieu_ky: str, ky_kkhai: str) -> Period:
    """A period from an HTKK header: ``kieuKy`` M, Q or Y and ``kyKKhai`` ``MM/YYYY``, ``q/YYYY`` or ``YYYY``.

    Raises:
        PeriodError: when the pair does not name an existing period.
    """
    if len(kieu_ky) + len(ky_kkhai) <= _CACHED_LENGTH:  # the same few periods head most returns
        return _cached_htkk_period(kieu_ky, ky_kkhai)
    return _htkk_period(kieu_ky, ky_kkhai)


_CACHED_LENGTH = 40


def _htkk_period(kieu_ky: str, ky_kkhai: str) -> Period:
    kind = _KINDS.get((kieu_ky or "").strip().upper())
    text = (ky_kkhai or "").strip()
    if kind is None:
        raise PeriodError(f"kieuKy {kieu_ky[:20]!r} is not a period kind: use M, Q or Y")
    if kind is PeriodKind.YEAR:
        if not _YEAR.fullmatch(text):
            raise PeriodError(f"kyKKhai {ky_kkhai[:40]!r} is not a year (YYYY)")
        return Period(int(text), kind, 1)
    match = _HTKK_NUMBER.fullmatch(text)
    if match is None:
        shape = "MM/YYYY" if kind is PeriodKind.MONTH else "q/YYYY"
        raise PeriodError(f"kyKKhai {ky_kkhai[:40]!r} is not a {_KIND_NAMES[kind]} ({shape})")
    return Period(int(match[2]), kind, int(match[1]))


_cached_htkk_period = functools.lru_cache(maxsize=1_024)(_htkk_period)


def periods_in_year(kind: PeriodKind, year: int) -> list[Period]:
    """Every period of ``kind`` in ``year``, in order."""
    kind = PeriodKind(kind)
    return [Period(year, kind, number) for number in range(1, _LAST_NUMBER[kind] + 1)]


class DeadlineRule(StrEnum):
    """When a return (or payment) for a period is due, before moving off days off (DOMAIN.md §3).

    Every rule counts months after the period's last month, so it applies to any period kind.
    """

    MONTHLY_20TH = "monthly-20th"
    """The 20th of the month after the period."""
    QUARTER_END_OF_FIRST_MONTH = "quarter-first-month-end"
    """The last day of the month after the period (the first month of the next quarter)."""
    YEAR_END_OF_THIRD_MONTH = "year-third-month-end"
    """The last day of the 3rd month after the period."""
    YEAR_END_OF_FOURTH_MONTH = "year-fourth-month-end"
    """The last day of the 4th month after the period."""
    QUARTER_30TH = "quarter-30th"
    """The 30th of the month after the period (its last day when the month is shorter)."""


# rule → (months after the period's last month, day of that month; None = its last day)
_DEADLINES: dict[DeadlineRule, tuple[int, int | None]] = {
    DeadlineRule.MONTHLY_20TH: (1, 20),
    DeadlineRule.QUARTER_END_OF_FIRST_MONTH: (1, None),
    DeadlineRule.YEAR_END_OF_THIRD_MONTH: (3, None),
    DeadlineRule.YEAR_END_OF_FOURTH_MONTH: (4, None),
    DeadlineRule.QUARTER_30TH: (1, 30),
}


def nominal_deadline(rule: DeadlineRule, period: Period) -> datetime.date:
    """The deadline the rule sets for the period, before moving it off weekends and holidays."""
    months, day = _DEADLINES[DeadlineRule(rule)]
    year, month = _add_months(period.year, period.last_month, months)
    end = _month_end(year, month)
    return end if day is None else end.replace(day=min(day, end.day))


def effective_deadline(
    rule: DeadlineRule, period: Period, is_working_day: Callable[[datetime.date], bool]
) -> datetime.date:
    """The nominal deadline, moved to the next working day when it falls on a weekend or holiday.

    Raises:
        ValueError: when ``is_working_day`` finds no working day within a year of the nominal deadline.
    """
    day = nominal_deadline(rule, period)
    for _ in range(MAX_DAYS_OFF):
        if is_working_day(day):
            return day
        day += datetime.timedelta(days=1)
    raise ValueError(f"no working day within {MAX_DAYS_OFF} days after {nominal_deadline(rule, period).isoformat()}")


def days_late(received_on: datetime.date, effective_due: datetime.date) -> int:
    """Calendar days after the effective deadline; 0 when received on or before it."""
    return max((received_on - effective_due).days, 0)
