"""The public list of debtors (Decree 126/2020 Art. 29): published entries whose case still qualifies today.

An entry reaches the list only after an officer selected it and the head of the office confirmed it
(``publication_service.PublicationService``); a published debtor leaves the list by itself when its case stops qualifying
(paid, frozen, under a kept plan, down to a residue: ``publication.py``). Served without login, largest debt first,
searchable by tax code or name: as JSON in keyset pages, or the whole list as an XLSX workbook (amounts formatted
``#,##0``), made again only when the list changed, however many ask.
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

from registry.names import fold
from taxoffice.arrears import ladder, publication
from taxoffice.arrears.models import ArrearsCase, DebtorPublication
from taxoffice.db import replica_lag as replica_lag_of
from taxoffice.errors import FieldError, ValidationFailedError
from taxoffice.spreadsheet import MONEY_FORMAT, inert_row

PUBLISHED = "published"
SELECTED = "selected"


@dataclass(frozen=True)
class Debtor:
    """One published debtor: what the decree requires (name, tax code, address, amount, period, reason)."""

    tax_code: str
    name: str
    amount_overdue: int
    days_overdue: int
    address: str = ""
    overdue_since: datetime.date | None = None
    reason: str = ""
    published_on: datetime.date | None = None


@dataclass(frozen=True)
class DebtorListing:
    """The list (or one page of it) as of a day, and the threshold it used (more than ``over_days`` overdue).

    ``total``: debtors on the whole list (matching ``q``); ``next_after``: the key for the next page, None on the last.
    """

    as_of: datetime.date
    over_days: int
    debtors: list[Debtor]
    total: int = 0
    next_after: tuple[int, str] | None = None


# The last workbook of the whole list, by (day, number of debtors, their total, last confirmation).
_WORKBOOKS: dict[tuple[datetime.date, int, int, object], bytes] = {}


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


def qualifying(today: datetime.date) -> tuple[int, list[ColumnElement[bool]]]:
    """The threshold in days and the conditions on ``ArrearsCase`` a case meets to be published today."""
    over = ladder.rules_on(today).publish_over_days
    # days = today - oldest_due_on > over  ⇔  oldest_due_on < today - over (index on status, oldest_due_on).
    latest = today - datetime.timedelta(days=over)
    return over, [
        ArrearsCase.status == "open",
        ArrearsCase.oldest_due_on < latest,
        ArrearsCase.overdue_total >= publication.rules_on(today).min_amount,
        ArrearsCase.category.not_in([c.value for c in publication.NOT_PUBLISHED]),
        ArrearsCase.is_frozen.is_(False),  # nor partly frozen (``publication``)
    ]


def matching(q: str | None) -> list[ColumnElement[bool]]:
    """Entries whose tax code starts with ``q`` (digits) or whose name holds its words, accents ignored."""
    text = (q or "").strip()
    if not text:
        return []
    digits = text.replace("-", "").replace(" ", "")
    if digits.isdigit():
        return [DebtorPublication.tax_code.startswith(text.replace(" ", ""), autoescape=True)]
    return [DebtorPublication.name_search.contains(word, autoescape=True) for word in fold(text).split()]


class DebtorListService:
    """Reads the public debtor list."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _published(self, today: datetime.date, q: str | None) -> tuple[int, list[ColumnElement[bool]]]:
        over, conditions = qualifying(today)
        return over, [DebtorPublication.status == PUBLISHED, *conditions, *matching(q)]

    async def listing(
        self,
        today: datetime.date,
        *,
        q: str | None = None,
        limit: int | None = None,
        after: tuple[int, str] | None = None,
    ) -> DebtorListing:
        """Published debtors whose case qualifies today, largest debt first (then by tax code).

        ``q`` narrows to a tax-code prefix or name words; ``limit`` rows after the key ``after`` (amount, tax code)
        when given, else the whole list.
        """
        over, conditions = self._published(today, q)
        joined = select(func.count()).select_from(DebtorPublication).join(ArrearsCase)
        total = int(await self.session.scalar(joined.where(*conditions)) or 0)
        query = (
            select(DebtorPublication, ArrearsCase.overdue_total, ArrearsCase.oldest_due_on)
            .join(ArrearsCase, ArrearsCase.id == DebtorPublication.case_id)
            .where(*conditions)
            .order_by(ArrearsCase.overdue_total.desc(), DebtorPublication.tax_code)
        )
        if after is not None:
            amount, code = after
            query = query.where(
                or_(
                    ArrearsCase.overdue_total < amount,
                    and_(ArrearsCase.overdue_total == amount, DebtorPublication.tax_code > code),
                )
            )
        if limit is not None:
            query = query.limit(limit + 1)
        debtors = [
            Debtor(
                entry.tax_code,
                entry.name,
                amount,
                (today - oldest).days,
                entry.address,
                oldest,
                entry.reason,
                entry.confirmed_on,
            )
            for entry, amount, oldest in await self.session.execute(query)
        ]
        next_after = None
        if limit is not None and len(debtors) > limit:
            debtors = debtors[:limit]
            next_after = (debtors[-1].amount_overdue, debtors[-1].tax_code)
        return DebtorListing(today, over, debtors, total, next_after)

    async def replica_lag(self) -> float | None:
        """Seconds the replica the list is read from is behind its primary; None when read from the primary."""
        return await replica_lag_of(self.session)

    async def workbook(self, today: datetime.date) -> bytes:
        """The whole list as a workbook, made again only when the list changed (anyone may ask for it).

        The list's size and sum, and the last confirmation, tell whether it changed: one aggregate over the listed
        entries instead of writing the workbook for every request.
        """
        _over, conditions = self._published(today, None)
        size, amount, last = (
            await self.session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(ArrearsCase.overdue_total), 0),
                    func.max(DebtorPublication.updated_at),
                )
                .select_from(DebtorPublication)
                .join(ArrearsCase)
                .where(*conditions)
            )
        ).one()
        key = (today, int(size), int(amount), last)
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
        "Địa chỉ (address)",
        "Nợ từ ngày (overdue since)",
        "Lý do (reason)",
    ]
    sheet.append(header)
    for number, debtor in enumerate(listing.debtors, start=1):
        amount = WriteOnlyCell(sheet, debtor.amount_overdue)
        amount.number_format = MONEY_FORMAT
        since = f"{debtor.overdue_since:%d/%m/%Y}" if debtor.overdue_since else ""
        values = [number, debtor.tax_code, debtor.name, amount, debtor.days_overdue, debtor.address, since]
        sheet.append(inert_row([*values, debtor.reason]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
