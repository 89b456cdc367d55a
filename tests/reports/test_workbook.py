"""The report workbook, read back as Excel would: cover, formatted data sheets, filters, panes, native charts."""

import csv
import datetime
import io
import json
import posixpath
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import Element

import openpyxl
import pytest
from defusedxml import ElementTree
from openpyxl.worksheet.worksheet import Worksheet

from taxoffice.reports.formats import render_csv, render_json
from taxoffice.reports.tables import Cell, Chart, Column, Kind, Report, Section, totals_row
from taxoffice.reports.workbook import render_xlsx, write_xlsx
from taxoffice.reports.workbook_sheet import CHART_MAX_ROWS
from taxoffice.reports.workbook_styles import sheet_names
from tests.reports.test_formats import sample_report

CHART_NS = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
COLLECTIONS = "Số thu theo tháng"


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _sheet(workbook: openpyxl.Workbook, name: str) -> Worksheet:
    sheet = workbook[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def _values(sheet: Worksheet, row: int) -> list[object]:
    return [cell.value for cell in sheet[row]]


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The relationships of ``part``: id to the target part's path in the archive."""
    folder, name = posixpath.split(part)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in archive.namelist():
        return {}
    found = {}
    for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{REL_NS}Relationship"):
        target = rel.attrib["Target"]
        found[rel.attrib["Id"]] = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return found


def _chart_of(data: bytes, sheet_name: str) -> Element | None:
    """The chart drawn on ``sheet_name``, followed from the workbook through the sheet's drawing; None if none."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheet_ids = {s.attrib["name"]: s.attrib[R_ID] for s in workbook.iter(f"{MAIN_NS}sheet")}
        sheet_part = _rels(archive, "xl/workbook.xml")[sheet_ids[sheet_name]]
        drawing = ElementTree.fromstring(archive.read(sheet_part)).find(f"{MAIN_NS}drawing")
        if drawing is None:
            return None
        drawing_part = _rels(archive, sheet_part)[drawing.attrib[R_ID]]
        (chart_part,) = _rels(archive, drawing_part).values()
        assert chart_part.startswith("xl/charts/chart")
        chart: Element = ElementTree.fromstring(archive.read(chart_part))
        return chart


def _series_refs(chart: Element) -> list[tuple[str, str, str]]:
    """Each series' (title, categories, values) references."""
    found = []
    for series in chart.iter(f"{CHART_NS}ser"):
        title, categories, values = (series.find(f"{CHART_NS}{tag}//{CHART_NS}f") for tag in ("tx", "cat", "val"))
        assert title is not None
        assert categories is not None
        assert values is not None
        found.append((str(title.text), str(categories.text), str(values.text)))
    return found


def _report_of(*sections: Section) -> Report:
    return Report(
        "r", "Báo cáo thử", "Test report", {}, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), "a", sections
    )


# --- the cover ----------------------------------------------------------------------------------------------------


def test_sheets_are_the_cover_then_one_per_section() -> None:
    assert _load(render_xlsx(sample_report(), "vi")).sheetnames == ["Báo cáo", COLLECTIONS, "Nợ thuế theo sắc thuế"]
    assert _load(render_xlsx(sample_report(), "en")).sheetnames == [
        "Report",
        "Collections by month",
        "Arrears by tax type",
    ]


def test_cover_in_vietnamese() -> None:
    cover = _sheet(_load(render_xlsx(sample_report())), "Báo cáo")

    assert cover["A1"].value == "Báo cáo số thu ngân sách"
    assert cover["A1"].font.b
    assert _values(cover, 3) == ["Tham số", "Giá trị"]
    assert _values(cover, 4) == ["from_on", "2026-01-01"]
    assert _values(cover, 5) == ["to_on", "2026-03-31"]
    assert _values(cover, 6) == ["tax_office", "Hà Nội"]
    assert _values(cover, 8) == ["Lập lúc", datetime.datetime(2026, 11, 27, 17, 30, 5)]  # noqa: DTZ001 -- Excel cells have no zone
    assert cover["B8"].number_format == 'dd/mm/yyyy hh:mm:ss "(GMT+7)"'
    assert _values(cover, 9) == ["Người lập", "nguyễn.văn.an"]


def test_cover_in_english_shows_hanoi_time_of_a_utc_instant() -> None:
    report = sample_report()
    utc = Report(
        report.name, report.vi, report.en, {}, datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC), "b"
    )
    cover = _sheet(_load(render_xlsx(utc, "en")), "Report")

    assert cover["A1"].value == "Budget collections report"
    assert _values(cover, 3) == ["Parameter", "Value"]
    assert _values(cover, 5) == ["Generated at", datetime.datetime(2027, 1, 1, 3, 0)]  # noqa: DTZ001 -- Excel cells have no zone
    assert _values(cover, 6) == ["Generated by", "b"]


# --- data sheets --------------------------------------------------------------------------------------------------


