"""Bounds on what one statement may hold, checked while it is read, before the work they would cost. Pure.

The settings (``TAXOFFICE_STATEMENT_*``, docs/security.md) fill ``StatementLimits``; the constants below bound the
parts of a workbook that no real statement comes near.
"""

from dataclasses import dataclass

from taxoffice.accounts.bank_statements._model import StatementTooLargeError
from taxoffice.accounts.bank_statements._rows import Records

MIB = 1 << 20
MAX_COLUMNS = 16_384  # Excel's own width: a wider row is not a statement
MAX_PARTS = 1_000  # files inside an XLSX archive; Excel writes about a dozen
MAX_DIRECTORY_BYTES = MIB  # the archive's central directory (its list of parts)
WHOLE_PART_BYTES = 16 * MIB  # a part openpyxl parses whole: workbook, styles, theme, relationships …
STRINGS_PART_BYTES = 64 * MIB  # the shared-strings table, which openpyxl keeps in memory
RATIO_GRACE_BYTES = MIB  # smaller parts are not held to the inflation ratio


@dataclass(frozen=True, slots=True)
class StatementLimits:
    """How much one statement may hold; every bound is checked before the work it protects.

    Attributes:
        rows: the last row (XLSX) or line (CSV) number read; Excel's own sheet holds 1,048,576.
        cells: cells read in the whole file, blank rows' included.
        shared_strings: distinct texts of an XLSX (its shared-strings table, which openpyxl loads whole).
        inflated_bytes: every part of an XLSX together, decompressed, as the archive declares them (``zipfile``
            stops a part at its declared size, so the declaration is a true bound).
        inflation_ratio: decompressed to compressed size, per part of more than 1 MiB; a statement's XML inflates
            about 5-20 times, a zip bomb about 1,000.
    """

    rows: int = 1_048_576
    cells: int = 32 * MIB
    shared_strings: int = 262_144
    inflated_bytes: int = 256 * MIB
    inflation_ratio: int = 100


_SPLIT = "split the statement into smaller files"


def bounded(records: Records, limits: StatementLimits) -> Records:
    """``records`` as they come, stopped with ``StatementTooLargeError`` at the first past a bound.

    Raises:
        StatementTooLargeError: a row number past ``limits.rows``, a row wider than ``MAX_COLUMNS`` cells, more
            than ``limits.cells`` cells read.
    """
    cells = 0
    for number, row in records:
        if number > limits.rows:
            msg = f"the statement has more than {limits.rows:,} rows; {_SPLIT}"
            raise StatementTooLargeError(msg, bound="statement.too_many_rows")
        if len(row) > MAX_COLUMNS:
            msg = f"row {number} has more than {MAX_COLUMNS:,} cells: this is not a bank statement"
            raise StatementTooLargeError(msg, bound="statement.too_many_columns")
        cells += len(row)
        if cells > limits.cells:
            msg = f"the statement has more than {limits.cells:,} cells; {_SPLIT}"
            raise StatementTooLargeError(msg, bound="statement.too_many_cells")
        yield number, row
