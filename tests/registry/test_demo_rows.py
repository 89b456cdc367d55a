"""The demo generator makes the same taxpayers for the same seed: a few rows and checksums of whole batches, pinned."""

import datetime
import hashlib
import json
import random
from typing import Any

import pytest

from registry import demo

TODAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC)


def rows(seed: int, count: int, home_office: str | None = None) -> list[tuple[Any, ...]]:
    codes = [f"01{n:07d}0" for n in range(1, count + 1)]
    rng = random.Random(seed)  # noqa: S311 - the demo generator's own seed
    return list(demo.generate(rng, count, codes, 1_000_000_001, TODAY, NOW, home_office))


def checksum(batch: list[tuple[Any, ...]]) -> str:
    """SHA-256 of the rows as JSON: a status or kind counts by its value, dates and instants in ISO form."""
    return hashlib.sha256(json.dumps(batch, default=str, ensure_ascii=False).encode()).hexdigest()


def test_the_first_rows_of_a_seed() -> None:
    batch = rows(2026, 5_000)
    assert batch[0] == (
        "0100000010",
        "enterprise",
        None,
        "Công ty Cổ phần Đầu tư Đông Á",
        "cong ty co phan dau tu dong a",
        "0100000010",
        "267 Lê Duẩn",
        "Mễ Trì",
        "Nam Từ Liêm",
        "Hà Nội",
        "HNI-NTL",
        "754",
        "ketoan.0100000010@demo.example",
        "0985544724",
        datetime.date(2019, 6, 29),
        "monthly",
        ["VAT", "CIT", "PIT"],
        "00",
        datetime.date(2019, 6, 29),
        None,
        None,
        None,
        None,
        NOW,
        NOW,
    )
    assert batch[1] == (
        "0100000020",
        "household",
        None,
        "Hộ kinh doanh Lê Gia Lan",
        "ho kinh doanh le gia lan",
        "001000000002",
        "335 Nguyễn Chí Thanh",
        "Gia Thụy",
        "Long Biên",
        "Hà Nội",
        "HNI-LBI",
        "757",
        None,
        "0928725948",
        datetime.date(2017, 9, 18),
        "quarterly",
        ["VAT", "PIT"],
        "05",
        datetime.date(2019, 12, 7),
        "Demo data",
        datetime.date(2020, 6, 4),
        None,
        None,
        NOW,
        NOW,
    )
    branch = next(r for r in batch if r[1] == "branch")
    assert branch[:6] == (
        "0100000150-001",
        "branch",
        "0100000150",
        "Chi nhánh Hoàn Kiếm - Công ty Cổ phần Điện tử Hòa Bình",
        "chi nhanh hoan kiem - cong ty co phan dien tu hoa binh",
        "0100000150-001",
    )
    assert branch[10:13] == ("HNI-HKI", "754", "ketoan.0100000150-001@demo.example")


@pytest.mark.parametrize(
    ("seed", "home_office", "expected"),
    [
        (2026, None, "22df368b127e230ac90546d2af5a01c93f8ba07c6a4a08e646af172ec5957305"),
        (7, "HNI-XYZ", "204d5714a48bd220b40acf3d6d68ebe0386916e1d6d3280b78fd1e0daff8d138"),
    ],
)
def test_a_seeds_batch_is_pinned(seed: int, home_office: str | None, expected: str) -> None:
    """Every kind and status of the mix, branches and the home office's district included (5,000 rows)."""
    batch = rows(seed, 5_000, home_office)
    assert {r[1] for r in batch} == {"enterprise", "branch", "household", "individual"}
    assert {r[17] for r in batch} == {"00", "01", "03", "04", "05", "06", "07"}
    assert any(r[10] == home_office for r in batch) == (home_office is not None)
    assert checksum(batch) == expected