def test_data_sheet_has_title_header_rows_and_totals() -> None:
    sheet = _sheet(_load(render_xlsx(sample_report())), COLLECTIONS)

    assert sheet["A1"].value == COLLECTIONS
    assert _values(sheet, 2) == ["Tháng", "Cơ quan thuế", "Số tờ khai", "Số đã thu (đồng)", "Tỷ lệ đạt", "Hạn nộp"]
    assert all(cell.font.b and cell.alignment.wrap_text and cell.fill.fill_type == "solid" for cell in sheet[2])
    assert _values(sheet, 3) == [
        "2026-01",
        "Chi cục Thuế khu vực Hoàn Kiếm",
        120,
        1_500_000_000,
        0.2534,
        datetime.datetime(2026, 2, 20),  # noqa: DTZ001 -- an Excel date reads back as a naive datetime
    ]
    assert _values(sheet, 5) == ["2026-03", "Văn phòng Cục", None, 0, None, None]
    assert _values(sheet, 6) == ["Tổng cộng", None, 215, 2_487_654_321, None, None]
    assert all(cell.font.b and cell.border.top.style == "medium" for cell in sheet[6])
    assert sheet.max_row == 6


def test_data_sheet_number_formats() -> None:
    sheet = _sheet(_load(render_xlsx(sample_report())), COLLECTIONS)

    assert [sheet.cell(3, column).number_format for column in range(3, 7)] == [
        "#,##0",
        "#,##0",
        "0.00%",
        "dd/mm/yyyy",
    ]
    assert sheet["D6"].number_format == "#,##0"  # the total amount too
    assert sheet["A3"].number_format == "General"


def test_data_sheet_freezes_the_header_and_filters_the_data() -> None:
    workbook = _load(render_xlsx(sample_report()))
    collections = _sheet(workbook, COLLECTIONS)
    arrears = _sheet(workbook, "Nợ thuế theo sắc thuế")

    assert collections.freeze_panes == "A3"
    assert collections.auto_filter.ref == "A2:F5"  # header and data, not the totals row
    assert arrears.freeze_panes == "A3"
    assert arrears.auto_filter.ref == "A2:C4"


def test_data_sheet_prints_its_header_on_every_page_one_page_wide() -> None:
    sheet = _sheet(_load(render_xlsx(sample_report())), COLLECTIONS)

    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_column_widths_fit_kind_and_labels() -> None:
    sheet = _sheet(_load(render_xlsx(sample_report())), COLLECTIONS)
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}

    assert widths["B"] >= len("Chi cục Thuế khu vực Hoàn Kiếm")
    assert widths["D"] >= len("1,500,000,000")
    assert widths["F"] >= len("20/02/2026")
    assert all(width <= 52 for width in widths.values())


def test_an_empty_section_still_has_its_header_and_filter() -> None:
    section = Section("empty", "Trống", "Empty", (Column("a", "Cột A", "A"),), [], None, Chart("bar", "a", (), "", ""))
    data = render_xlsx(_report_of(section))
    sheet = _sheet(_load(data), "Trống")

    assert _values(sheet, 2) == ["Cột A"]
    assert sheet.auto_filter.ref == "A2:A3"
    assert _chart_of(data, "Trống") is None  # nothing to draw


def test_sheet_names_are_valid_short_and_distinct() -> None:
    names = sheet_names(
        [
            "Số thu: [tháng] / quý?",
            "Một tiêu đề rất dài vượt quá giới hạn ba mươi mốt ký tự",
            "Một tiêu đề rất dài vượt quá giới hạn ba mươi mốt ký tự",
            "báo cáo",
            "*?",
            "History",
        ],
        taken=["Báo cáo"],
    )

    assert names == [
        "Số thu tháng quý",
        "Một tiêu đề rất dài vượt quá gi",
        "Một tiêu đề rất dài vượt qu (2)",
        "báo cáo (2)",
        "Sheet 5",
        "History (2)",
    ]
    assert all(len(name) <= 31 for name in names)


def test_duplicate_section_titles_get_distinct_sheets() -> None:
    columns = (Column("a", "A", "A"),)
    first, second = Section("x", "Nợ", "Debt", columns, [("1",)]), Section("y", "nợ", "debt", columns, [("2",)])
    workbook = _load(render_xlsx(_report_of(first, second)))

    assert workbook.sheetnames == ["Báo cáo", "Nợ", "nợ (2)"]
    assert _sheet(workbook, "nợ (2)")["A3"].value == "2"


# --- charts -------------------------------------------------------------------------------------------------------


