"""The manager's dashboard as the template shows it: the period asked, and report cells written as text.

Nothing here computes a figure: values are picked from the reports' sections (by column key) and written out
(đồng, counts, rates, periods, ageing buckets) in the visitor's language.
"""

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from taxoffice.errors import FieldError
from taxoffice.portal import formatting
from taxoffice.reports.charts import DASH, Lang, percent, short_count
from taxoffice.reports.errors import ReportParameterError
from taxoffice.reports.params import Grain, period_labels
from taxoffice.reports.tables import Cell, Column, Kind, Section

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BUCKETS = {
    "1-30": (f"1{DASH}30 ngày", f"1{DASH}30 days"),
    "31-60": (f"31{DASH}60 ngày", f"31{DASH}60 days"),
    "61-90": (f"61{DASH}90 ngày", f"61{DASH}90 days"),
    "91-120": (f"91{DASH}120 ngày", f"91{DASH}120 days"),
    "121-365": (f"121{DASH}365 ngày", f"121{DASH}365 days"),
    "over-365": ("Trên 365 ngày", "Over 365 days"),
}


@dataclass(frozen=True)
class Period:
    """The dashboard's span: 1 January of ``year`` to the end of ``month`` (or today, when that is earlier)."""

    year: int
    month: int
    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> list[str]:
        """The labels of the months the period spans: ``2026-01`` … ."""
        return period_labels(self.start, self.end, Grain.MONTH)

    def query_string(self) -> str:
        """The period as the dashboard's query string."""
        return f"year={self.year}&month={self.month}"


def asked(year: int | None, month: int | None, today: datetime.date) -> tuple[int, int]:
    """The year and month asked for: this year and month by default, December of an earlier year."""
    year = year or today.year
    return year, month or (today.month if year == today.year else 12)


def period_of(year: int | None, month: int | None, today: datetime.date) -> Period:
    """The period asked for (default: this year to today); ``ReportParameterError`` for one not begun yet."""
    year, month = asked(year, month, today)
    first = datetime.date(year, month, 1)
    if first > today:
        message = f"{month:02d}/{year} has not begun yet. / Tháng {month:02d}/{year} chưa bắt đầu."
        raise ReportParameterError([FieldError("month", "period.future", message)])
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return Period(year, month, datetime.date(year, 1, 1), min(last, today))


@dataclass(frozen=True)
class Text:
    """One table cell as shown: its text, and whether it is a figure (right-aligned)."""

    text: str
    num: bool = False


@dataclass(frozen=True)
class Table:
    """A table beside a chart: its caption, headers and rows of cells, a totals row if the report has one."""

    caption: str
    headers: list[Text]
    rows: list[list[Text]]
    totals: list[Text] | None = None


@dataclass(frozen=True)
class Headline:
    """A figure shown large: what it is, its value, and a note under it."""

    label: str
    value: str
    note: str = ""


@dataclass
class Panel:
    """One part of the dashboard: its figures, a chart (inline SVG), the table of its data, its workbook."""

    key: str
    title: str
    headlines: list[Headline] = field(default_factory=list)
    svg: str = ""
    caption: str = ""
    tables: list[Table] = field(default_factory=list)
    workbook: str = ""
    notice: str = ""


def month_short(label: str, lang: Lang) -> str:
    """A month's period label short enough for an axis: ``2026-03`` → ``T3`` / ``Mar``."""
    month = int(label[5:7])
    return MONTHS_EN[month - 1] if lang == "en" else f"T{month}"


def bucket_label(value: str, lang: Lang) -> str:
    """An ageing bucket as words: ``91-120`` → 91 to 120 ``ngày`` / ``days``."""
    vi, en = BUCKETS.get(value, (value, value))
    return en if lang == "en" else vi


def cell_text(value: Cell, column: Column, lang: Lang) -> Text:  # noqa: PLR0911 - one way to write each kind of cell
    """A report cell as the page writes it, by its column's kind."""
    if value is None:
        return Text(DASH, num=column.kind is not Kind.TEXT)
    if column.kind is Kind.MONEY and isinstance(value, int):
        return Text(formatting.money(value), num=True)
    if column.kind is Kind.COUNT and isinstance(value, int):
        return Text(short_count(value, lang), num=True)
    if column.kind is Kind.PERCENT and isinstance(value, Decimal | int):
        return Text(percent(Decimal(value), lang), num=True)
    if column.key == "period":
        return Text(formatting.period(str(value), lang))
    if column.key == "bucket":
        return Text(bucket_label(str(value), lang))
    if isinstance(value, datetime.date):
        return Text(formatting.day(value))
    return Text(str(value))


def column_of(section: Section, key: str) -> list[Cell]:
    """The values of column ``key``, row by row."""
    index = _index(section, key)
    return [row[index] for row in section.rows]


def total_of(section: Section, key: str) -> Cell:
    """The totals row's value of column ``key`` (None when the section has no totals)."""
    return None if section.totals is None else section.totals[_index(section, key)]


def last_of(section: Section, key: str) -> Cell:
    """The last row's value of column ``key`` (None when there are no rows)."""
    return section.rows[-1][_index(section, key)] if section.rows else None


def _index(section: Section, key: str) -> int:
    return [column.key for column in section.columns].index(key)


def table_of(section: Section, keys: Sequence[str], lang: Lang) -> Table:
    """Columns ``keys`` of ``section`` as a table, labelled in ``lang``, with its totals row."""
    columns = {column.key: column for column in section.columns}
    chosen = [columns[key] for key in keys]
    indexes = [_index(section, key) for key in keys]

    def line(row: tuple[Cell, ...]) -> list[Text]:
        return [cell_text(row[i], column, lang) for i, column in zip(indexes, chosen, strict=True)]

    totals = None
    if section.totals is not None:
        totals = line(section.totals)
        totals[0] = Text(str(section.totals[indexes[0]] or ""))
    return Table(
        caption=section.title(lang),
        headers=[Text(column.label(lang), num=column.kind is not Kind.TEXT) for column in chosen],
        rows=[line(row) for row in section.rows],
        totals=totals,
    )


def figures(values: Sequence[Cell]) -> list[int | Decimal | None]:
    """Cells as the figures a chart draws (anything not a number is nothing to draw)."""
    return [value if isinstance(value, int | Decimal) else None for value in values]


def by_period(section: Section, key: str, labels: Sequence[str]) -> list[int | Decimal | None]:
    """Column ``key`` for each period of ``labels`` (None for a period the report has no row for)."""
    values = dict(zip(column_of(section, "period"), column_of(section, key), strict=True))
    return figures([values.get(label) for label in labels])


def money_text(value: Cell) -> str:
    """A money cell in full (``1.234.567 ₫``), or a dash."""
    return formatting.money(value) if isinstance(value, int) else DASH


def count_text(value: Cell, lang: Lang) -> str:
    """A count cell, or a dash."""
    return short_count(value, lang) if isinstance(value, int) else DASH


def rate_text(value: Cell, lang: Lang) -> str:
    """A rate cell as a percentage, or a dash when it has no base."""
    return percent(value, lang) if isinstance(value, Decimal) else DASH
