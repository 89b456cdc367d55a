"""Writing a large report workbook: seconds, peak memory and file size of ``write_xlsx`` for one big section.

Target (the reports issue): a section of 100,000 rows (8 columns: month, office, tax type, sub-item, a count, two
amounts, a rate) with a line chart written in under 10 s and under 300 MiB peak resident memory. The rows are built
before the clock starts; the figure is the workbook alone. Peak memory is ``ru_maxrss`` of this process, so it
includes the rows held in memory.

openpyxl writes each cell's XML through lxml when lxml is installed and through its pure-Python fallback otherwise,
which is several times slower: the first line printed says which one ran.

Usage: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/reports_xlsx.py [--rows 100000] [--lang vi|en]``
"""

import argparse
import datetime
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl

from taxoffice.reports.tables import Cell, Chart, Column, Kind, Report, Section, rate, totals_row
from taxoffice.reports.workbook import write_xlsx

TARGET_SECONDS = 10.0
TARGET_PEAK_MIB = 300.0
OFFICES = [f"Chi cục Thuế khu vực {number}" for number in range(1, 21)]
TAX_TYPES = [("GTGT", "1701"), ("TNDN", "1052"), ("TNCN", "1001"), ("Môn bài", "2862"), ("Tài nguyên", "3801")]
COLUMNS = (
    Column("month", "Tháng", "Month"),
    Column("office", "Cơ quan thuế", "Tax office"),
    Column("tax_type", "Sắc thuế", "Tax type"),
    Column("sub_item", "Tiểu mục", "Sub-item"),
    Column("payments", "Số giấy nộp tiền", "Payments", Kind.COUNT, total=True),
    Column("collected", "Số đã thu (đồng)", "Collected (VND)", Kind.MONEY, total=True),
    Column("target", "Dự toán (đồng)", "Target (VND)", Kind.MONEY, total=True),
    Column("achieved", "Tỷ lệ đạt", "Achieved", Kind.PERCENT),
)


def build_report(count: int) -> Report:
    """A report of one section of ``count`` generated rows, with totals and a line chart."""
    rng = random.Random(20261127)
    rows: list[tuple[Cell, ...]] = []
    for index in range(count):
        month = f"{2000 + index // 12 % 100:04d}-{index % 12 + 1:02d}"
        tax_type, sub_item = TAX_TYPES[index % len(TAX_TYPES)]
        collected = rng.randrange(0, 50_000_000_000)
        target = rng.randrange(1, 60_000_000_000)
        rows.append(
            (month, OFFICES[index % len(OFFICES)], tax_type, sub_item, rng.randrange(1, 5_000), collected, target,
             rate(collected, target))
        )  # fmt: skip
    section = Section(
        "collections",
        "Số thu theo tháng, cơ quan thuế và sắc thuế",
        "Collections by month, tax office and tax type",
        COLUMNS,
        rows,
        totals_row(COLUMNS, rows, "Tổng cộng"),
        Chart("line", "month", ("collected", "target"), "Số thu và dự toán", "Collected and target"),
    )
    return Report(
        "collections_monthly",
        "Báo cáo số thu ngân sách",
        "Budget collections report",
        {"from_on": "2000-01-01", "to_on": "2026-10-31", "tax_office": "", "grain": "month"},
        datetime.datetime.now(datetime.UTC),
        "bench",
        (section,),
    )


def main() -> None:
    """Builds the report, writes it to a temporary file, prints seconds, peak RSS and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--lang", choices=["vi", "en"], default="vi")
    args = parser.parse_args()
    writer = "lxml" if openpyxl.LXML else "pure Python (lxml not installed)"
    print(f"write_xlsx of {args.rows:,} rows x {len(COLUMNS)} columns (openpyxl {openpyxl.__version__}, {writer})")
    started = time.perf_counter()
    report = build_report(args.rows)
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="reports-xlsx-bench-") as tmp:
        path = Path(tmp) / "report.xlsx"
        started = time.perf_counter()
        with path.open("wb") as stream:
            write_xlsx(report, args.lang, stream)
        seconds = time.perf_counter() - started
        size = path.stat().st_size / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows built in {built:.2f} s; workbook written in {seconds:.2f} s (target {TARGET_SECONDS:.0f} s)")
    print(f"peak RSS {peak:.1f} MiB (target {TARGET_PEAK_MIB:.0f} MiB); file {size:.1f} MiB")
    ok = seconds < TARGET_SECONDS and peak < TARGET_PEAK_MIB
    print("target met" if ok else "TARGET MISSED")


if __name__ == "__main__":
    main()
