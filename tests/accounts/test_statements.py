"""Reading bank statements: formats, columns and every per-row reason."""

import datetime
import io

import pytest

from taxoffice.accounts.bank_statements import RowProblem, StatementRow, read_statement
from tests.accounts.statement_reading import (
    BRANCH,
    CODE,
    GOOD,
    PERSONAL_ID,
    REQUIRED_HEADER,
    one,
    problem,
    read,
    read_rows,
)
from tests.support.statements import (
    PAID_ON,
    TODAY,
    Trickle,
    csv_bytes,
    xlsx_bytes,
)

# Good files


def test_csv_with_every_column() -> None:
    rows = [
        ("REF-1", "0100000010", "1.500.000", "15/01/2025", "Công ty TNHH Kiểm Thử", "2024-12", "1701", "754", "10101"),
        ("REF-2", "0100000010 001", "2,000", "2025-01-31", "", "2024-q4", "", "", ""),
        ("REF-3", PERSONAL_ID, "1 000", "1/2/2025", "Nguyễn Văn A", "2024", "1003", "757", ""),
    ]
    assert read(csv_bytes(rows)) == [
        StatementRow(2, "REF-1", CODE, 1_500_000, PAID_ON, "Công ty TNHH Kiểm Thử", "2024-12", "1701", "754", "10101"),
        StatementRow(3, "REF-2", BRANCH, 2000, datetime.date(2025, 1, 31), None, "2024-Q4", None, None, None),
        StatementRow(
            4, "REF-3", PERSONAL_ID, 1000, datetime.date(2025, 2, 1), "Nguyễn Văn A", "2024", "1003", "757", None
        ),
    ]


def test_xlsx_with_date_and_number_cells() -> None:
    at_half_past_nine = datetime.datetime(2025, 1, 15, 9, 30)  # noqa: DTZ001 -- Excel cells have no time zone
    rows = [
        ("X1", CODE, 1_500_000, at_half_past_nine, "Công ty A", "2024-12", 1701, 754, "10101"),
        ("X2", BRANCH, 2_000_000.0, datetime.date(2025, 1, 16), None, 2024, "1052", "554", None),
        (123456789, CODE, "1.000.000", "16/01/2025", None, None, None, 18, None),
    ]
    assert read(xlsx_bytes(rows)) == [
        StatementRow(2, "X1", CODE, 1_500_000, PAID_ON, "Công ty A", "2024-12", "1701", "754", "10101"),
        StatementRow(3, "X2", BRANCH, 2_000_000, datetime.date(2025, 1, 16), None, "2024", "1052", "554", None),
        StatementRow(4, "123456789", CODE, 1_000_000, datetime.date(2025, 1, 16), None, None, None, "018", None),
    ]


def test_xlsx_bad_cells() -> None:
    rows = [
        ("X1", 100000010, 1_500_000, PAID_ON),  # tax code as a number: its leading 0 is gone
        ("X2", CODE, 1_500_000.5, PAID_ON),
        ("X3", CODE, 1_500_000, 45672),  # a date serial in a number cell
        ("X4", CODE, -5, PAID_ON),
        ("X5", CODE, True, PAID_ON),
    ]
    items = read(xlsx_bytes(rows, header=REQUIRED_HEADER))
    assert [(p.row, p.field) for p in items if isinstance(p, RowProblem)] == [
        (2, "tax_code"),
        (3, "amount"),
        (4, "paid_on"),
        (5, "amount"),
        (6, "amount"),
    ]
    reasons = [p.reason for p in items if isinstance(p, RowProblem)]
    assert "store it as text" in reasons[0]
    assert "decimal part" in reasons[1]
    assert "number cell, not a date cell" in reasons[2]
    assert "negative" in reasons[3]
    assert "not a number" in reasons[4]


def test_xlsx_from_a_stream_that_cannot_seek_and_with_blank_rows() -> None:
    data = xlsx_bytes([GOOD, (None, None, None, None), ("", " ", None, ""), ("B2", CODE, 5, PAID_ON)])
    stream = Trickle(iter([data[i : i + 1000] for i in range(0, len(data), 1000)]))
    items = list(read_statement(io.BufferedReader(stream), today=TODAY, filename="sao-ke.xlsx"))
    assert [(i.row, type(i).__name__) for i in items] == [(2, "StatementRow"), (5, "StatementRow")]


