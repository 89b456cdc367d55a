"""A taxpayer's account statement as an XLSX workbook: the figures of ``Statement``, none recomputed.

Headings are in both languages (Vietnamese first); every text cell goes through ``taxoffice.spreadsheet.inert``.
"""

import datetime
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from taxoffice.accounts.account import Statement, running_balances
from taxoffice.spreadsheet import DATE_FORMAT, MONEY_FORMAT, inert_row

ITEM_HEADER = (
    "Loại thuế (tax)",
    "Tiểu mục (sub-item)",
    "Kỳ (period)",
    "Khoản (kind)",
    "Hạn nộp (due on)",
    "Số phải nộp (amount)",
    "Đã nộp (paid)",
    "Còn nợ (outstanding)",
    "Tiền chậm nộp còn nợ (interest owed)",
    "Số ngày quá hạn (days overdue)",
)
LINE_HEADER = (
    "Ngày (date)",
    "Nghiệp vụ (entry)",
    "Số tiền (amount)",
    "Tham chiếu (reference)",
    "Chi tiết (detail)",
    "Số dư (balance)",
)


def _bold(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(sheet, text)
    cell.font = Font(bold=True)
    return cell


def _formatted(sheet: WriteOnlyWorksheet, value: int | datetime.date, number_format: str) -> Cell:
    # A day is written as midnight of that day (openpyxl's types know datetimes, not dates); the format shows the day.
    cell = WriteOnlyCell(sheet, value if isinstance(value, int) else datetime.datetime.combine(value, datetime.time()))
    cell.number_format = number_format
    return cell


def account_workbook(statement: Statement) -> bytes:
    """The statement: a summary, the open position per charge, and every entry with the balance after it."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Tổng hợp")
    summary.append([_bold(summary, f"Tài khoản thuế {statement.tax_code} ngày {statement.as_of:%d/%m/%Y} (account)")])
    for label, amount in (
        ("Tiền thuế còn nợ (tax owed)", statement.outstanding),
        ("Tiền chậm nộp đến hôm nay (interest to the day)", statement.interest),
        ("Tiền phạt còn nợ (fines owed)", statement.fines),
        ("Tổng phải nộp (total due)", statement.total_due),
        ("Số nộp thừa (credit)", statement.credit),
    ):
        summary.append(inert_row([label, _formatted(summary, amount, MONEY_FORMAT)]))
    items = book.create_sheet("Khoản phải nộp")
    items.append([_bold(items, heading) for heading in ITEM_HEADER])
    for item in statement.items:
        money = [_formatted(items, v, MONEY_FORMAT) for v in (item.amount, item.paid, item.outstanding)]
        row = [
            item.tax_type,
            item.sub_item,
            item.period,
            item.kind,
            _formatted(items, item.due_on, DATE_FORMAT),
            *money,
        ]
        items.append(inert_row([*row, _formatted(items, item.interest_outstanding, MONEY_FORMAT), item.days_overdue]))
    lines = book.create_sheet("Sổ chi tiết")
    lines.append([_bold(lines, heading) for heading in LINE_HEADER])
    for line, balance in zip(statement.lines, running_balances(statement.lines), strict=True):
        lines.append(
            inert_row(
                [
                    _formatted(lines, line.on, DATE_FORMAT),
                    line.entry + (" (pending)" if line.pending else ""),
                    _formatted(lines, line.amount, MONEY_FORMAT),
                    line.reference,
                    line.detail,
                    _formatted(lines, balance, MONEY_FORMAT),
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
