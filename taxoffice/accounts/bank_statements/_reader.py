"""Reading a statement file, CSV or XLSX, as a stream of records; the format is told by the first bytes."""

import contextlib
import csv
import datetime
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, BinaryIO
from xml.parsers.expat import ExpatError

from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from taxoffice.accounts.bank_statements._limits import StatementLimits, bounded
from taxoffice.accounts.bank_statements._model import RowProblem, StatementError, StatementRow
from taxoffice.accounts.bank_statements._rows import Records, statement_rows
from taxoffice.accounts.bank_statements._workbook import open_workbook

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

XLSX_MAGIC = b"PK\x03\x04"  # a ZIP archive, as every .xlsx is
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) container
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HEAD = 4
_CHUNK = 1 << 16
_SPOOL_CHUNK = 1 << 20
MAX_LINE = 1 << 20  # characters; a longer physical line is not a bank statement (and would not fit in memory)
# openpyxl raises whatever its zip and XML layers raise on a broken workbook; expat, the shared-strings count.
_XLSX_ERRORS = (
    zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, SyntaxError, ExpatError
)  # fmt: skip


class _Prefixed(io.RawIOBase):
    """The bytes already read from the head of a stream, then the rest of the stream; closing leaves it open."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer", /) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(view), len(self._head))
            view[:count], self._head = self._head[:count], self._head[count:]
            return count
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def _read_head(stream: IO[bytes]) -> bytes:
    head = b""
    while len(head) < _HEAD:
        more = stream.read(_HEAD - len(head))
        if not more:
            break
        head += more
    return head


def _csv_lines(text: io.TextIOWrapper) -> Iterator[str]:
    number = 0
    while True:
        try:
            line = text.readline(MAX_LINE)
        except UnicodeDecodeError:
            # Text is decoded a chunk at a time: the bad byte is somewhere after the last line read.
            where = f": a byte after line {number} is not" if number else ""
            msg = f"the file is not UTF-8 text{where}; save it as CSV UTF-8 or as .xlsx"
            raise StatementError(msg) from None
        if not line:
            return
        number += 1
        if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
            msg = f"line {number} is longer than {MAX_LINE:,} characters: this is not a bank statement"
            raise StatementError(msg)
        yield line


def _csv_records(head: bytes, stream: IO[bytes]) -> Records:
    """Records of a UTF-8 CSV (optional BOM), delimiter ``,`` or ``;`` as the header line shows."""
    raw = io.BufferedReader(_Prefixed(head, stream), _CHUNK)
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        lines = _csv_lines(text)
        skipped = 0
        for line in lines:
            if line.strip():
                header = line
                break
            skipped += 1
        else:
            return
        if "\x00" in header:
            raise StatementError("the file is binary or UTF-16 text; save it as CSV UTF-8 or as .xlsx")
        delimiter = ";" if header.count(";") > header.count(",") else ","
        yield skipped + 1, next(csv.reader([header], delimiter=delimiter), [])
        reader = csv.reader(lines, delimiter=delimiter)
        offset = skipped + 1
        while True:
            start = offset + reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                msg = f"line {offset + reader.line_num} cannot be read as CSV ({exc})"
                raise StatementError(msg) from None
            yield start, cells


@contextlib.contextmanager
def _seekable(head: bytes, stream: IO[bytes]) -> Iterator[IO[bytes]]:
    """The whole stream, seekable and at its start: the stream itself, or a temporary copy of it."""
    if stream.seekable():
        stream.seek(stream.tell() - len(head))
        yield stream
        return
    with tempfile.TemporaryFile() as copy:
        copy.write(head)
        shutil.copyfileobj(stream, copy, _SPOOL_CHUNK)
        copy.seek(0)
        yield copy


def _xlsx_records(head: bytes, stream: IO[bytes], limits: StatementLimits) -> Records:
    """Records of the workbook's active sheet (or its first worksheet), read with openpyxl in read-only mode."""
    with _seekable(head, stream) as source:
        try:
            workbook = open_workbook(source, limits)
        except _XLSX_ERRORS as exc:
            msg = f"the file starts like an .xlsx workbook but cannot be read as one ({type(exc).__name__})"
            raise StatementError(msg) from None
        try:
            candidates: list[object] = [workbook.active, *workbook.worksheets]
            sheet = next((s for s in candidates if isinstance(s, ReadOnlyWorksheet)), None)
            if sheet is None:
                raise StatementError("the workbook has no worksheet")
            sheet.reset_dimensions()  # some writers record wrong dimensions; read every row there is
            # types-openpyxl copies Worksheet.iter_rows onto ReadOnlyWorksheet with Worksheet as its self type.
            rows = sheet.iter_rows(values_only=True)  # type: ignore[misc]
            number = 0
            while True:
                number += 1
                try:
                    cells = next(rows)
                except StopIteration:
                    return
                except _XLSX_ERRORS as exc:
                    msg = f"row {number} of the workbook cannot be read ({type(exc).__name__})"
                    raise StatementError(msg) from None
                yield number, cells
        finally:
            workbook.close()


def read_statement(
    stream: BinaryIO,
    *,
    today: datetime.date,
    filename: str | None = None,
    limits: StatementLimits = StatementLimits(),  # noqa: B008 - frozen, so one shared default is safe
) -> Iterator[StatementRow | RowProblem]:
    """Every non-blank data row of a bank statement, in file order, as a ``StatementRow`` or a ``RowProblem``.

    The file is CSV (UTF-8, optional BOM, ``,`` or ``;``) unless it starts with the ZIP signature ``PK`` (XLSX).
    Rows are read lazily: memory stays flat whatever the file's size (an XLSX's shared-strings table excepted,
    which openpyxl loads whole, within ``limits``). A non-seekable stream holding an XLSX is first copied to a
    temporary file; its archive is checked (``_workbook``) before openpyxl parses it. The
    stream is left open. The reader is stateless per row: the same ``bank_ref`` twice in one file yields two rows, and
    the caller decides which is the duplicate.

    Args:
        stream: the file's bytes, read from its current position.
        today: the latest acceptable payment date.
        filename: the name the user gave the file, used only in messages.
        limits: how many rows, cells, shared strings and inflated bytes the file may hold.

    Yields:
        One item per non-blank row after the header: the row, or every problem it has.

    Raises:
        StatementError: while iterating, when the file as a whole cannot be read: empty, not UTF-8, a broken or
            old-format workbook, no header or a required column missing, an unreadable CSV line. Rows before
            the point of failure have been yielded already; a caller importing in one transaction rolls back.
        StatementTooLargeError: while iterating, at the first bound of ``limits`` passed: an XLSX before any row,
            a CSV at the row past the limit.
    """
    head = _read_head(stream)
    named = f"{filename!r} " if filename else "the file "
    if not head:
        raise StatementError(f"{named}is empty")
    if head.startswith(_OLE_MAGIC):
        raise StatementError(f"{named}is an old-format Excel .xls workbook; save it as .xlsx or as CSV UTF-8")
    if head.startswith(_UTF16_BOMS):
        raise StatementError(f"{named}is UTF-16 text; save it as CSV UTF-8")
    records = _xlsx_records(head, stream, limits) if head.startswith(XLSX_MAGIC) else _csv_records(head, stream)
    yield from statement_rows(bounded(records, limits), today)
