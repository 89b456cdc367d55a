"""Bank statements (CSV or XLSX) read row by row, streamed, each row valid or rejected with its reasons. Pure.

Pure apart from reading the stream it is given (and, for a non-seekable XLSX stream, a temporary copy of it).
"""

from taxoffice.accounts.bank_statements._columns import ALIASES, COLUMNS, OPTIONAL, REQUIRED
from taxoffice.accounts.bank_statements._limits import StatementLimits
from taxoffice.accounts.bank_statements._model import (
    EARLIEST_PAID_ON,
    MAX_AMOUNT,
    MAX_BANK_REF,
    MAX_PAYER_NAME,
    MAX_TAX_OFFICE,
    RowProblem,
    StatementError,
    StatementRow,
    StatementTooLargeError,
)
from taxoffice.accounts.bank_statements._reader import read_statement

__all__ = [
    "ALIASES",
    "COLUMNS",
    "EARLIEST_PAID_ON",
    "MAX_AMOUNT",
    "MAX_BANK_REF",
    "MAX_PAYER_NAME",
    "MAX_TAX_OFFICE",
    "OPTIONAL",
    "REQUIRED",
    "RowProblem",
    "StatementError",
    "StatementLimits",
    "StatementRow",
    "StatementTooLargeError",
    "read_statement",
]
