"""Synthetic taxpayers for demonstrations and benchmarks: Vietnamese names, Hanoi districts, a mix of kinds.

Rows are generated in batches and written set-based: ``COPY`` on PostgreSQL, multi-row ``INSERT`` on SQLite.
"""

import datetime
import random
from collections.abc import Iterator
from typing import Any

from registry import taxcode
from registry.names import fold
from registry.statuses import TaxpayerStatus as S
from registry.vocabulary import ORGANISATION_KINDS, PERSON_KINDS, TaxpayerKind

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


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _registered_on(rng: random.Random, today: datetime.date) -> datetime.date:
    # The base grows ~25 % a year: later years get exponentially more registrations.
    span = (today - datetime.date(FIRST_YEAR, 1, 1)).days
    offset = int(span * (1 - rng.random() ** 0.55))
    return datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(days=min(span, max(0, offset)))


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
    """
    home_district = DISTRICTS[0][0] if home_office else None
    kinds = _weighted(rng, KINDS, count)
    statuses = _weighted(rng, STATUSES, count)
    code_iter = iter(codes)
    parents: list[tuple[str, str, str, int]] = []  # (code, office, name, next suffix)
    for i in range(count):
        kind, status = kinds[i], statuses[i]
        code = name = id_number = ""
        district, office, wards = rng.choice(DISTRICTS)
        office = home_office if home_office and district == home_district else office
        registered_on = _registered_on(rng, today)
        parent = None
        if kind == TaxpayerKind.BRANCH and parents:
            slot = rng.randrange(len(parents))
            p_code, office, p_name, suffix = parents[slot]
            if suffix > 999:  # noqa: PLR2004 - the last branch suffix
                kind = TaxpayerKind.ENTERPRISE
            else:
                parents[slot] = (p_code, office, p_name, suffix + 1)
                parent = p_code
                code = taxcode.branch_code(p_code, suffix)
                name = f"Chi nhánh {district} - {p_name}"
                id_number = code  # a branch's registration number is its own 13-digit code
        elif kind == TaxpayerKind.BRANCH:
            kind = TaxpayerKind.ENTERPRISE
        if kind == TaxpayerKind.ENTERPRISE:
            code = next(code_iter)
            name = f"{rng.choice(FORMS)} {rng.choice(TRADES)} {rng.choice(BRANDS)}"
            id_number = code
            parents.append((code, office, name, 1))
            if len(parents) > 2000:  # noqa: PLR2004 - keep branch parents recent and the list small
                parents.pop(0)
        elif kind in PERSON_KINDS:
            personal = f"{personal_start + i:012d}"
            id_number = personal
            code = personal if registered_on >= datetime.date(2025, 7, 1) else next(code_iter)
            person = _person(rng)
            name = f"Hộ kinh doanh {person}" if kind == TaxpayerKind.HOUSEHOLD else person
        if status == S.INCOMPLETE and kind not in PERSON_KINDS:
            status = S.ACTIVE
        tax_types = (
            ["VAT", "CIT", "PIT"]
            if kind == TaxpayerKind.ENTERPRISE
            else ["PIT"]
            if kind == TaxpayerKind.INDIVIDUAL
            else ["VAT", "PIT"]
        )
        changed_on = registered_on + datetime.timedelta(days=rng.randrange(30, 900))
        changed_on = min(changed_on, today)
        yield (
            code,
            kind,
            parent,
            name,
            fold(name),
            id_number,
            f"{rng.randrange(1, 400)} {rng.choice(STREETS)}",
            rng.choice(wards),
            district,
            "Hà Nội",
            office,
            "754" if kind in ORGANISATION_KINDS else "757",
            # Enterprises' accountants get the office's mail; the domain is reserved for examples (RFC 2606).
            f"ketoan.{code}@demo.example" if kind in ORGANISATION_KINDS else None,
            f"09{rng.randrange(10**8):08d}",
            registered_on,
            "quarterly" if rng.random() < 0.3 else "monthly",  # noqa: PLR2004
            tax_types,
            status,
            registered_on if status == S.ACTIVE else changed_on,
            None if status == S.ACTIVE else "Demo data",
            changed_on + datetime.timedelta(days=180) if status == S.SUSPENDED else None,
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
