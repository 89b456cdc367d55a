"""One section as a data sheet of a write-only workbook: title, header, rows, totals, filter, frozen panes, chart.

A write-only sheet streams its rows to a temporary file as they are appended, so its settings that come before the
rows in the file (column widths, row heights, frozen panes) are set before the first row; the auto filter and the
chart come after the rows in the file and may be set last.
"""

from openpyxl.cell.cell import Cell as XlCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from taxoffice.reports import workbook_styles as styles
from taxoffice.reports.tables import Cell, Chart, Kind, Lang, Section
from taxoffice.spreadsheet import inert_row

HEADER_ROW = 2  # below the title row
FIRST_DATA_ROW = 3
EXCEL_MAX_ROWS = 1_048_576
# A chart of 100,000 points is unreadable and slow to open: a chart shows the section's first 1,000 rows at most
# (the table itself keeps every row).
CHART_MAX_ROWS = 1_000
CHART_WIDTH_CM = 24
CHART_HEIGHT_CM = 12


def write_section(sheet: WriteOnlyWorksheet, section: Section, lang: Lang) -> None:
    """Fills the empty write-only ``sheet`` with ``section``."""
    columns = section.columns
    if FIRST_DATA_ROW + len(section.rows) > EXCEL_MAX_ROWS:
        raise ValueError(f"section {section.key!r} has more rows than an Excel sheet holds")
    layout = styles.layout(sheet)
    widths = styles.column_widths(columns, section.rows, lang)
    for number, width in enumerate(widths, start=1):
        layout.column_dimensions[get_column_letter(number)].width = width
    layout.row_dimensions[HEADER_ROW].height = styles.header_height(columns, widths, lang)
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"  # the header again on every printed page
    styles.fit_to_page_width(sheet, landscape=True)

    sheet.append([styles.styled_cell(sheet, section.title(lang), styles.TITLE)])
    sheet.append([styles.styled_cell(sheet, column.label(lang), styles.HEADER) for column in columns])
    _append_rows(sheet, section)
    last_data_row = HEADER_ROW + len(section.rows)
    if section.totals is not None:
        sheet.append(
            [
                styles.styled_cell(sheet, value, styles.TOTAL[column.kind])
                for column, value in zip(columns, section.totals, strict=True)
            ]
        )
    last_column = get_column_letter(len(columns))
    layout.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(last_data_row, FIRST_DATA_ROW)}"
    if section.chart is not None and section.rows:
        _add_chart(sheet, section, section.chart, lang)


def _append_rows(sheet: WriteOnlyWorksheet, section: Section) -> None:
    """Appends the data rows: text as plain values made inert, numbers and dates through one styled cell per column.

    ``append`` writes a row out before it returns, so each formatted column reuses a single styled cell for all
    its rows (its value replaced row by row) instead of building 100,000 cells that all carry the same style.
    """
    formatted: list[tuple[int, XlCell]] = []
    for index, column in enumerate(section.columns):
        if column.kind is not Kind.TEXT:
            formatted.append((index, styles.styled_cell(sheet, None, styles.DATA[column.kind])))
    if not formatted:
        for row in section.rows:
            sheet.append(inert_row(row))
        return
    for row in section.rows:
        values: list[Cell | XlCell] = inert_row(row)
        for index, cell in formatted:
            value = row[index]
            if value is not None:
                cell.value = value
                values[index] = cell
        sheet.append(values)


def _add_chart(sheet: WriteOnlyWorksheet, section: Section, spec: Chart, lang: Lang) -> None:
    """A native line or bar chart right of the table, over the first ``CHART_MAX_ROWS`` rows."""
    position = {column.key: number for number, column in enumerate(section.columns, start=1)}
    missing = [key for key in (spec.category, *spec.series) if key not in position]
    if missing:
        raise KeyError(f"chart of section {section.key!r} names no such column: {', '.join(missing)}")
    last_row = HEADER_ROW + min(len(section.rows), CHART_MAX_ROWS)
    chart = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.vi if lang == "vi" else spec.en
    chart.width = CHART_WIDTH_CM
    chart.height = CHART_HEIGHT_CM
    for key in spec.series:
        # From the header row: the series takes its name from the header cell.
        values = Reference(sheet, min_col=position[key], min_row=HEADER_ROW, max_row=last_row)
        chart.add_data(values, titles_from_data=True)
    if spec.kind == "line":
        for series in chart.series:
            series.smooth = False  # straight lines between points: a smoothed curve invents values between them
    categories = Reference(sheet, min_col=position[spec.category], min_row=FIRST_DATA_ROW, max_row=last_row)
    category_kind = _kind_of(section, spec.category)
    if category_kind is Kind.TEXT:
        # openpyxl's set_categories refers to the labels as numbers (numRef); text labels are a strRef.
        for series in chart.series:
            series.cat = AxDataSource(strRef=StrRef(f=str(categories)))
    else:
        chart.set_categories(categories)
        chart.x_axis.number_format = styles.FORMATS[category_kind]
    first_kind = _kind_of(section, spec.series[0]) if spec.series else Kind.TEXT
    chart.y_axis.number_format = styles.FORMATS.get(first_kind, "General")
    # openpyxl 3.1 omits the axes' "delete" flag unless it is set, and Excel then draws the chart without axes.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    styles.layout(sheet).add_chart(chart, f"{get_column_letter(len(section.columns) + 2)}{HEADER_ROW}")


def _kind_of(section: Section, key: str) -> Kind:
    return next(column.kind for column in section.columns if column.key == key)