def test_header_case_spaces_vietnamese_aliases_order_and_unknown_columns() -> None:
    header = (" Ghi chú ", "Ngày nộp", " SỐ TIỀN ", "Mã số thuế", "Số tham chiếu", "Tiểu mục", "Chương", "Kỳ thuế")
    rows = [("chuyển khoản", "15/01/2025", "1.500.000", CODE, "VCB-1", "1701", "754", "2024-12")]
    (item,) = read(csv_bytes(rows, header=header))
    assert item == StatementRow(2, "VCB-1", CODE, 1_500_000, PAID_ON, None, "2024-12", "1701", "754", None)


def test_bom_semicolons_crlf_and_blank_lines_keep_file_line_numbers() -> None:
    text = (
        "\ufeff\r\n"  # line 1: blank, before the header
        "bank_ref;tax_code;amount;paid_on;payer_name\r\n"  # line 2
        "A1;0100000010;1.500.000;15/01/2025;Công ty A\r\n"  # 3
        "\r\n"  # 4
        ";;;;\r\n"  # 5
        "   \r\n"  # 6
        'A2;0100000010;2.000;15/01/2025;"Công ty\r\nhai dòng"\r\n'  # 7-8: a quoted line break
        "A3;0100000010;0;15/01/2025;\r\n"  # 9
    )
    items = read(text.encode())
    assert [(i.row, type(i).__name__) for i in items] == [(3, "StatementRow"), (7, "StatementRow"), (9, "RowProblem")]
    assert isinstance(items[1], StatementRow)
    assert items[1].payer_name == "Công ty\r\nhai dòng"
    assert items[1].amount == 2000  # `;` files use `.` between thousands


def test_comma_file_with_semicolons_in_a_field() -> None:
    rows = [("A1", CODE, "1,500,000", "2025-01-15", "Công ty A; chi nhánh B")]
    (item,) = read(csv_bytes(rows, header=(*REQUIRED_HEADER, "payer_name")))
    assert isinstance(item, StatementRow)
    assert (item.amount, item.payer_name) == (1_500_000, "Công ty A; chi nhánh B")


def test_rejected_rows_never_block_good_ones_and_duplicates_are_the_callers_call() -> None:
    rows = [GOOD, ("B2", CODE, "-1", "2025-01-15"), ("B1", CODE, "1500000", "2025-01-15"), ("B3", "x", "1", "x")]
    items = read_rows(*rows)
    assert [type(i).__name__ for i in items] == ["StatementRow", "RowProblem", "StatementRow", "RowProblem"]
    assert [i.bank_ref for i in items if isinstance(i, StatementRow)] == ["B1", "B1"]


def test_short_rows_count_missing_cells_as_empty() -> None:
    items = read(b"bank_ref,tax_code,amount,paid_on,period\nB1,0100000010,5,2025-01-15\nB2,0100000010\n")
    assert items[0] == StatementRow(2, "B1", CODE, 5, PAID_ON)
    assert items[1] == RowProblem(3, "amount is empty; paid_on is empty", "amount")


