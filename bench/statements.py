"""Reading bank statements: rows per second and peak memory of ``read_statement`` over generated CSV files.

Target (the payments-import issue): about 1,000,000 CSV rows read and validated in well under 30 s in one process,
with peak memory flat in the file's size. Each size is read in a fresh child process so that its peak resident
memory is its own (``VmHWM``; ``ru_maxrss`` is printed too, but Linux carries it over from the parent at exec); about 1 % of the rows are invalid in a few ways, as real statements have.

Usage: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/statements.py [--rows 100000 1000000] [--codes N]``
(``--codes``: distinct payers' tax codes, 50,000 by default; as many as rows is the worst case for the reader's cache).
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from taxoffice.accounts.bank_statements import RowProblem, read_statement
from tests.support.statements import TODAY, payment_rows, peak_rss_kib, tax_codes, write_csv

BAD_EVERY = 97  # one row in 97 is spoiled, one way or another
_SPOILERS = (
    (2, "-1.500.000"),  # negative amount
    (3, "2025-02-30"),  # impossible date
    (1, "0100000011"),  # wrong check digit
    (2, "1500000.50"),  # decimal amount
)


def _rows(count: int, codes: int) -> Iterator[tuple[str, ...]]:
    for index, row in enumerate(payment_rows(count, codes=tax_codes(codes)), start=1):
        if index % BAD_EVERY == 0:
            column, value = _SPOILERS[index // BAD_EVERY % len(_SPOILERS)]
            yield (*row[:column], value, *row[column + 1 :])
        else:
            yield row


def _child(path: Path) -> None:
    """Reads the file once and prints: rows, problems, seconds, peak MiB before and after reading, ru_maxrss MiB."""
    before = peak_rss_kib() / 1024
    started = time.perf_counter()
    rows = problems = 0
    with path.open("rb") as stream:
        for item in read_statement(stream, today=TODAY, filename=path.name):
            rows += 1
            problems += isinstance(item, RowProblem)
    elapsed = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(rows, problems, f"{elapsed:.3f}", f"{before:.1f}", f"{peak_rss_kib() / 1024:.1f}", f"{maxrss:.1f}")


def main() -> None:
    """Generates each file, reads it in a child process, prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--codes", type=int, default=50_000, help="distinct tax codes (payers) in each file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    print(f"read_statement over generated CSV files ({args.codes:,} payers, python {sys.version.split()[0]})")
    with tempfile.TemporaryDirectory(prefix="statements-bench-") as tmp:
        for count in args.rows:
            path = Path(tmp) / f"statement-{count}.csv"
            started = time.perf_counter()
            write_csv(path, _rows(count, min(args.codes, count)))
            generated = time.perf_counter() - started
            out = subprocess.run(  # noqa: S603 -- this very script, with a path it made
                [sys.executable, __file__, "--child", str(path)], check=True, capture_output=True, text=True
            ).stdout.split()
            rows, problems = int(out[0]), int(out[1])
            seconds, before, peak, maxrss = (float(n) for n in out[2:])
            size = path.stat().st_size / 2**20
            print(
                f"{count:>9,} rows ({size:,.0f} MiB, generated in {generated:.1f} s): read {rows:,} "
                f"({problems:,} rejected) in {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
                f"peak RSS (VmHWM) {peak:.1f} MiB ({before:.1f} MiB after imports, +{peak - before:.1f} MiB reading; "
                f"ru_maxrss {maxrss:.1f} MiB, which includes this parent's size at the child's start)"
            )
            path.unlink()


if __name__ == "__main__":
    main()
