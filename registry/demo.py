"""Synthetic taxpayers for demonstrations and benchmarks: Vietnamese names, Hanoi districts, a mix of kinds.

Rows are generated in batches and written set-based: ``COPY`` on PostgreSQL, multi-row ``INSERT`` on SQLite.
"""

import datetime
import random
from collections import deque
from collections.abc import Iterator
from typing import Any

from registry import taxcode
from registry.names import fold
from registry.statuses import TaxpayerStatus as S
from registry.vocabulary import TaxpayerKind

SURNAMES = (
    ["Nguyễn"] * 8
    + ["Trần"] * 3
    + ["Lê"] * 2
    + ["Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
)
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Hữu", "Xuân", "Thu", "Hồng", "Anh", "Bảo", "Gia"]
GIVEN = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuấn",
    "Tùng",
    "Việt",
    "Yến",
    "Đạt",
    "Hiếu",
    "Thắng",
    "Trung",
    "Vy",
]
FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân", "Công ty Hợp danh"]
TRADES = [
    "Thương mại",
    "Dịch vụ",
    "Xây dựng",
    "Công nghệ",
    "Đầu tư",
    "Vận tải",
    "Du lịch",
    "Thực phẩm",
    "Dược phẩm",
    "Kỹ thuật",
    "Tư vấn",
    "Bất động sản",
    "Giáo dục",
    "May mặc",
    "Nội thất",
    "Điện tử",
    "Xuất nhập khẩu",
    "Cơ khí",
]
BRANDS = [
    "Sao Mai",
    "Hòa Bình",
    "Thăng Long",
    "Hồng Hà",
    "An Phát",
    "Minh Long",
    "Phú Thái",
    "Việt Tiến",
    "Đông Á",
    "Trường Thành",
    "Kiểm Thử",
    "Hưng Thịnh",
    "Ánh Dương",
    "Bình Minh",
    "Tân Việt",
    "Hà Thành",
    "Sông Đà",
    "Tràng An",
    "Kim Liên",
    "Đại Việt",
    "Lạc Hồng",
    "Phương Nam",
    "Bắc Hà",
    "Cửu Long",
    "Hoàng Gia",
    "Thiên Long",
    "Vạn Xuân",
]
# District, its tax office code, wards.
DISTRICTS = [
    ("Ba Đình", "HNI-BDI", ["Điện Biên", "Kim Mã", "Ngọc Hà", "Liễu Giai"]),
    ("Hoàn Kiếm", "HNI-HKI", ["Hàng Bạc", "Tràng Tiền", "Hàng Trống", "Cửa Nam"]),
    ("Tây Hồ", "HNI-THO", ["Quảng An", "Nhật Tân", "Xuân La", "Bưởi"]),
    ("Long Biên", "HNI-LBI", ["Bồ Đề", "Ngọc Lâm", "Gia Thụy", "Phúc Đồng"]),
    ("Cầu Giấy", "HNI-CGI", ["Dịch Vọng", "Nghĩa Đô", "Yên Hòa", "Mai Dịch"]),
    ("Đống Đa", "HNI-DDA", ["Láng Hạ", "Ô Chợ Dừa", "Văn Miếu", "Kim Liên"]),
    ("Hai Bà Trưng", "HNI-HBT", ["Bạch Mai", "Lê Đại Hành", "Minh Khai", "Thanh Nhàn"]),
    ("Hoàng Mai", "HNI-HMA", ["Định Công", "Giáp Bát", "Tương Mai", "Yên Sở"]),
    ("Thanh Xuân", "HNI-TXU", ["Khương Trung", "Nhân Chính", "Thượng Đình", "Kim Giang"]),
    ("Nam Từ Liêm", "HNI-NTL", ["Mỹ Đình 1", "Mễ Trì", "Trung Văn", "Cầu Diễn"]),
    ("Bắc Từ Liêm", "HNI-BTL", ["Cổ Nhuế 1", "Xuân Đỉnh", "Đông Ngạc", "Phú Diễn"]),
    ("Hà Đông", "HNI-HDO", ["Văn Quán", "Mộ Lao", "La Khê", "Yên Nghĩa"]),
]
STREETS = [
    "Láng",
    "Kim Mã",
    "Giải Phóng",
    "Nguyễn Trãi",
    "Trần Duy Hưng",
    "Xuân Thủy",
    "Lê Duẩn",
    "Bà Triệu",
    "Phạm Văn Đồng",
    "Nguyễn Chí Thanh",
    "Hoàng Quốc Việt",
    "Tây Sơn",
    "Minh Khai",
    "Đội Cấn",
    "Hàng Bài",
]
# Shares of kinds and of statuses among demo taxpayers.
KINDS: list[tuple[str, int]] = [
    (TaxpayerKind.ENTERPRISE, 30),
    (TaxpayerKind.BRANCH, 5),
    (TaxpayerKind.HOUSEHOLD, 25),
    (TaxpayerKind.INDIVIDUAL, 40),
]
STATUSES: list[tuple[str, int]] = [
    (S.ACTIVE, 900),
    (S.CLOSED, 30),
    (S.CEASING, 20),
    (S.SUSPENDED, 20),
    (S.NOT_AT_ADDRESS, 20),
    (S.AWAITING_BANKRUPTCY, 5),
    (S.INCOMPLETE, 5),
]
FIRST_YEAR = 2015
COLUMNS = (
    "tax_code",
    "kind",
    "parent_tax_code",
    "name",
    "name_search",
    "id_number",
    "street",
    "ward",
    "district",
    "province",
    "tax_office",
    "chapter",
    "email",
    "phone",
    "registered_on",
    "vat_frequency",
    "tax_types",
    "status",
    "status_effective_on",
    "status_reason",
    "suspended_until",
    "previous_status",
    "status_public_on",
    "created_at",
    "updated_at",
)