def test_a_line_chart_names_its_series_and_categories() -> None:
    data = render_xlsx(sample_report())
    chart = _chart_of(data, COLLECTIONS)

    assert chart is not None
    assert chart.find(f".//{CHART_NS}lineChart") is not None
    assert "Số thu theo tháng" in "".join(chart.itertext())  # the chart's title
    sheet = f"'{COLLECTIONS}'"
    assert _series_refs(chart) == [
        (f"{sheet}!D2", f"{sheet}!$A$3:$A$5", f"{sheet}!$D$3:$D$5"),
        (f"{sheet}!C2", f"{sheet}!$A$3:$A$5", f"{sheet}!$C$3:$C$5"),
    ]
    assert chart.find(f".//{CHART_NS}cat/{CHART_NS}strRef") is not None  # month labels are text
    assert {smooth.get("val") for smooth in chart.iter(f"{CHART_NS}smooth")} == {"0"}
    assert _chart_of(data, "Nợ thuế theo sắc thuế") is None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "xl/charts/chart1.xml" in archive.namelist()
        assert not any(name.startswith("xl/charts/chart2") for name in archive.namelist())


def test_a_bar_chart_in_english() -> None:
    columns = (Column("office", "Cơ quan", "Office"), Column("owed", "Số nợ", "Owed", Kind.MONEY))
    chart_spec = Chart("bar", "office", ("owed",), "Nợ theo cơ quan", "Arrears by office")
    section = Section("s", "Nợ", "Arrears", columns, [("A", 1), ("B", 2)], None, chart_spec)
    chart = _chart_of(render_xlsx(_report_of(section), "en"), "Arrears")

    assert chart is not None
    assert chart.find(f".//{CHART_NS}barChart") is not None
    assert "Arrears by office" in "".join(chart.itertext())
    assert _series_refs(chart) == [("'Arrears'!B2", "'Arrears'!$A$3:$A$4", "'Arrears'!$B$3:$B$4")]


def test_a_large_section_is_charted_over_its_first_rows_only() -> None:
    columns = (Column("day", "Ngày", "Day", Kind.DATE), Column("paid", "Đã nộp", "Paid", Kind.MONEY, total=True))
    start = datetime.date(2026, 1, 1)
    rows: list[tuple[Cell, ...]] = [(start + datetime.timedelta(days=n), n * 1000) for n in range(1500)]
    section = Section(
        "d",
        "Theo ngày",
        "Daily",
        columns,
        rows,
        totals_row(columns, rows, "Tổng"),
        Chart("line", "day", ("paid",), "", ""),
    )
    data = render_xlsx(_report_of(section))
    chart = _chart_of(data, "Theo ngày")

    assert chart is not None
    last = 2 + CHART_MAX_ROWS
    assert _series_refs(chart) == [("'Theo ngày'!B2", f"'Theo ngày'!$A$3:$A${last}", f"'Theo ngày'!$B$3:$B${last}")]
    sheet = _sheet(_load(data), "Theo ngày")
    assert sheet.max_row == 2 + 1500 + 1  # every row is in the table
    assert sheet["B1503"].value == sum(n * 1000 for n in range(1500))


def test_write_xlsx_to_a_file(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    with path.open("wb") as stream:
        write_xlsx(sample_report(), "en", stream)

    assert openpyxl.load_workbook(path).sheetnames == ["Report", "Collections by month", "Arrears by tax type"]


# --- the three formats agree --------------------------------------------------------------------------------------


def _from_json(value: object, kind: str) -> object:
    if value is not None and kind == "date":
        return datetime.date.fromisoformat(str(value))
    return value


def _from_csv(value: str, kind: str) -> object:
    if value == "":
        return None
    converters: dict[str, Callable[[str], object]] = {
        "count": int,
        "money": int,
        "percent": Decimal,
        "date": datetime.date.fromisoformat,
    }
    return converters.get(kind, str)(value)


def _from_xlsx(value: object) -> object:
    if isinstance(value, float):
        return Decimal(str(value))  # Excel keeps a rate as a double: 0.2534 comes back as 0.2534
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


@pytest.mark.parametrize("key", ["collections", "arrears"])
def test_the_three_formats_carry_the_same_numbers(key: str) -> None:
    report = sample_report()
    index = [section.key for section in report.sections].index(key)
    section = report.sections[index]
    kinds = [column.kind.value for column in section.columns]
    expected = [list(row) for row in section.rows] + ([list(section.totals)] if section.totals else [])

    from_json = json.loads(render_json(report), parse_float=Decimal)["sections"][index]
    json_rows = [*from_json["rows"], *([from_json["totals"]] if from_json["totals"] else [])]
    keys = [column.key for column in section.columns]
    assert [[_from_json(row[k], kind) for k, kind in zip(keys, kinds, strict=True)] for row in json_rows] == expected

    csv_rows = list(csv.reader(io.StringIO(render_csv(report, key, "vi").decode("utf-8-sig"), newline="")))[1:]
    assert [[_from_csv(v, kind) for v, kind in zip(row, kinds, strict=True)] for row in csv_rows] == expected

    sheet = _sheet(_load(render_xlsx(report)), report.sections[index].vi)
    xlsx_rows = [[_from_xlsx(cell) for cell in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert xlsx_rows == expected