# Per-row reasons


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1\u00a0500\u00a0000", 1_500_000),
        (" 1.500 ", 1500),
        ("999.999.999.999.999", 999_999_999_999_999),
    ],
)
def test_amounts_accepted(raw: str, expected: int) -> None:
    item = one("B1", CODE, raw, "2025-01-15")
    assert isinstance(item, StatementRow)
    assert item.amount == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-1500000", "is negative"),
        ("-1.500.000", "is negative"),
        ("(1.500.000)", "is negative"),
        ("0", "must be more than 0"),
        ("000", "must be more than 0"),
        ("1500000.5", "has a decimal part"),
        ("1500000.50", "has a decimal part"),
        ("1,500,000.00", "has a decimal part"),
        ("1.500.000,00", "has a decimal part"),
        ("1.5", "has a decimal part"),
        ("1.500,000", "mixes digit group separators"),
        ("15.00.000", "mixes digit group separators"),
        ("1500,000", "mixes digit group separators"),
        ("abc", "is not a number"),
        ("1.500.000 VND", "is not a number"),
        ("1e6", "is not a number"),
        ("١٢٣", "is not a number"),
        ("", "amount is empty"),
        ("1.000.000.000.000.000", "is more than 999,999,999,999,999"),
    ],
)
def test_amounts_refused(raw: str, reason: str) -> None:
    found = problem("B1", CODE, raw, "2025-01-15")
    assert (found.row, found.field) == (2, "amount")
    assert reason in found.reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-01-15", datetime.date(2025, 1, 15)),
        ("15/01/2025", datetime.date(2025, 1, 15)),
        ("5/1/2025", datetime.date(2025, 1, 5)),
        ("29/02/2024", datetime.date(2024, 2, 29)),
        ("2025-02-01", TODAY),
    ],
)
def test_dates_accepted(raw: str, expected: datetime.date) -> None:
    item = one("B1", CODE, "5", raw)
    assert isinstance(item, StatementRow)
    assert item.paid_on == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2025-02-30", "is not a real date"),
        ("31/04/2024", "is not a real date"),
        ("29/02/2025", "is not a real date"),
        ("2024-13-01", "is not a real date"),
        ("2025/01/15", "is not a date written YYYY-MM-DD or DD/MM/YYYY"),
        ("15-01-2025", "is not a date written"),
        ("20250115", "is not a date written"),
        ("15/01/25", "is not a date written"),
        ("yesterday", "is not a date written"),
        ("2025-02-02", "is after today (2025-02-01)"),
        ("1999-12-31", "is before 2000-01-01"),
        ("", "paid_on is empty"),
    ],
)
def test_dates_refused(raw: str, reason: str) -> None:
    found = problem("B1", CODE, "5", raw)
    assert found.field == "paid_on"
    assert reason in found.reason


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("0100000011", "the check digit should be 0, not 1"),
        ("0100000050", "no valid check digit"),
        ("0100000000", "may not all be 0"),
        ("0100000010-000", "a branch suffix runs from 001 to 999"),
        ("100000010", "not 9 (a leading 0 dropped by a spreadsheet?)"),
        ("01000000101", "not 11"),
        ("MST0100000010", "only digits"),
        ("", "tax_code is empty"),
    ],
)
def test_tax_codes_refused(raw: str, reason: str) -> None:
    found = problem("B1", raw, "5", "2025-01-15")
    assert found.field == "tax_code"
    assert reason in found.reason


@pytest.mark.parametrize(
    ("raw", "expected"), [(" 0100.000.010 ", CODE), ("0100000010001", BRANCH), (PERSONAL_ID, PERSONAL_ID)]
)
def test_tax_codes_normalised(raw: str, expected: str) -> None:
    item = one("B1", raw, "5", "2025-01-15")
    assert isinstance(item, StatementRow)
    assert item.tax_code == expected


@pytest.mark.parametrize(
    ("ref", "reason"),
    [("", "bank_ref is empty"), ("   ", "bank_ref is empty"), ("R" * 65, "longer than 64"), ("A\x07B", "control")],
)
def test_bank_refs_refused(ref: str, reason: str) -> None:
    found = problem(ref, CODE, "5", "2025-01-15")
    assert found.field == "bank_ref"
    assert reason in found.reason


def test_bank_ref_is_stripped_and_may_be_64_characters() -> None:
    item = one(f"  {'R' * 64}  ", CODE, "5", "2025-01-15")
    assert isinstance(item, StatementRow)
    assert item.bank_ref == "R" * 64


@pytest.mark.parametrize(
    ("column", "raw", "reason"),
    [
        ("period", "2024-13", "not a period"),
        ("period", "2024-Q5", "not a period"),
        ("period", "12/2024", "not a period"),
        ("period", "1999", "not a period"),
        ("sub_item", "17", "is not 4 digits"),
        ("sub_item", "17O1", "is not 4 digits"),
        ("chapter", "7540", "is not 3 digits"),
        ("payer_name", "A" * 301, "longer than 300"),
        ("tax_office", "T" * 17, "longer than 16"),
    ],
)
def test_optional_columns_refused(column: str, raw: str, reason: str) -> None:
    found = problem(*GOOD, raw, header=(*REQUIRED_HEADER, column))
    assert found.field == column
    assert reason in found.reason


def test_every_problem_of_a_row_is_told_and_the_first_column_named() -> None:
    found = problem("", "0100000011", "1,5", "2025-02-30", "2024-13", header=(*REQUIRED_HEADER, "period"))
    assert found.field == "bank_ref"
    assert found.reason == (
        "bank_ref is empty; tax_code '0100000011': the check digit should be 0, not 1; "
        "amount '1,5' has a decimal part: amounts are whole đồng; paid_on '2025-02-30' is not a real date; "
        "period '2024-13' is not a period written YYYY-MM, YYYY-Qn or YYYY (2000-2100)"
    )
