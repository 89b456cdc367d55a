"""Reading statements in tests: the reader over bytes, and the shapes of its answers."""

import datetime
import io

import pytest

from taxoffice.accounts.bank_statements import RowProblem, StatementError, StatementRow, read_statement
from tests.support.statements import TODAY, csv_bytes

CODE = "0100000010"  # DOMAIN.md §1's worked example
BRANCH = "0100000010-001"
PERSONAL_ID = "001099012345"
GOOD = ("B1", CODE, "1500000", "2025-01-15")
REQUIRED_HEADER = ("bank_ref", "tax_code", "amount", "paid_on")

Item = StatementRow | RowProblem


def read(data: bytes, today: datetime.date = TODAY) -> list[Item]:
    return list(read_statement(io.BytesIO(data), today=today))


def read_rows(*rows: tuple[object, ...], header: tuple[str, ...] = REQUIRED_HEADER) -> list[Item]:
    return read(csv_bytes(rows, header=header))


def one(*cells: object, header: tuple[str, ...] = REQUIRED_HEADER) -> Item:
    (item,) = read_rows(tuple(cells), header=header)
    return item


def problem(*cells: object, header: tuple[str, ...] = REQUIRED_HEADER) -> RowProblem:
    item = one(*cells, header=header)
    assert isinstance(item, RowProblem), item
    return item


def refusal(data: bytes) -> str:
    with pytest.raises(StatementError) as err:
        read(data)
    return str(err.value)
