"""One clock: no module of ours but ``taxoffice/clock.py`` reads the wall clock for a date or an instant.

Durations (``time.monotonic``, ``time.perf_counter``) are not dates and stay allowed.
"""

import ast
import datetime
from pathlib import Path

from taxoffice.calendar import VN_TZ
from taxoffice.clock import clock_of, job_day, today_vn, utc_now

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("taxoffice", "registry", "filings", "jobs")
CLOCK = Path("taxoffice/clock.py")
# Calls that read the wall clock, by their dotted name as written (``from datetime import datetime`` included).
WALL_CLOCK = {
    "datetime.now",
    "datetime.utcnow",
    "datetime.today",
    "date.today",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.localtime",
    "time.gmtime",
}


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)) is not None:
        return f"{base}.{node.attr}"
    return None


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """The lines of ``source`` that call the wall clock, with the call as written."""
    return [
        (node.lineno, name)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and (name := _dotted(node.func)) in WALL_CLOCK
    ]


def test_the_scan_finds_every_way_of_reading_the_clock() -> None:
    source = (
        "import datetime, time\nfrom datetime import date\n"
        "a = datetime.datetime.now(datetime.UTC)\nb = date.today()\nc = time.time()\nd = time.monotonic()\n"
    )
    assert wall_clock_reads(source) == [(3, "datetime.datetime.now"), (4, "date.today"), (5, "time.time")]


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}()"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.relative_to(ROOT) != CLOCK
        for line, name in wall_clock_reads(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "read the time from taxoffice.clock (or take `now`/`today` as arguments):\n" + "\n".join(found)


def test_the_clock_module_does_read_it() -> None:
    assert wall_clock_reads((ROOT / CLOCK).read_text(encoding="utf-8"))


def test_a_job_day_is_its_as_of_else_today_in_hanoi_by_the_context_clock() -> None:
    # 23:30 on 1 December in UTC is already 2 December in Hanoi.
    late = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)
    ctx = {"clock": lambda: late}
    assert job_day(ctx, None) == datetime.date(2026, 12, 2)
    assert job_day(ctx, "2025-06-30") == datetime.date(2025, 6, 30)
    assert clock_of(ctx)() is late
    assert today_vn(lambda: late) == datetime.date(2026, 12, 2)


def test_the_real_clock_is_aware_utc_and_today_is_hanois() -> None:
    now = utc_now()
    assert now.utcoffset() == datetime.timedelta(0)
    assert clock_of({})().tzinfo is not None
    assert today_vn() in {now.astimezone(VN_TZ).date(), utc_now().astimezone(VN_TZ).date()}
