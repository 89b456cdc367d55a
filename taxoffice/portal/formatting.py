"""How money, dates, instants and periods are written on the pages (Vietnamese conventions in both languages)."""

import datetime
import re

from taxoffice.calendar import VN_TZ

_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")


def money(amount: int | None) -> str:
    """Integer đồng with dots between thousands, as Vietnamese documents write them: ``1.234.567 ₫``."""
    if amount is None:
        return ""
    sign = "\u2212" if amount < 0 else ""  # the minus sign, as printed
    return f"{sign}{abs(amount):,} ₫".replace(",", ".")


def day(value: datetime.date | str | None) -> str:
    """``dd/mm/yyyy``, of a date or of an ISO date's text (as JSON keeps a plan's schedule)."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value) if value else None
    return value.strftime("%d/%m/%Y") if value else ""


def instant(value: datetime.datetime | None) -> str:
    """An instant as Hanoi's wall clock: ``dd/mm/yyyy HH:MM``."""
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if value else ""


def period(value: str, lang: str = "vi") -> str:
    """``2026-10`` → ``Tháng 10/2026`` / ``10/2026``; ``2026-Q3`` → ``Quý 3/2026`` / ``Q3 2026``; ``2026`` → year."""
    match = _PERIOD.match(value)
    if not match:
        return value
    year, month, quarter = match.groups()
    if month:
        return f"{month}/{year}" if lang == "en" else f"Tháng {month}/{year}"
    if quarter:
        return f"Q{quarter} {year}" if lang == "en" else f"Quý {quarter}/{year}"
    return year if lang == "en" else f"Năm {year}"


FILTERS = {"money": money, "day": day, "instant": instant}
