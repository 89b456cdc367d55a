"""Turning the cells of one data row into a ``StatementRow`` or a ``RowProblem``. Pure."""

import datetime
from collections.abc import Callable, Iterator, Sequence

import taxoffice.accounts.bank_statements._fields as cell
from taxoffice.accounts.bank_statements._columns import locate
from taxoffice.accounts.bank_statements._model import (
    MAX_PAYER_NAME,
    MAX_TAX_OFFICE,
    RowProblem,
    StatementError,
    StatementRow,
)
from taxoffice.accounts.order_reference import find_reference

Records = Iterator[tuple[int, Sequence[object]]]
"""(row number as the user sees it, the row's cells) for every row of a file, blank ones included."""


def is_blank_row(cells: Sequence[object]) -> bool:
    """Whether every cell of a row is empty or spaces (a row of ``;;;`` is blank too)."""
    if cells and isinstance(first := cells[0], str) and first.strip():
        return False  # the usual row, quickly
    return all(cell.is_blank(value) for value in cells)


class RowReader:
    """Reads the data rows of a statement whose header has been located."""

    def __init__(self, columns: dict[str, int], today: datetime.date) -> None:
        """Reads rows laid out as ``columns`` (canonical name → 0-based index), dates checked against ``today``."""
        self._today = today
        self._bank_ref = columns["bank_ref"]
        self._tax_code = columns["tax_code"]
        self._amount = columns["amount"]
        self._paid_on = columns["paid_on"]
        self._payer_name = columns.get("payer_name")
        self._period = columns.get("period")
        self._sub_item = columns.get("sub_item")
        self._chapter = columns.get("chapter")
        self._tax_office = columns.get("tax_office")
        self._reference_columns = [columns[name] for name in ("order_reference", "description") if name in columns]
        self._columns = columns
        self._width = max(columns.values()) + 1
        readers: dict[str, Callable[[object], object]] = {
            "bank_ref": cell.bank_ref,
            "tax_code": cell.tax_code,
            "amount": cell.amount,
            "paid_on": self._paid_on_cell,
            "payer_name": self._payer_name_cell,
            "period": cell.period,
            "sub_item": self._sub_item_cell,
            "chapter": self._chapter_cell,
            "tax_office": self._tax_office_cell,
        }
        self._readers = [(column, read) for column, read in readers.items() if column in columns]

    def _reference(self, cells: Sequence[object]) -> str | None:
        """The payment-order reference of the row: its own column first, then the transfer description."""
        for index in self._reference_columns:
            value = cells[index]
            if isinstance(value, str) and (found := find_reference(value)) is not None:
                return found
        return None

    def _tax_code_or_blank(self, raw: object, reference: str | None) -> str:
        """The row's tax code; with a payment-order reference a blank or invalid one is ``""`` (the order's wins)."""
        try:
            return cell.tax_code(raw)
        except cell.CellError:
            if reference is None:
                raise
            return ""

    def _paid_on_cell(self, raw: object) -> datetime.date:
        return cell.paid_on(raw, self._today)

    @staticmethod
    def _payer_name_cell(raw: object) -> str | None:
        return cell.text(raw, "payer_name", MAX_PAYER_NAME)

    @staticmethod
    def _tax_office_cell(raw: object) -> str | None:
        return cell.text(raw, "tax_office", MAX_TAX_OFFICE)

    @staticmethod
    def _sub_item_cell(raw: object) -> str | None:
        return cell.digits(raw, "sub_item", 4)

    @staticmethod
    def _chapter_cell(raw: object) -> str | None:
        return cell.digits(raw, "chapter", 3)

    def read(self, number: int, cells: Sequence[object]) -> StatementRow | RowProblem:
        """The row numbered ``number``, or every problem it has (a missing trailing cell counts as empty)."""
        if len(cells) < self._width:
            cells = [*cells, *([None] * (self._width - len(cells)))]
        reference = self._reference(cells) if self._reference_columns else None
        try:
            return StatementRow(
                number,
                cell.bank_ref(cells[self._bank_ref]),
                self._tax_code_or_blank(cells[self._tax_code], reference),
                cell.amount(cells[self._amount]),
                cell.paid_on(cells[self._paid_on], self._today),
                None if self._payer_name is None else self._payer_name_cell(cells[self._payer_name]),
                None if self._period is None else cell.period(cells[self._period]),
                None if self._sub_item is None else self._sub_item_cell(cells[self._sub_item]),
                None if self._chapter is None else self._chapter_cell(cells[self._chapter]),
                None if self._tax_office is None else self._tax_office_cell(cells[self._tax_office]),
                reference,
            )
        except cell.CellError:
            return self._problem(number, cells)

    def _problem(self, number: int, cells: Sequence[object]) -> RowProblem:
        """Every problem of a row known to have one, in column order."""
        problems: list[tuple[str, str]] = []
        lenient = self._reference(cells) is not None if self._reference_columns else False
        for column, read in self._readers:
            if lenient and column == "tax_code":
                continue
            try:
                read(cells[self._columns[column]])
            except cell.CellError as exc:
                problems.append((column, str(exc)))
        return RowProblem(number, "; ".join(reason for _, reason in problems), problems[0][0] if problems else None)


def statement_rows(records: Records, today: datetime.date) -> Iterator[StatementRow | RowProblem]:
    """The first non-blank record is the header; every later non-blank record becomes a row or a problem.

    Raises:
        StatementError: there is no header row, or it lacks a required column.
    """
    for _, cells in records:
        if not is_blank_row(cells):
            reader = RowReader(locate(cells), today)
            break
    else:
        raise StatementError("the file is empty: it has no header row")
    for number, cells in records:
        if not is_blank_row(cells):
            yield reader.read(number, cells)