def _weighted(rng: random.Random, options: list[tuple[str, int]], k: int) -> list[str]:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights, k=k)


def _days(today: datetime.date) -> list[datetime.date]:
    """Every day from 1 January of ``FIRST_YEAR`` to ``today``: a row's dates are picked by their index."""
    first_day = datetime.date(FIRST_YEAR, 1, 1)
    return [first_day + datetime.timedelta(days=n) for n in range(max(0, (today - first_day).days) + 1)]


def _branch(parents: deque[tuple[str, str, str, int]], slot: int, district: str) -> tuple[str, str, str, str] | None:
    """The next branch of ``parents[slot]``: (code, office, parent code, name); None once it has 999 branches."""
    p_code, office, p_name, suffix = parents[slot]
    if suffix > 999:  # noqa: PLR2004 - the last branch suffix
        return None
    parents[slot] = (p_code, office, p_name, suffix + 1)
    return taxcode.branch_code(p_code, suffix), office, p_code, f"Chi nhánh {district} - {p_name}"


def generate(
    rng: random.Random,
    count: int,
    codes: list[str],
    personal_start: int,
    today: datetime.date,
    now: datetime.datetime,
    home_office: str | None = None,
) -> Iterator[tuple[Any, ...]]:
    """``count`` taxpayer rows (``COLUMNS`` order); ``codes`` holds enough fresh 10-digit codes.

    With ``home_office``, the first district's taxpayers belong to that office (the demo's officer works there).

    The loop is the bulk load's Python cost: it reads names into locals, picks dates from a list and keeps a
    name's search form once computed. The random draws are the same calls in the same order: a seed's rows stay.
    """
    home_district = DISTRICTS[0][0] if home_office else None
    kinds = _weighted(rng, KINDS, count)
    statuses = _weighted(rng, STATUSES, count)
    code_iter = iter(codes)
    # (code, office, name, next suffix): branch parents kept recent and few
    parents: deque[tuple[str, str, str, int]] = deque(maxlen=2000)
    choice, randrange, random_ = rng.choice, rng.randrange, rng.random
    enterprise, branch = TaxpayerKind.ENTERPRISE, TaxpayerKind.BRANCH
    household, individual = TaxpayerKind.HOUSEHOLD, TaxpayerKind.INDIVIDUAL
    active, suspended, incomplete = S.ACTIVE, S.SUSPENDED, S.INCOMPLETE
    days = _days(today)
    span = len(days) - 1  # days[span] is today
    personal_codes_from = datetime.date(2025, 7, 1)
    half_year = datetime.timedelta(days=180)
    folded: dict[str, str] = {}  # name → its search form: names repeat, folding is the costly part
    for i in range(count):
        kind, status = kinds[i], statuses[i]
        code = name = id_number = ""
        district, office, wards = choice(DISTRICTS)
        if district == home_district and home_office:
            office = home_office
        # The base grows ~25 % a year: later years get exponentially more registrations. 1 - r ** 0.55 is in
        # (0, 1] for r in [0, 1), so the offset is a day from the first one to today.
        offset = int(span * (1 - random_() ** 0.55))
        registered_on = days[offset]
        parent = None
        if kind is branch:
            drawn = _branch(parents, randrange(len(parents)), district) if parents else None
            if drawn is None:
                kind = enterprise
            else:
                code, office, parent, name = drawn
                id_number = code  # a branch's registration number is its own 13-digit code
        if kind is enterprise:
            code = id_number = next(code_iter)
            name = f"{choice(FORMS)} {choice(TRADES)} {choice(BRANDS)}"
            parents.append((code, office, name, 1))  # the oldest one leaves once 2,000 are there
        elif kind is not branch:
            id_number = f"{personal_start + i:012d}"
            code = id_number if registered_on >= personal_codes_from else next(code_iter)
            name = f"{choice(SURNAMES)} {choice(MIDDLE)} {choice(GIVEN)}"
            if kind is household:
                name = f"Hộ kinh doanh {name}"
        organisation = kind is enterprise or kind is branch
        tax_types = ["VAT", "CIT", "PIT"] if kind is enterprise else ["PIT"] if kind is individual else ["VAT", "PIT"]
        if status is incomplete and organisation:
            status = active
        search_name = folded.get(name)
        if search_name is None:
            search_name = folded[name] = fold(name)
        changed_on = days[min(offset + randrange(30, 900), span)]  # at the latest today
        yield (
            code,
            kind,
            parent,
            name,
            search_name,
            id_number,
            f"{randrange(1, 400)} {choice(STREETS)}",
            choice(wards),
            district,
            "Hà Nội",
            office,
            "754" if organisation else "757",
            # Enterprises' accountants get the office's mail; the domain is reserved for examples (RFC 2606).
            f"ketoan.{code}@demo.example" if organisation else None,
            f"09{randrange(10**8):08d}",
            registered_on,
            "quarterly" if random_() < 0.3 else "monthly",  # noqa: PLR2004
            tax_types,
            status,
            registered_on if status is active else changed_on,
            None if status is active else "Demo data",
            changed_on + half_year if status is suspended else None,
            None,
            None,
            now,
            now,
        )


def as_dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows as column → value mappings (for ``INSERT`` with many parameter sets)."""
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def first_codes(prefix: str, after: int, count: int) -> tuple[list[str], int]:
    """``count`` valid 10-digit codes after sequence ``after`` and the last sequence used."""
    return taxcode.codes_for_block(prefix, after, count)
