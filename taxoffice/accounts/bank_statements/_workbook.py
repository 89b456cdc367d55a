"""Reading an XLSX statement with openpyxl, once the archive has shown it is no bomb.

Before openpyxl parses anything: the archive's directory (parts and its own size) from its last bytes; every part's
declared size and inflation ratio; the shared-strings table's size and, streamed, its count. While openpyxl reads: a
part it parses whole (workbook, styles, theme, relationships, a chartsheet) may not pass ``WHOLE_PART_BYTES``; parts it
streams (the worksheet) are bounded by the inflated total, and their rows by ``bounded``. ``zipfile`` stops every
part at its declared size (a larger one fails its CRC), so declared sizes are true bounds.
"""

import io
import struct
import zipfile
from typing import IO, Any, Self
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from taxoffice.accounts.bank_statements._limits import (
    MAX_DIRECTORY_BYTES,
    MAX_PARTS,
    RATIO_GRACE_BYTES,
    STRINGS_PART_BYTES,
    WHOLE_PART_BYTES,
    StatementLimits,
)
from taxoffice.accounts.bank_statements._model import StatementTooLargeError

_END = struct.Struct("<4s4H2LH")  # end of central directory: signature, disks, entries, directory size, offset
_END64 = struct.Struct("<4sQ2H2L4Q")  # its ZIP64 form, right before the 20-byte ZIP64 locator
_LOCATOR = 20
_NOT_WRITTEN = "no spreadsheet program writes such a workbook"
_STRING_NAME = f"{SHEET_MAIN_NS}}}si"  # as expat names it with ``}`` between namespace and name
_CHUNK = 1 << 16


def _check_directory(source: IO[bytes]) -> None:
    """Refuse an archive listing too many parts before ``zipfile`` reads its directory (ZIP64 included)."""
    start = source.tell()
    end = source.seek(0, io.SEEK_END)
    size = min(end - start, _END.size + 0xFFFF + _LOCATOR + _END64.size)  # the record, its comment, ZIP64's
    source.seek(end - size)
    tail = source.read(size)
    source.seek(start)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END.size:
        return  # not a ZIP archive: openpyxl says so
    entries, directory = _END.unpack_from(tail, at)[4:6]
    record64 = at - _LOCATOR - _END64.size
    if record64 >= 0 and tail.startswith(b"PK\x06\x07", at - _LOCATOR) and tail.startswith(b"PK\x06\x06", record64):
        entries, directory = _END64.unpack_from(tail, record64)[6:8]
    if entries > MAX_PARTS or directory > MAX_DIRECTORY_BYTES:
        msg = f"the workbook's archive lists more than {MAX_PARTS:,} parts; {_NOT_WRITTEN}"
        raise StatementTooLargeError(msg, bound="statement.too_many_parts")


def _check_parts(archive: zipfile.ZipFile, limits: StatementLimits) -> None:
    """Refuse a part that inflates too much for its size, and an archive that inflates too much in all."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > limits.inflation_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            msg = (
                f"the workbook's part {info.filename[:80]!r} inflates {ratio:,} times (more than "
                f"{limits.inflation_ratio:,}); {_NOT_WRITTEN}"
            )
            raise StatementTooLargeError(msg, bound="statement.inflation_ratio")
    if total > limits.inflated_bytes:
        msg = (
            f"the workbook inflates to {total:,} bytes, more than {limits.inflated_bytes:,}; "
            "split the statement, or save it as CSV UTF-8"
        )
        raise StatementTooLargeError(msg, bound="statement.inflated_size")


def _check_strings(archive: zipfile.ZipFile, name: str, limits: StatementLimits) -> None:
    """Count the shared strings openpyxl would load, streamed through expat, stopping past the limit.

    No element is built (0.2 s for 262,144 strings here; ElementTree's ``iterparse`` takes 0.8 s); a document type
    declaration, which could declare entities, is refused as openpyxl's defusedxml would.
    """
    if archive.getinfo(name).file_size > STRINGS_PART_BYTES:
        msg = f"the workbook's shared-strings table is larger than {STRINGS_PART_BYTES:,} bytes; save it as CSV UTF-8"
        raise StatementTooLargeError(msg, bound="statement.shared_strings_size")
    count = 0

    def started(element: str, _attributes: object) -> None:
        nonlocal count
        count += element == _STRING_NAME

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = started
    parser.StartDoctypeDeclHandler = _no_doctype
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            parser.Parse(chunk, False)
            if count > limits.shared_strings:
                msg = (
                    f"the workbook has more than {limits.shared_strings:,} distinct texts (shared strings); "
                    "save it as CSV UTF-8"
                )
                raise StatementTooLargeError(msg, bound="statement.too_many_shared_strings")


def _no_doctype(*_declaration: object) -> None:
    msg = "a document type declaration in a workbook part"
    raise ValueError(msg)


class _Part:
    """A part openpyxl streams; reading it whole (``read()``) is held to ``WHOLE_PART_BYTES``."""

    def __init__(self, stream: IO[bytes], info: zipfile.ZipInfo) -> None:
        self._stream = stream
        self._info = info

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            _whole(self._info)
        return self._stream.read(size)

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _Archive:
    """The archive as openpyxl uses it, every part read whole held to ``WHOLE_PART_BYTES``."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive

    def read(self, name: str) -> bytes:
        _whole(self._archive.getinfo(name))
        return self._archive.read(name)

    def open(self, name: str, mode: str = "r") -> _Part:
        return _Part(self._archive.open(name, mode), self._archive.getinfo(name))  # type: ignore[arg-type]

    def __getattr__(self, attribute: str) -> Any:  # noqa: ANN401 - every other member of ZipFile, as it is
        return getattr(self._archive, attribute)


def _whole(info: zipfile.ZipInfo) -> None:
    if info.file_size > WHOLE_PART_BYTES:
        msg = f"the workbook's part {info.filename[:80]!r} is larger than {WHOLE_PART_BYTES:,} bytes; {_NOT_WRITTEN}"
        raise StatementTooLargeError(msg, bound="statement.part_size")


def open_workbook(source: IO[bytes], limits: StatementLimits) -> Workbook:
    """The workbook in ``source`` (seekable, at its start), read-only, values as last saved; checked first.

    Raises:
        StatementTooLargeError: a bound of ``limits`` or of this module passed.
        Whatever openpyxl and ``zipfile`` raise on a broken archive (the caller turns it into a ``StatementError``).
    """
    _check_directory(source)
    reader = ExcelReader(source, read_only=True, data_only=True)
    archive = reader.archive
    try:
        _check_parts(archive, limits)
        reader.archive = _Archive(archive)  # type: ignore[assignment]
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)  # type: ignore[no-untyped-call]  # untyped in types-openpyxl
        if strings is not None:
            _check_strings(archive, strings.PartName[1:], limits)
        reader.read()
    except BaseException:
        archive.close()
        raise
    return reader.wb
