"""Statements: the payment-order reference from its column or the transfer description; the tax code then optional."""

import datetime
import io

from taxoffice.accounts.bank_statements import RowProblem, StatementRow, read_statement
from taxoffice.accounts.order_reference import check_character

TODAY = datetime.date(2026, 12, 2)
REFERENCE = "NT7K3QX9M2" + check_character("7K3QX9M2")


def _rows(text: str) -> list[StatementRow | RowProblem]:
    return list(read_statement(io.BytesIO(text.encode()), today=TODAY))


def test_reference_found_in_the_description_and_blank_tax_code_allowed() -> None:
    rows = _rows(
        "bank_ref;mst;so_tien;ngay_nop;Nội dung chuyển khoản\n"
        f"A1;;1.000.000;02/12/2026;NOP THUE {REFERENCE.lower()} CTY ABC\n"
        f"A2;0100000051;500000;02/12/2026;{REFERENCE}\n"
        "A3;0100000010;700000;02/12/2026;NOP THUE THANG 11\n"
        "A4;;700000;02/12/2026;NOP THUE THANG 11\n"
    )
    first, second, third, fourth = rows
    assert isinstance(first, StatementRow)
    assert (first.tax_code, first.reference, first.amount) == ("", REFERENCE, 1_000_000)
    assert isinstance(second, StatementRow)
    assert (second.tax_code, second.reference) == ("", REFERENCE)  # an invalid code gives way to the reference
    assert isinstance(third, StatementRow)
    assert (third.tax_code, third.reference) == ("0100000010", None)
    assert isinstance(fourth, RowProblem)
    assert fourth.field == "tax_code"


def test_reference_column_comes_before_the_description() -> None:
    other = "NTABCDEFGH" + check_character("ABCDEFGH")
    rows = _rows(
        f"bank_ref,tax_code,amount,paid_on,order_reference,description\nB1,0100000010,5,2026-12-02,{REFERENCE},{other}\n"
    )
    assert isinstance(rows[0], StatementRow)
    assert rows[0].reference == REFERENCE


def test_a_reference_with_a_wrong_check_character_is_not_one() -> None:
    wrong = REFERENCE[:-1] + ("0" if REFERENCE[-1] != "0" else "1")
    rows = _rows(f"bank_ref,tax_code,amount,paid_on,description\nC1,,5,2026-12-02,{wrong}\n")
    assert isinstance(rows[0], RowProblem)
    assert "tax_code is empty" in rows[0].reason
