"""The JSON and CSV renderings of a report: exact values, both languages, one section per CSV."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest

from taxoffice.reports.formats import iter_csv, render_csv, render_json
from taxoffice.reports.tables import Cell, Chart, Column, Kind, Report, Section, totals_row

HANOI = datetime.timezone(datetime.timedelta(hours=7))
BOM = b"\xef\xbb\xbf"
COLUMNS = (
    Column("month", "Tháng", "Month"),
    Column("office", "Cơ quan thuế", "Tax office"),
    Column("returns", "Số tờ khai", "Returns", Kind.COUNT, total=True),
    Column("collected", "Số đã thu (đồng)", "Collected (VND)", Kind.MONEY, total=True),
    Column("achieved", "Tỷ lệ đạt", "Achieved", Kind.PERCENT),
    Column("due_on", "Hạn nộp", "Due on", Kind.DATE),
)
ROWS: list[tuple[Cell, ...]] = [
    ("2026-01", "Chi cục Thuế khu vực Hoàn Kiếm", 120, 1_500_000_000, Decimal("0.2534"), datetime.date(2026, 2, 20)),
    ("2026-02", "Chi cục Thuế khu vực Đống Đa", 95, 987_654_321, Decimal("0.1000"), datetime.date(2026, 3, 20)),
    ("2026-03", "Văn phòng Cục", None, 0, None, None),
]
ARREARS_COLUMNS = (
    Column("tax_type", "Sắc thuế", "Tax type"),
    Column("debtors", "Số người nợ", "Debtors", Kind.COUNT),
    Column("owed", "Số nợ (đồng)", "Owed (VND)", Kind.MONEY),
)


def sample_report() -> Report:
    """Two sections: monthly collections (totals, a chart, blanks) and arrears (no totals, no chart)."""
    collections = Section(
        "collections",
        "Số thu theo tháng",
        "Collections by month",
        COLUMNS,
        ROWS,
        totals_row(COLUMNS, ROWS, "Tổng cộng"),
        Chart("line", "month", ("collected", "returns"), "Số thu theo tháng", "Collections by month"),
    )
    arrears = Section(
        "arrears",
        "Nợ thuế theo sắc thuế",
        "Arrears by tax type",
        ARREARS_COLUMNS,
        [("Giá trị gia tăng", 12, 3_400_000), ("Thu nhập doanh nghiệp", 3, 125_000_000_000)],
    )
    return Report(
        "collections_monthly",
        "Báo cáo số thu ngân sách",
        "Budget collections report",
        {"from_on": "2026-01-01", "to_on": "2026-03-31", "tax_office": "Hà Nội"},
        datetime.datetime(2026, 11, 27, 17, 30, 5, tzinfo=HANOI),
        "nguyễn.văn.an",
        (collections, arrears),
    )


def _json(report: Report) -> dict[str, object]:
    loaded = json.loads(render_json(report), parse_float=Decimal)
    assert isinstance(loaded, dict)
    return loaded


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- JSON ---------------------------------------------------------------------------------------------------------


def test_json_carries_the_report_and_its_parameters() -> None:
    document = _json(sample_report())

    assert document["report"] == "collections_monthly"
    assert document["title"] == {"vi": "Báo cáo số thu ngân sách", "en": "Budget collections report"}
    assert document["parameters"] == {"from_on": "2026-01-01", "to_on": "2026-03-31", "tax_office": "Hà Nội"}
    assert document["generated_at"] == "2026-11-27T10:30:05Z"  # 17:30:05 in Hanoi
    assert document["generated_by"] == "nguyễn.văn.an"


def test_json_rows_keep_exact_values_and_types() -> None:
    section = _json(sample_report())["sections"][0]  # type: ignore[index]

    assert section["key"] == "collections"
    assert section["title"] == {"vi": "Số thu theo tháng", "en": "Collections by month"}
    assert section["columns"][3] == {
        "key": "collected",
        "vi": "Số đã thu (đồng)",
        "en": "Collected (VND)",
        "kind": "money",
    }
    first, second, third = section["rows"]
    assert first == {
        "month": "2026-01",
        "office": "Chi cục Thuế khu vực Hoàn Kiếm",
        "returns": 120,
        "collected": 1_500_000_000,
        "achieved": Decimal("0.2534"),
        "due_on": "2026-02-20",
    }
    assert type(first["returns"]) is int
    assert type(first["collected"]) is int
    assert str(second["achieved"]) == "0.1000"  # the Decimal's own digits, trailing zeros too
    assert third == {
        "month": "2026-03",
        "office": "Văn phòng Cục",
        "returns": None,
        "collected": 0,
        "achieved": None,
        "due_on": None,
    }
    assert section["totals"] == {
        "month": "Tổng cộng",
        "office": None,
        "returns": 215,
        "collected": 2_487_654_321,
        "achieved": None,
        "due_on": None,
    }


def test_json_section_without_totals_has_null() -> None:
    arrears = _json(sample_report())["sections"][1]  # type: ignore[index]

    assert arrears["totals"] is None
    assert arrears["rows"][1] == {"tax_type": "Thu nhập doanh nghiệp", "debtors": 3, "owed": 125_000_000_000}


def test_json_takes_a_naive_generated_at_as_utc() -> None:
    report = sample_report()
    naive = Report(report.name, report.vi, report.en, {}, datetime.datetime(2026, 1, 2, 3, 4, 5), "a", ())  # noqa: DTZ001 -- naive on purpose

    assert _json(naive)["generated_at"] == "2026-01-02T03:04:05Z"
    assert _json(naive)["sections"] == []


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_vietnamese_headers() -> None:
    data = render_csv(sample_report(), None, "vi")

    assert data.startswith(BOM)
    assert not data[len(BOM) :].startswith(BOM)
    assert _csv(data)[0] == ["Tháng", "Cơ quan thuế", "Số tờ khai", "Số đã thu (đồng)", "Tỷ lệ đạt", "Hạn nộp"]


def test_csv_headers_in_english() -> None:
    rows = _csv(render_csv(sample_report(), None, "en"))

    assert rows[0] == ["Month", "Tax office", "Returns", "Collected (VND)", "Achieved", "Due on"]


def test_csv_values_are_plain_and_blanks_empty() -> None:
    rows = _csv(render_csv(sample_report(), "collections", "vi"))

    assert rows[1] == ["2026-01", "Chi cục Thuế khu vực Hoàn Kiếm", "120", "1500000000", "0.2534", "2026-02-20"]
    assert rows[2] == ["2026-02", "Chi cục Thuế khu vực Đống Đa", "95", "987654321", "0.1000", "2026-03-20"]
    assert rows[3] == ["2026-03", "Văn phòng Cục", "", "0", "", ""]
    assert rows[4] == ["Tổng cộng", "", "215", "2487654321", "", ""]
    assert len(rows) == 5


def test_csv_of_another_section_and_of_an_unknown_one() -> None:
    rows = _csv(render_csv(sample_report(), "arrears", "en"))

    assert rows == [
        ["Tax type", "Debtors", "Owed (VND)"],
        ["Giá trị gia tăng", "12", "3400000"],
        ["Thu nhập doanh nghiệp", "3", "125000000000"],
    ]
    with pytest.raises(KeyError):
        render_csv(sample_report(), "nope", "vi")


def test_csv_unknown_section_fails_before_streaming() -> None:
    with pytest.raises(KeyError):
        iter_csv(sample_report(), "nope", "vi")


def test_csv_streams_in_chunks_that_add_up() -> None:
    report = sample_report()
    chunks = list(iter_csv(report, None, "vi", chunk_rows=1))

    assert len(chunks) == 4  # the header with the first row, one per row after it, then the totals
    assert b"".join(chunks) == render_csv(report, None, "vi")
    assert sum(chunk.count(BOM) for chunk in chunks) == 1


def test_csv_writes_small_rates_without_an_exponent() -> None:
    columns = (Column("office", "Cơ quan", "Office"), Column("rate", "Tỷ lệ", "Rate", Kind.PERCENT))
    section = Section("s", "S", "S", columns, [("A", Decimal("1E-7")), ("B", Decimal("-0.0500"))])
    report = Report("r", "R", "R", {}, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), "a", (section,))

    assert _csv(render_csv(report, None, "en"))[1:] == [["A", "0.0000001"], ["B", "-0.0500"]]
