"""Reading one statement cell into its value, or saying plainly what is wrong with it. Pure.

CSV cells arrive as ``str``; XLSX cells as ``str``, ``int``, ``float``, ``bool``, ``datetime`` or None. Every
function takes the raw cell and returns the value, or raises ``CellError`` whose message starts with the column.
"""

import datetime
import re
from functools import lru_cache

from registry.taxcode import InvalidTaxCodeError, normalize
from taxoffice.accounts.bank_statements._model import MAX_AMOUNT, MAX_BANK_REF
from taxoffice.validity import nul_at, paid_on_problem, printable_problem

_SHOWN = 40  # characters of an offending value quoted in a reason
_EXACT_FLOAT = 2**53  # integral floats above this may not be the number that was typed
_MIN_YEAR, _MAX_YEAR = 2000, 2100
_MONTHS, _QUARTERS = 12, 4
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DMY_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_GROUPED = re.compile(r"[0-9]{1,3}([.,\u00a0\u202f ])[0-9]{3}(?:\1[0-9]{3})*")  # one separator throughout
_NUMBERISH = re.compile(r"[0-9][0-9.,\u00a0\u202f ]*")
_LAST_GROUP = re.compile(r"([.,\u00a0\u202f ])([0-9]*)$")  # the last separator and the digits after it
_GROUP_DIGITS = 3
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([0-9])")
_YEAR = re.compile(r"[0-9]{4}")
_MISSING_ZERO_LENGTHS = {9, 11}  # a 10- or 12-digit code whose leading 0 a spreadsheet dropped


class CellError(ValueError):
    """A cell that cannot be read as its column's value; the message is the row problem's reason."""


def shown(value: object) -> str:
    """A cell quoted for a reason, shortened: ``'1.500,000'``."""
    text = str(value).strip()
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…")


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing (None, or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_number_text(column: str, value: float) -> str:
    """An XLSX number cell used as an identifier, as digits, if it is a whole number stored exactly."""
    if not value.is_integer() or abs(value) >= _EXACT_FLOAT:
        msg = f"{column} {shown(value)} is a number cell that is not a whole number; store it as text"
        raise CellError(msg)
    return str(int(value))


def bank_ref(value: object) -> str:
    """The bank's reference: 1-64 printable characters, stripped; a whole-number XLSX cell as its digits."""
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, float):
        text = _whole_number_text("bank_ref", value)
    elif value is None or (isinstance(value, int) and not isinstance(value, bool)):
        text = "" if value is None else str(value)
    else:
        msg = f"bank_ref {shown(value)} is not a reference"
        raise CellError(msg)
    if not text:
        msg = "bank_ref is empty"
        raise CellError(msg)
    if len(text) > MAX_BANK_REF:
        msg = f"bank_ref {shown(text)} is longer than {MAX_BANK_REF} characters"
        raise CellError(msg)
    if (problem := printable_problem(text)) is not None:
        msg = f"bank_ref {shown(text)} {problem}"
        raise CellError(msg)
    return text


@lru_cache(maxsize=65_536)  # statements repeat their payers
def _tax_code_text(text: str) -> tuple[bool, str]:
    """``(True, code)`` or ``(False, reason)`` for a stripped, non-empty cell (cached, so not raised)."""
    try:
        return True, normalize(text)
    except InvalidTaxCodeError as exc:
        hint = ""
        if exc.code == "tax_code.length" and len(re.sub(r"[^0-9]", "", text)) in _MISSING_ZERO_LENGTHS:
            hint = " (a leading 0 dropped by a spreadsheet?)"
        return False, f"tax_code {shown(text)}: {exc}{hint}"


def tax_code(value: object) -> str:
    """A normalised, valid tax code (``registry.taxcode.normalize``); XLSX number cells are refused.

    A number cell has lost any leading zero (codes of Hà Nội start with 01, personal ID numbers with 0), and
    guessing it back could credit the wrong taxpayer.
    """
    if isinstance(value, str) and (text := value.strip()):
        ok, result = _tax_code_text(text)
        if ok:
            return result
        raise CellError(result)
    if is_blank(value):
        msg = "tax_code is empty"
    else:
        msg = f"tax_code {shown(value)} is stored as a number, which drops leading zeros; store it as text"
    raise CellError(msg)


def _amount_text(text: str) -> int:
    if text.isdigit() and text.isascii():
        return int(text)
    if _GROUPED.fullmatch(text):
        return int(re.sub(r"[^0-9]", "", text))
    if text[:1] in {"-", "\u2212", "("}:  # minus, minus sign, accountants' brackets
        msg = f"amount {shown(text)} is negative"
    elif _NUMBERISH.fullmatch(text):
        tail = _LAST_GROUP.search(text)
        if tail and tail[1] in ".," and len(tail[2]) != _GROUP_DIGITS:
            msg = f"amount {shown(text)} has a decimal part: amounts are whole đồng"
        else:
            msg = f"amount {shown(text)} mixes digit group separators or groups of other than 3 digits"
    else:
        msg = f"amount {shown(text)} is not a number"
    raise CellError(msg)


