"""Reading bank statements: whole-file refusals and streaming in bounded memory."""

import io
import zipfile
from pathlib import Path

import pytest

from taxoffice.accounts.bank_statements import StatementError, StatementRow, read_statement
from tests.accounts.statement_reading import CODE, GOOD, REQUIRED_HEADER, Item, read, refusal
from tests.support.statements import (
    HEADER,
    TODAY,
    Trickle,
    csv_bytes,
    payment_rows,
    read_in_child,
    write_csv,
    xlsx_bytes,
)

# Whole files refused


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(StatementError) as err:
        read(csv_bytes([("B1", "5")], header=("Số tham chiếu", "amount", "memo")))
    assert "no tax_code, paid_on column" in str(err.value)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("tax_code", "statement.missing_column"),
        ("paid_on", "statement.missing_column"),
    ]


def test_two_columns_meaning_the_same_are_refused() -> None:
    assert "both mean tax_code" in refusal(csv_bytes([], header=(*REQUIRED_HEADER, "MST")))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n  \r\n", "no header row"),
        (b"\xef\xbb\xbf", "no header row"),  # a UTF-8 BOM alone
        (b"Hello, this is a letter.\nNot a statement.\n", "has no bank_ref, tax_code, amount, paid_on"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "not UTF-8"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not UTF-8"),
        ("bank_ref,tax_code\n".encode("utf-16"), "UTF-16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "old-format Excel .xls"),
        (b"PK\x03\x04 broken", "cannot be read as one"),
        ("bank_ref,tax_code,amount,paid_on\nB1,Công ty,1,x\n".encode("cp1258"), "not UTF-8"),
        ("bank_ref,tax_code,amount,paid_on\n".encode("utf-16-le"), "binary or UTF-16"),  # UTF-16 with no BOM
    ],
)
def test_not_a_statement(data: bytes, reason: str) -> None:
    assert reason in refusal(data)


def test_a_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "cannot be read as one" in refusal(out.getvalue())


def test_xlsx_without_the_required_columns() -> None:
    assert "no paid_on column" in refusal(xlsx_bytes([("B1", CODE, 5)], header=("bank_ref", "tax_code", "amount")))


def test_bad_utf8_late_in_the_file_stops_after_the_rows_before_it() -> None:
    data = csv_bytes([GOOD] * 5000) + b"B9,0100000010,5,15/01/2025,\xff\n" * 10
    items: list[Item] = []
    with pytest.raises(StatementError, match=r"not UTF-8 text: a byte after line 4\d\d\d is not"):
        items.extend(read_statement(io.BytesIO(data), today=TODAY))
    assert 4000 < len(items) < 5000  # text is decoded a chunk at a time


def test_an_unclosed_quote_cannot_swallow_the_file() -> None:
    data = b'bank_ref,tax_code,amount,paid_on\n"B1,0100000010,5,2025-01-15\n' + b"x" * 200_000 + b"\n"
    assert "cannot be read as CSV" in refusal(data)


# Streaming


def test_rows_come_out_before_the_stream_is_read_to_its_end() -> None:
    rows = payment_rows(200_000)
    chunks = (csv_bytes([row], header=HEADER if number == 0 else ()) for number, row in enumerate(rows))
    stream = Trickle(chunks)
    items = read_statement(stream, today=TODAY)  # type: ignore[arg-type]  # a RawIOBase is a binary stream
    first = next(items)
    assert isinstance(first, StatementRow)
    assert first.bank_ref == "REF000000001"
    assert stream.consumed < 200_000  # of about 20 MB


def test_a_100_mb_csv_is_read_in_bounded_memory(tmp_path: Path) -> None:
    memo = "ghi chú chuyển khoản nộp thuế " * 12  # an ignored column, to reach 100 MB in fewer rows
    path = tmp_path / "big.csv"
    written = write_csv(path, ((*row, memo) for row in payment_rows(270_000)), header=(*HEADER, "memo"))
    assert path.stat().st_size > 100 * 2**20
    rows, problems, before, peak = read_in_child(path)
    assert (rows, problems) == (written, 0)
    assert peak - before < 20 * 1024  # kilobytes: the file is 100 MiB
