"""The statement's columns: canonical names, accepted aliases (English and Vietnamese), header matching."""

from collections.abc import Sequence

from registry.names import fold
from taxoffice.accounts.bank_statements._model import StatementError
from taxoffice.errors import FieldError

REQUIRED = ("bank_ref", "tax_code", "amount", "paid_on")
OPTIONAL = ("payer_name", "period", "sub_item", "chapter", "tax_office", "order_reference", "description")
COLUMNS = REQUIRED + OPTIONAL

# Header cells are compared folded: no accents, lower case, spaces and dashes as ``_`` ("Mã số thuế" → ma_so_thue).
ALIASES: dict[str, tuple[str, ...]] = {
    "bank_ref": (
        "bank_ref", "bank_reference", "reference", "ref", "transaction_ref", "transaction_id",
        "so_tham_chieu", "so_giao_dich", "ma_giao_dich", "so_but_toan",
    ),
    "tax_code": ("tax_code", "mst", "ma_so_thue", "ma_so_thue_nguoi_nop"),
    "amount": ("amount", "so_tien", "so_tien_nop"),
    "paid_on": ("paid_on", "payment_date", "paid_date", "date", "ngay_nop", "ngay_nop_tien", "ngay_giao_dich"),
    "payer_name": ("payer_name", "payer", "ten_nguoi_nop", "ten_nguoi_nop_thue", "nguoi_nop"),
    "period": ("period", "tax_period", "ky_thue", "ky_tinh_thue"),
    "sub_item": ("sub_item", "subitem", "tieu_muc"),
    "chapter": ("chapter", "chuong"),
    "tax_office": ("tax_office", "co_quan_thue", "ma_co_quan_thue", "cqt"),
    "order_reference": ("order_reference", "payment_order", "ma_lenh_nop", "so_lenh_nop"),
    "description": (
        "description", "transfer_description", "narrative", "remark", "memo", "details",
        "noi_dung", "noi_dung_chuyen_khoan", "noi_dung_giao_dich", "dien_giai", "mo_ta",
    ),
}  # fmt: skip
_SHOWN_HEADERS = 20  # header cells quoted when a required column is missing
_BY_ALIAS = {alias: column for column, aliases in ALIASES.items() for alias in aliases}


def header_key(cell: object) -> str:
    """The folded form of a header cell: ``" Số Tiền "`` → ``so_tien``."""
    text = "" if cell is None else str(cell)
    return fold(text).replace("-", " ").replace(" ", "_")


def locate(header: Sequence[object]) -> dict[str, int]:
    """Where each known column is: canonical name → 0-based index; unknown header cells are ignored.

    Raises:
        StatementError: a required column is missing, or two header cells mean the same column.
    """
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _BY_ALIAS.get(header_key(cell))
        if column is None:
            continue
        if column in found:
            first = header[found[column]]
            raise StatementError(
                f"the columns {str(first).strip()!r} and {str(cell).strip()!r} both mean {column}",
                errors=[FieldError(column, "statement.duplicate_column", f"{column} appears twice in the header")],
            )
        found[column] = index
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        named = [repr(str(cell).strip()[:40]) for cell in header if cell is not None and str(cell).strip()]
        seen = ", ".join(named[:_SHOWN_HEADERS]) + (", …" if len(named) > _SHOWN_HEADERS else "")
        raise StatementError(
            f"the statement has no {', '.join(missing)} column (its header row has: {seen or 'nothing'})",
            errors=[FieldError(c, "statement.missing_column", f"no column for {c}") for c in missing],
        )
    return found
