"""Bank statement files (CSV and XLSX) for tests and benchmarks: valid rows by default, any cell overridable."""

import csv
import datetime
import io
import resource
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook

from registry.taxcode import codes_for_block

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

HEADER = ("bank_ref", "tax_code", "amount", "paid_on", "payer_name", "period", "sub_item", "chapter", "tax_office")
PAID_ON = datetime.date(2025, 1, 15)
TODAY = datetime.date(2025, 2, 1)

ROOT = Path(__file__).resolve().parents[2]
_CHILD = """
import datetime, sys
from taxoffice.accounts.bank_statements import RowProblem, read_statement
from tests.support.statements import peak_rss_kib
before = peak_rss_kib()
rows = problems = 0
with open(sys.argv[1], "rb") as stream:
    for item in read_statement(stream, today=datetime.date.fromisoformat(sys.argv[2])):
        rows += 1
        problems += isinstance(item, RowProblem)
print(rows, problems, before, peak_rss_kib())
"""

Cell = object
Row = Sequence[Cell]


class Trickle(io.RawIOBase):
    """A non-seekable stream over bytes made on demand; counts what has been read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer", /) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        count = min(len(view), len(self._pending))
        view[:count], self._pending = self._pending[:count], self._pending[count:]
        self.consumed += count
        return count


def tax_codes(count: int, prefix: str = "01") -> list[str]:
    """``count`` valid 10-digit tax codes under ``prefix``."""
    return codes_for_block(prefix, 0, count)[0]


def payment_rows(count: int, *, start: int = 1, codes: Sequence[str] | None = None) -> Iterator[tuple[str, ...]]:
    """``count`` valid CSV rows in ``HEADER`` order, bank references ``REF000000001``… from ``start``."""
    pool = codes or tax_codes(1000)
    paid_on = PAID_ON.isoformat()
    for number in range(start, start + count):
        yield (
            f"REF{number:09d}",
            pool[number % len(pool)],
            str(100_000 + number % 9_000_000),
            paid_on,
            f"Công ty TNHH Thử Nghiệm {number % 1000}",
            "2024-12",
            "1701",
            "754",
            "10101",
        )


def csv_bytes(
    rows: Iterable[Row],
    *,
    header: Row = HEADER,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    """A CSV file's bytes (UTF-8, CRLF line ends as Excel writes them)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def xlsx_bytes(rows: Iterable[Row], *, header: Row = HEADER, sheet_title: str = "Sao kê") -> bytes:
    """An XLSX workbook's bytes; cells keep their Python types (``int`` and ``date`` become number and date cells)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = sheet_title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(path: Path, rows: Iterable[Row], *, header: Row = HEADER, batch: int = 10_000) -> int:
    """Streams rows into a CSV file at ``path`` without holding them all; returns the rows written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                writer.writerows(chunk)
                written += len(chunk)
                chunk.clear()
        writer.writerows(chunk)
        written += len(chunk)
    return written


def peak_rss_kib() -> int:
    """This process's peak resident memory in KiB, since it last started a program (``VmHWM``).

    ``resource.getrusage(...).ru_maxrss`` is not used: Linux carries it over ``exec`` from the process that was
    replaced, so a child started by a large process (pytest, or a benchmark holding its data) reports its parent's
    size, hiding the child's own growth. ``ru_maxrss`` is the fallback where ``/proc`` is missing.
    """
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def read_in_child(path: Path, today: datetime.date = TODAY) -> tuple[int, int, int, int]:
    """Reads a statement file in a fresh process: rows, rejected rows, peak KiB before reading and after."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), today.isoformat()],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    rows, problems, before, peak = (int(n) for n in result.stdout.split())
    return rows, problems, before, peak
