"""What a report is, whatever its format: titled sections of typed columns and rows. Pure.

A report's figures are computed once into a ``Report``; the JSON, CSV and XLSX renderers only lay the same
values out, so the three formats agree by construction. Labels come in Vietnamese and English.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

Lang = Literal["vi", "en"]
# A cell: text, a count or đồng amount (int), a rate as a fraction (Decimal, 0.2534 is 25.34 %), a date, or
# nothing (a rate whose base is zero, a dimension left blank on a totals row).
Cell = str | int | Decimal | datetime.date | None


class Kind(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    COUNT = "count"
    MONEY = "money"  # integer đồng
    PERCENT = "percent"  # a Decimal fraction
    DATE = "date"


@dataclass(frozen=True)
class Column:
    """One column: its key (JSON, CSV header in English), labels and kind; ``total``: summed on the totals row."""

    key: str
    vi: str
    en: str
    kind: Kind = Kind.TEXT
    total: bool = False

    def label(self, lang: Lang) -> str:
        """The column's header in ``lang``."""
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True)
class Chart:
    """A native chart of a section: ``category`` column along the x axis, one series per ``series`` column."""

    kind: Literal["line", "bar"]
    category: str
    series: tuple[str, ...]
    vi: str
    en: str


@dataclass(frozen=True)
class Section:
    """One table of a report: a sheet in the workbook, a CSV file, a list in the JSON."""

    key: str
    vi: str
    en: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Cell, ...]]
    totals: tuple[Cell, ...] | None = None
    chart: Chart | None = None

    def title(self, lang: Lang) -> str:
        """The section's title in ``lang``."""
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True)
class Report:
    """A generated report: what was asked (``parameters``, as text), when and by whom, and its sections."""

    name: str
    vi: str
    en: str
    parameters: dict[str, str]
    generated_at: datetime.datetime
    generated_by: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def title(self, lang: Lang) -> str:
        """The report's title in ``lang``."""
        return self.vi if lang == "vi" else self.en

    def section(self, key: str | None) -> Section:
        """The section ``key`` (the first when None); KeyError when there is none by that key."""
        if key is None:
            return self.sections[0]
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


# Columns several reports share.
PERIOD = Column("period", "Kỳ", "Period")
TAX_OFFICE = Column("tax_office", "Cơ quan thuế", "Tax office")
TAX_TYPE = Column("tax_type", "Sắc thuế", "Tax type")


def total_label(lang: Lang) -> str:
    """The label of a totals row."""
    return "Tổng cộng" if lang == "vi" else "Total"


def totals_row(columns: Sequence[Column], rows: Sequence[tuple[Cell, ...]], label: str) -> tuple[Cell, ...]:
    """A totals row: ``label`` in the first column, sums of the ``total`` columns, blanks elsewhere."""
    cells: list[Cell] = []
    for index, column in enumerate(columns):
        if index == 0:
            cells.append(label)
        elif column.total:
            cells.append(sum(int(value) for row in rows if isinstance(value := row[index], int)))
        else:
            cells.append(None)
    return tuple(cells)


def rate(part: int, whole: int, *, places: int = 4) -> Decimal | None:
    """``part / whole`` as a Decimal fraction rounded half-up to ``places`` (None when ``whole`` is 0)."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def growth(current: int, previous: int) -> Decimal | None:
    """Growth of ``current`` over ``previous`` as a fraction (0.25 is +25 %); None when ``previous`` is 0."""
    return rate(current - previous, previous)