def amount(value: object) -> int:
    """Whole đồng, more than 0: ``1500000``, ``1.500.000``, ``1,500,000``, ``1 500 000``, or an integral XLSX number.

    One kind of separator (``.``, ``,``, space or no-break space) between groups of exactly 3 digits is a thousands
    separator (``1.500`` is 1 500 đ). A last ``.`` or ``,`` followed by other than 3 digits starts a decimal part,
    which is refused (``1.500.000,00`` too: đồng have no subunit), as are negatives, zero and other text.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            msg = "amount is empty"
            raise CellError(msg)
        number = _amount_text(text)
    elif isinstance(value, bool) or value is None or not isinstance(value, int | float):
        msg = "amount is empty" if value is None else f"amount {shown(value)} is not a number"
        raise CellError(msg)
    elif isinstance(value, float):
        if not value.is_integer():
            msg = f"amount {shown(value)} has a decimal part: amounts are whole đồng"
            raise CellError(msg)
        if abs(value) >= _EXACT_FLOAT:
            msg = f"amount {shown(value)} is too large to be stored exactly in a number cell; store it as text"
            raise CellError(msg)
        number = int(value)
    else:
        number = value
    if number < 0:
        msg = f"amount {shown(value)} is negative"
        raise CellError(msg)
    if number == 0:
        msg = "amount must be more than 0"
        raise CellError(msg)
    if number > MAX_AMOUNT:
        msg = f"amount {shown(value)} is more than {MAX_AMOUNT:,} đồng"
        raise CellError(msg)
    return number


@lru_cache(maxsize=4096)  # a statement has few distinct dates
def _date_text(text: str) -> datetime.date | str:
    """The date written in ``text``, or the reason it is not one (cached, so not raised)."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return f"paid_on {shown(text)} is not a date written YYYY-MM-DD or DD/MM/YYYY"
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return f"paid_on {shown(text)} is not a real date"


def paid_on(value: object, today: datetime.date) -> datetime.date:
    """``YYYY-MM-DD``, ``DD/MM/YYYY`` or an XLSX date cell (its time of day dropped); not after ``today``."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str) and value.strip():
        parsed = _date_text(value.strip())
        if isinstance(parsed, str):
            raise CellError(parsed)
        day = parsed
    elif is_blank(value):
        msg = "paid_on is empty"
        raise CellError(msg)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        msg = f"paid_on {shown(value)} is a number cell, not a date cell; format the column as a date"
        raise CellError(msg)
    else:
        msg = f"paid_on {shown(value)} is not a date"
        raise CellError(msg)
    if (problem := paid_on_problem(day, today)) is not None:
        raise CellError(problem)
    return day


@lru_cache(maxsize=1024)
def _period_text(text: str) -> tuple[bool, str]:
    """``(True, period)`` or ``(False, reason)`` for a stripped, non-empty cell (cached, so not raised)."""
    result: str | None = None
    year = 0
    if match := _MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        result = text if 1 <= month <= _MONTHS else None
    elif match := _QUARTER.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        result = f"{year}-Q{quarter}" if 1 <= quarter <= _QUARTERS else None
    elif _YEAR.fullmatch(text):
        year, result = int(text), text
    if result is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        return False, f"period {shown(text)} is not a period written YYYY-MM, YYYY-Qn or YYYY ({_MIN_YEAR}-{_MAX_YEAR})"
    return True, result


def period(value: object) -> str | None:
    """``2026-10``, ``2026-Q3`` (``q`` accepted) or ``2026``, or None when empty; an XLSX year number too."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        ok, result = _period_text(text)
        if ok:
            return result
        raise CellError(result)
    if value is None:
        return None
    msg = f"period {shown(value)} is not a period written YYYY-MM, YYYY-Qn or YYYY; store it as text"
    raise CellError(msg)


def digits(value: object, column: str, width: int) -> str | None:
    """A fixed-width numeric code (chapter: 3 digits, sub_item: 4), or None when empty.

    An XLSX number cell is padded back to its width: these codes have a fixed width, so a dropped leading zero
    is unambiguous.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
    elif value is None:
        return None
    elif isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 10**width:
        text = f"{int(value):0{width}d}" if float(value).is_integer() else str(value)
    else:
        text = str(value)
    if len(text) != width or not text.isdigit() or not text.isascii():
        msg = f"{column} {shown(value)} is not {width} digits"
        raise CellError(msg)
    return text


def text(value: object, column: str, limit: int) -> str | None:
    """A free-text cell, stripped, at most ``limit`` characters, or None when empty."""
    if isinstance(value, str):
        result = value.strip()
    elif value is None:
        return None
    else:
        result = str(int(value) if isinstance(value, float) and value.is_integer() else value)
    if len(result) > limit:
        msg = f"{column} is longer than {limit} characters"
        raise CellError(msg)
    if nul_at(result, column) is not None:
        msg = f"{column} contains the NUL character (U+0000)"
        raise CellError(msg)
    return result or None
