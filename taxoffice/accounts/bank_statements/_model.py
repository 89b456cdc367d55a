"""What reading a bank statement yields: good rows, row problems, and the error that refuses a whole file."""

import datetime
from dataclasses import dataclass

from taxoffice.errors import FieldError, MalformedInputError, PayloadTooLargeError
from taxoffice.validity import EARLIEST

MAX_BANK_REF = 64
MAX_PAYER_NAME = 300  # as the registry's taxpayer name
MAX_TAX_OFFICE = 16  # as the registry's tax office code
MAX_AMOUNT = 10**15 - 1  # 999 trillion đồng: larger is a typo, and far inside BigInteger
EARLIEST_PAID_ON = EARLIEST  # earlier dates are typos (``0024-07-01``), not old payments


class StatementError(MalformedInputError):
    """The whole file is refused: unreadable, not a statement, or missing required columns."""

    code = "statement-unreadable"
    title = "Unreadable bank statement"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors=errors)


class StatementTooLargeError(PayloadTooLargeError):
    """The file holds more than one statement may (rows, cells, inflated bytes …): refused before that work."""

    code = "statement-too-large"
    title = "Bank statement too large"

    def __init__(self, detail: str, *, bound: str) -> None:
        """``bound`` names the limit passed, as ``errors[].code`` (``statement.too_many_rows`` …)."""
        super().__init__(detail, errors=[FieldError("file", bound, detail)])


@dataclass(frozen=True, slots=True)
class StatementRow:
    """One valid payment line of a statement, normalised.

    Attributes:
        row: the line (CSV) or row (XLSX) number a user sees in the file; the header is usually 1.
        bank_ref: the bank's transaction reference, 1-64 characters, stripped.
        tax_code: normalised and valid: ``0123456789``, ``0123456789-001`` or a 12-digit personal ID number.
        amount: whole đồng, more than 0.
        paid_on: the payment date, not after the ``today`` the reader was given.
        payer_name: as written, stripped, at most 300 characters.
        period: ``2026-10``, ``2026-Q3`` or ``2026``.
        sub_item: the budget sub-item (tiểu mục), 4 digits.
        chapter: the budget chapter (chương), 3 digits.
        tax_office: the tax office code as written, at most 16 characters.
        reference: a payment-order reference from the ``order_reference`` column, else the first one written in
            the ``description`` (``order_reference.find_reference``). With one, ``tax_code`` may be blank or
            invalid in the file: it is then ``""`` here and the order's taxpayer is used.
    """

    row: int
    bank_ref: str
    tax_code: str
    amount: int
    paid_on: datetime.date
    payer_name: str | None = None
    period: str | None = None
    sub_item: str | None = None
    chapter: str | None = None
    tax_office: str | None = None
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A data row that cannot be imported; the other rows are unaffected.

    Attributes:
        row: the line or row number a user sees in the file.
        reason: every problem of the row in plain English, separated by ``; ``.
        field: the column of the first problem (canonical name such as ``amount``), None for the whole row.
    """

    row: int
    reason: str
    field: str | None
