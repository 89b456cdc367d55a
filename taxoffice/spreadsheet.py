"""Text the office writes into spreadsheets (XLSX workbooks, CSV for spreadsheets), made inert. Pure.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` is read as a formula by Excel, LibreOffice and Google
Sheets (openpyxl itself writes a string starting with ``=`` as a formula), and a leading tab or carriage return
can hide one; a taxpayer's name or address, a payer's name, anything typed by the public could then run
``=HYPERLINK(…)`` or worse in an officer's spreadsheet. Every text value is passed through ``inert`` on its way
into a cell: such text gets a leading apostrophe (the OWASP "CSV injection" advice), which the spreadsheet shows
and never evaluates. Numbers and dates are left alone: only text can carry a formula.
"""

from collections.abc import Iterable
from typing import TypeVar, cast

# Number formats of the office's cells: integer đồng (and counts) with thousands separators; dates day first.
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
# What a spreadsheet may take as the start of a formula (or to hide one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

T = TypeVar("T")


def inert_text(text: str) -> str:
    """``text``, with an apostrophe in front when a spreadsheet could read it as a formula."""
    return QUOTE + text if text.startswith(FORMULA_STARTS) else text


def inert(value: T) -> T:
    """``value`` made inert if it is text (``inert_text``); any other value unchanged."""
    if isinstance(value, str):
        return cast("T", inert_text(value))
    return value


def inert_row(values: Iterable[T]) -> list[T]:
    """A row of cell values, each made inert."""
    return [inert(value) for value in values]
