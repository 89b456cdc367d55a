"""The public list of debtors: taxpayers with an open case more than 90 days overdue today (DOMAIN.md §8).

Served without login, as JSON or as an XLSX workbook (amounts formatted ``#,##0``); largest debt first.
"""

import datetime
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.arrears import ladder
from taxoffice.arrears.models import ArrearsCase

MONEY = "#,##0"


@dataclass(frozen=True)
class Debtor:
    """One published debtor."""

    tax_code: str
    name: str
    amount_overdue: int
    days_overdue: int


@dataclass(frozen=True)
class DebtorListing:
    """The list as of a day, and the threshold it used (more than ``over_days`` days overdue)."""

    as_of: datetime.date
    over_days: int
    debtors: list[Debtor]


class DebtorListService:
    """Reads the public debtor list."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def listing(self, today: datetime.date) -> DebtorListing:
        """Open cases more than the ladder's publication threshold overdue today (``ladder.on_public_list``)."""
        over = ladder.rules_on(today).publish_over_days
        # days = today - oldest_due_on > over  ⇔  oldest_due_on < today - over (index on status, oldest_due_on).
        latest = today - datetime.timedelta(days=over)
        rows = await self.session.execute(
            select(ArrearsCase.tax_code, Taxpayer.name, ArrearsCase.overdue_total, ArrearsCase.oldest_due_on)
            .join(Taxpayer, Taxpayer.id == ArrearsCase.taxpayer_id)
            .where(ArrearsCase.status == "open", ArrearsCase.oldest_due_on < latest, ArrearsCase.overdue_total > 0)
            .order_by(ArrearsCase.overdue_total.desc(), ArrearsCase.tax_code)
        )
        debtors = [
            Debtor(tax_code, name, amount, (today - oldest).days)
            for tax_code, name, amount, oldest in rows
            if ladder.on_public_list((today - oldest).days, today)
        ]
        return DebtorListing(today, over, debtors)


def debtors_workbook(listing: DebtorListing) -> bytes:
    """The list as an XLSX workbook (written row by row: the list may be long)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách nợ thuế")
    title = WriteOnlyCell(
        sheet, f"Người nộp thuế nợ quá {listing.over_days} ngày tính đến {listing.as_of:%d/%m/%Y} (debtors)"
    )
    title.font = Font(bold=True)
    sheet.append([title])
    header = [
        "STT (no.)",
        "Mã số thuế (tax code)",
        "Tên người nộp thuế (name)",
        "Số tiền nợ (amount overdue)",
        "Số ngày quá hạn (days overdue)",
    ]
    sheet.append(header)
    for number, debtor in enumerate(listing.debtors, start=1):
        amount = WriteOnlyCell(sheet, debtor.amount_overdue)
        amount.number_format = MONEY
        sheet.append([number, debtor.tax_code, debtor.name, amount, debtor.days_overdue])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
