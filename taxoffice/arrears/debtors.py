"""The public list of debtors: taxpayers with an open case more than 90 days overdue today (DOMAIN.md §8).

Served without login, largest debt first: as JSON in keyset pages, or the whole list as an XLSX workbook (amounts
formatted ``#,##0``), made again only when the list changed, however many ask.
"""

import base64
import datetime
import io
import json
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.arrears import ladder
from taxoffice.arrears.models import ArrearsCase
from taxoffice.arrears.vocabulary import FLAG_JOB, CaseStatus
from taxoffice.errors import FieldError, ValidationFailedError
from taxoffice.jobruns.models import JobRun, JobStatus
from taxoffice.spreadsheet import MONEY_FORMAT, inert_row


@dataclass(frozen=True)
class Debtor:
    """One published debtor."""

    tax_code: str
    name: str
    amount_overdue: int
    days_overdue: int


@dataclass(frozen=True)
class DebtorListing:
    """The list (or one page of it) as of a day, and the threshold it used (more than ``over_days`` overdue).

    ``total``: debtors on the whole list; ``next_after``: the key to pass for the next page, None on the last.
    """

    as_of: datetime.date
    over_days: int
    debtors: list[Debtor]
    total: int = 0
    next_after: tuple[int, str] | None = None


# The last workbook of the whole list, by (day, last flag-arrears run, number of debtors, their total).
_WORKBOOKS: dict[tuple[datetime.date, object, int, int], bytes] = {}


def encode_after(after: tuple[int, str]) -> str:
    """The opaque cursor of the page after the debtor (amount, tax code)."""
    return base64.urlsafe_b64encode(json.dumps(list(after)).encode()).decode()


def decode_after(cursor: str) -> tuple[int, str]:
    """The (amount, tax code) a cursor stands after; ``ValidationFailedError`` when it is not one of ours."""
    try:
        amount, code = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(amount, int) or not isinstance(code, str):
        raise _bad_cursor()
    return amount, code


def _bad_cursor() -> ValidationFailedError:
    return ValidationFailedError(
        "The cursor is not one this list gave.",
        errors=[FieldError("cursor", "cursor.invalid", "Pass next_cursor from the previous page unchanged.")],
    )


class DebtorListService:
    """Reads the public debtor list."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _published(self, today: datetime.date) -> tuple[int, list[ColumnElement[bool]]]:
        over = ladder.rules_on(today).publish_over_days
        # days = today - oldest_due_on > over  ⇔  oldest_due_on < today - over (index on status, oldest_due_on).
        latest = today - datetime.timedelta(days=over)
        return over, [
            ArrearsCase.status == CaseStatus.OPEN,
            ArrearsCase.oldest_due_on < latest,
            ArrearsCase.overdue_total > 0,
        ]

    async def listing(
        self, today: datetime.date, *, limit: int | None = None, after: tuple[int, str] | None = None
    ) -> DebtorListing:
        """Open cases more than the ladder's publication threshold overdue today (``ladder.on_public_list``).

        Largest debt first (then by tax code); ``limit`` rows after the key ``after`` (amount, tax code) when
        given, else the whole list.
        """
        over, conditions = self._published(today)
        total = int(await self.session.scalar(select(func.count()).select_from(ArrearsCase).where(*conditions)) or 0)
        query = (
            select(ArrearsCase.tax_code, Taxpayer.name, ArrearsCase.overdue_total, ArrearsCase.oldest_due_on)
            .join(Taxpayer, Taxpayer.id == ArrearsCase.taxpayer_id)
            .where(*conditions)
            .order_by(ArrearsCase.overdue_total.desc(), ArrearsCase.tax_code)
        )
        if after is not None:
            amount, code = after
            query = query.where(
                or_(
                    ArrearsCase.overdue_total < amount,
                    and_(ArrearsCase.overdue_total == amount, ArrearsCase.tax_code > code),
                )
            )
        if limit is not None:
            query = query.limit(limit + 1)
        debtors = [
            Debtor(tax_code, name, amount, (today - oldest).days)
            for tax_code, name, amount, oldest in await self.session.execute(query)
            if ladder.on_public_list((today - oldest).days, today)
        ]
        next_after = None
        if limit is not None and len(debtors) > limit:
            debtors = debtors[:limit]
            next_after = (debtors[-1].amount_overdue, debtors[-1].tax_code)
        return DebtorListing(today, over, debtors, total, next_after)

    async def workbook(self, today: datetime.date) -> bytes:
        """The whole list as a workbook, made again only when the list changed (anyone may ask for it).

        The list's size and sum, and the last ``flag-arrears`` run, tell whether it changed: one aggregate over
        the listed cases instead of writing the workbook for every request.
        """
        _over, conditions = self._published(today)
        size, amount = (
            await self.session.execute(
                select(func.count(), func.coalesce(func.sum(ArrearsCase.overdue_total), 0)).where(*conditions)
            )
        ).one()
        run = await self.session.scalar(
            select(func.max(JobRun.id)).where(JobRun.name == FLAG_JOB, JobRun.status == JobStatus.SUCCEEDED)
        )
        key = (today, run, int(size), int(amount))
        if key not in _WORKBOOKS:
            _WORKBOOKS.clear()
            _WORKBOOKS[key] = debtors_workbook(await self.listing(today))
        return _WORKBOOKS[key]


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
        amount.number_format = MONEY_FORMAT
        sheet.append(inert_row([number, debtor.tax_code, debtor.name, amount, debtor.days_overdue]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
