"""The workbook's look: named cell styles, number formats, sheet names and column widths. Pure.

Styles are registered once per workbook as named styles (they show in Excel's Cell Styles list) and cells refer to
them by name, so 100,000 rows share a handful of style records instead of building one each.
"""

import datetime
import math
import re
from collections.abc import Iterable, Sequence
from typing import Protocol, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.chart._chart import ChartBase
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.properties import PageSetupProperties, WorksheetProperties

from taxoffice.reports.tables import Cell, Column, Kind, Lang
from taxoffice.spreadsheet import DATE_FORMAT, MONEY_FORMAT, inert

COUNT_FORMAT = MONEY_FORMAT
PERCENT_FORMAT = "0.00%"
FORMATS = {Kind.COUNT: COUNT_FORMAT, Kind.MONEY: MONEY_FORMAT, Kind.PERCENT: PERCENT_FORMAT, Kind.DATE: DATE_FORMAT}
# Shown on the cover: a local time, with its offset written out (Excel cells have no time zone).
GENERATED_AT_FORMAT = 'dd/mm/yyyy hh:mm:ss "(GMT+7)"'

TITLE = "Report title"
HEADER = "Report header"
LABEL = "Report label"
TEXT = "Report text"
GENERATED_AT = "Report generated at"
DATA = {kind: f"Report {kind.value}" for kind in FORMATS}
TOTAL = {kind: f"Report total {kind.value}" for kind in Kind}

HEADER_FILL = "DDEBF7"  # a light blue, readable in print and in grey
HEADER_ROW_HEIGHT = 15.0  # points per line of a wrapped header
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel refuses a sheet named "History" (it keeps the name for change tracking).
_RESERVED_SHEET_NAMES = frozenset({"history"})

WIDTH_MIN = {Kind.TEXT: 8, Kind.COUNT: 8, Kind.MONEY: 14, Kind.PERCENT: 9, Kind.DATE: 11}
WIDTH_MAX = 50
HEADER_WIDTH_MAX = 24  # a longer header wraps rather than widens its column
WIDTH_SAMPLE_ROWS = 200  # widths are estimated from the first rows, never by measuring all of them


def register_styles(workbook: Workbook) -> None:
    """Adds the report's named styles to ``workbook`` (once, before any cell uses them)."""
    for style in _named_styles():
        workbook.add_named_style(style)


def _named_styles() -> Iterable[NamedStyle]:
    thin = Side(style="thin", color="808080")
    yield NamedStyle(name=TITLE, font=Font(bold=True, size=14))
    yield NamedStyle(
        name=HEADER,
        font=Font(bold=True),
        fill=PatternFill(fill_type="solid", start_color=HEADER_FILL, end_color=HEADER_FILL),
        border=Border(top=thin, bottom=thin, left=thin, right=thin),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    yield NamedStyle(name=LABEL, font=Font(bold=True), alignment=Alignment(vertical="top"))
    yield NamedStyle(name=TEXT, alignment=Alignment(vertical="top", wrap_text=True))
    yield NamedStyle(name=GENERATED_AT, number_format=GENERATED_AT_FORMAT, alignment=Alignment(horizontal="left"))
    for kind, number_format in FORMATS.items():
        yield NamedStyle(name=DATA[kind], number_format=number_format)
    top = Border(top=Side(style="medium"))
    for kind in Kind:
        yield NamedStyle(name=TOTAL[kind], font=Font(bold=True), border=top, number_format=FORMATS.get(kind, "General"))


class SheetLayout(Protocol):
    """What a write-only sheet has besides what types-openpyxl declares.

    Its ``_setup`` copies these from Worksheet; the stubs lack them, or type ``add_chart`` for Worksheet only.
    """

    column_dimensions: DimensionHolder[str, ColumnDimension]
    row_dimensions: DimensionHolder[int, RowDimension]
    auto_filter: AutoFilter
    page_setup: PrintPageSetup
    sheet_properties: WorksheetProperties

    def add_chart(self, chart: ChartBase, anchor: str | None = None) -> None:
        """Anchors ``chart`` at the cell ``anchor``."""


def layout(sheet: WriteOnlyWorksheet) -> SheetLayout:
    """``sheet``'s widths, heights, filter, page setup and charts (widths, heights, page setup before the first row)."""
    return cast("SheetLayout", sheet)


def fit_to_page_width(sheet: WriteOnlyWorksheet, *, landscape: bool) -> None:
    """Prints ``sheet`` one page wide (as many pages down as needed)."""
    sheet_layout = layout(sheet)
    sheet_layout.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet_layout.page_setup.fitToWidth = 1
    sheet_layout.page_setup.fitToHeight = 0
    sheet_layout.page_setup.orientation = "landscape" if landscape else "portrait"


def styled_cell(sheet: WriteOnlyWorksheet, value: Cell | datetime.datetime, style: str) -> XlCell:
    """A cell for ``sheet`` in the named ``style``."""
    cell = WriteOnlyCell(sheet)
    cell.style = style
    cell.value = inert(value)
    return cell


def sheet_names(titles: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """Valid, distinct sheet names for ``titles``: forbidden characters dropped, cut to 31, numbered when repeated.

    Excel compares sheet names without case; ``taken`` are names already used (the cover's).
    """
    used = {name.casefold() for name in taken} | _RESERVED_SHEET_NAMES
    names: list[str] = []
    for number, title in enumerate(titles, start=1):
        base = " ".join(_SHEET_NAME_FORBIDDEN.sub("", title).split()).strip("'").strip()[:SHEET_NAME_MAX].rstrip()
        base = base or f"Sheet {number}"
        name, copy = base, 1
        while name.casefold() in used:
            copy += 1
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def column_widths(columns: Sequence[Column], rows: Sequence[tuple[Cell, ...]], lang: Lang) -> list[float]:
    """Widths (in characters) from each column's kind, its header and the first rows' values."""
    sample = rows[:WIDTH_SAMPLE_ROWS]
    widths: list[float] = []
    for index, column in enumerate(columns):
        label = column.label(lang)
        longest_word = max((len(word) for word in label.split()), default=0)
        need = max(WIDTH_MIN[column.kind], min(len(label), HEADER_WIDTH_MAX), longest_word)
        for row in sample:
            need = max(need, _shown_length(row[index], column.kind))
        widths.append(min(need, WIDTH_MAX) + 2)
    return widths


def header_height(columns: Sequence[Column], widths: Sequence[float], lang: Lang) -> float:
    """The header row's height for its labels wrapped in their columns (Excel does not grow it by itself)."""
    lines = max(
        (math.ceil(len(column.label(lang)) / max(width - 2, 1)) for column, width in zip(columns, widths, strict=True)),
        default=1,
    )
    return HEADER_ROW_HEIGHT * max(lines, 1)


def _shown_length(value: Cell, kind: Kind) -> int:
    """About how many characters ``value`` takes once formatted."""
    if value is None:
        return 0
    if kind in {Kind.COUNT, Kind.MONEY} and isinstance(value, int):
        return len(f"{value:,}")
    if kind is Kind.PERCENT:
        return 8  # -100.00%
    if kind is Kind.DATE:
        return 10
    return len(str(value))
