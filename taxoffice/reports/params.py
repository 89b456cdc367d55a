"""A report's parameters, checked, and the reporting periods (month, quarter, year) they span. Pure."""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from taxoffice.errors import FieldError
from taxoffice.reports.errors import ReportParameterError
from taxoffice.reports.tables import Lang
from taxoffice.validity import date_code, date_problem

# The longest span one report covers (the year before is read too, for growth).
MAX_YEARS = 10


class Grain(StrEnum):
    """How rows are grouped in time."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class ReportQuery:
    """What a report is asked for; ``group_by`` holds dimension names the report knows, in the order asked."""

    start: datetime.date
    end: datetime.date
    grain: Grain = Grain.MONTH
    group_by: tuple[str, ...] = ()
    tax_office: str | None = None
    lang: Lang = "vi"
    as_of: datetime.date | None = None
    extra: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def describe(self) -> dict[str, str]:
        """The parameters as text, for the cover sheet and the JSON."""
        described = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "period": self.grain.value,
            "group_by": ",".join(self.group_by) or "-",
            "tax_office": self.tax_office or "*",
        }
        if self.as_of is not None:
            described["as_of"] = self.as_of.isoformat()
        return described | dict(self.extra)


def date_errors(days: dict[str, datetime.date | None]) -> list[FieldError]:
    """A problem for each of the named ``days`` outside the dates the office keeps."""
    return [
        FieldError(name, date_code(day, name), problem)
        for name, day in days.items()
        if day is not None and (problem := date_problem(day)) is not None
    ]


def check_query(
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    today: datetime.date,
    grain: str,
    group_by: str | None,
    allowed: Sequence[str],
    tax_office: str | None = None,
    lang: str = "vi",
    as_of: datetime.date | None = None,
) -> ReportQuery:
    """A ``ReportQuery`` from raw parameters, or ``ReportParameterError`` naming every one that is wrong.

    ``end`` defaults to ``today``, ``start`` to 1 January of ``end``'s year; ``group_by`` is a comma list of
    names among ``allowed``.
    """
    end = end or today
    start = start or datetime.date(end.year, 1, 1)
    errors = date_errors({"from": start, "to": end, "as_of": as_of})
    if errors:
        raise ReportParameterError(errors)
    if start > end:
        errors.append(FieldError("from", "range.reversed", f"'from' {start} is after 'to' {end}."))
    elif end.year - start.year >= MAX_YEARS:
        errors.append(FieldError("to", "range.too_long", f"A report covers at most {MAX_YEARS} years."))
    if grain not in {g.value for g in Grain}:
        errors.append(FieldError("period", "period.unknown", f"Unknown period '{grain}': month, quarter or year."))
    names = tuple(name.strip() for name in (group_by or "").split(",") if name.strip())
    for name in names:
        if name not in allowed:
            choices = ", ".join(allowed) or "none"
            errors.append(FieldError("group_by", "group_by.unknown", f"Unknown grouping '{name}'; one of: {choices}."))
    if len(set(names)) != len(names):
        errors.append(FieldError("group_by", "group_by.repeated", "A grouping is named twice."))
    if lang not in {"vi", "en"}:
        errors.append(FieldError("lang", "lang.unknown", f"Unknown language '{lang}': vi or en."))
    if errors:
        raise ReportParameterError(errors)
    return ReportQuery(
        start=start,
        end=end,
        grain=Grain(grain),
        group_by=names,
        tax_office=tax_office or None,
        lang="en" if lang == "en" else "vi",
        as_of=as_of,
    )


def period_label(year: int, month: int, grain: Grain) -> str:
    """The label of the period holding ``year``-``month``: ``2026-10``, ``2026-Q4`` or ``2026``."""
    if grain is Grain.MONTH:
        return f"{year}-{month:02d}"
    if grain is Grain.QUARTER:
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return str(year)


def year_earlier(label: str) -> str:
    """The label of the same period a year earlier: ``2025-10`` for ``2026-10``."""
    return f"{int(label[:4]) - 1}{label[4:]}"


def months(start: datetime.date, end: datetime.date) -> Iterator[tuple[int, int]]:
    """Every (year, month) from ``start``'s month to ``end``'s, in order."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)  # noqa: PLR2004 - December


def period_labels(start: datetime.date, end: datetime.date, grain: Grain) -> list[str]:
    """The labels of the periods ``start`` … ``end`` touches, in order, each once."""
    labels: list[str] = []
    for year, month in months(start, end):
        label = period_label(year, month, grain)
        if not labels or labels[-1] != label:
            labels.append(label)
    return labels


def shift_year(day: datetime.date, years: int = -1) -> datetime.date:
    """``day`` moved by ``years`` (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
