"""Tax-debt notices (form 01/TTN): the workbook a taxpayer receives, stored as issued, and the taxpayer's view.

The notice lists every overdue debt line of the account on the issue date (tax type, budget sub-item, period,
due date, amount outstanding, late-payment interest to the issue date), the totals, and how to pay: the State
budget revenue account, the chapter and sub-items to write, and the payment reference that ties the money
to the notice.
"""

import datetime
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from registry.errors import TaxpayerNotFoundError
from registry.models import Taxpayer
from taxoffice.accounts.account import ItemLine, Statement
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.sub_items import INTEREST_SUB_ITEMS_BY_TAX_TYPE
from taxoffice.arrears._cases import load_case
from taxoffice.arrears._proposals import refresh
from taxoffice.arrears._search import may_see_office
from taxoffice.arrears.errors import CaseClosedError, NoticeNotFoundError
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.models import ArrearsAction, DebtNotice
from taxoffice.arrears.notice_pdf import pdf_of, queue_mail
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.auth import audit
from taxoffice.auth.roles import Principal
from taxoffice.documents.model import DebtLine
from taxoffice.errors import ConflictError
from taxoffice.spreadsheet import DATE_FORMAT, MONEY_FORMAT, inert_row

# The State budget revenue account at the State Treasury (tài khoản thu ngân sách nhà nước).
BUDGET_ACCOUNT = "7111"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class NoticeSummary:
    """A notice without its document."""

    id: int
    case_id: int
    number: str
    tax_code: str
    issued_on: datetime.date
    total: int
    issued_by: str


def notice_lines(statement: Statement) -> list[DebtLine]:
    """The statement's items overdue on its day with something still owed, oldest due first."""
    return [
        DebtLine(
            item.tax_type,
            item.sub_item,
            item.period,
            item.kind,
            item.due_on,
            max((statement.as_of - item.due_on).days, 0),
            item.outstanding,
            item.interest_outstanding,
        )
        for item in sorted(statement.items, key=_by_due)
        if item.due_on < statement.as_of and (item.outstanding > 0 or item.interest_outstanding > 0)
    ]


def _by_due(item: ItemLine) -> tuple[datetime.date, int]:
    return item.due_on, item.charge_id


def payment_reference(tax_code: str, number: str) -> str:
    """What to write in the payment's description so the money is matched to this notice."""
    return f"{tax_code} {number}"


def notice_workbook(taxpayer: Taxpayer, number: str, issued_on: datetime.date, lines: list[DebtLine]) -> bytes:
    """The 01/TTN workbook: header, taxpayer, debt lines with totals, and how to pay."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = "01-TTN"

    def put(values: list[Any]) -> None:
        sheet.append(inert_row(values))  # names and addresses come from the public: never a live formula

    bold = Font(bold=True)
    put(["THÔNG BÁO TIỀN THUẾ NỢ, TIỀN PHẠT, TIỀN CHẬM NỘP", None, None, None, None, None, None, "Mẫu số 01/TTN"])
    sheet["A1"].font = bold
    put(["Số thông báo (number)", number])
    put(["Ngày (issued on)", issued_on])
    sheet["B3"].number_format = DATE_FORMAT
    put(["Cơ quan thuế (tax office)", taxpayer.tax_office])
    put(["Người nộp thuế (taxpayer)", taxpayer.name])
    put(["Mã số thuế (tax code)", taxpayer.tax_code])
    put(["Địa chỉ (address)", taxpayer.postal_address])
    put([])
    header = [
        "Loại thuế (tax type)",
        "Tiểu mục (sub-item)",
        "Kỳ thuế (period)",
        "Hạn nộp (due date)",
        "Số ngày quá hạn (days overdue)",
        "Số tiền còn nợ (outstanding)",
        f"Tiền chậm nộp đến {issued_on:%d/%m/%Y} (interest)",
        "Cộng (total)",
    ]
    put(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for line in lines:
        put(
            [
                line.tax_type,
                line.sub_item,
                line.period,
                line.due_on,
                line.days_overdue,
                line.outstanding,
                line.interest,
                line.total,
            ]
        )
        row = sheet.max_row
        sheet.cell(row, 4).number_format = DATE_FORMAT
        for column in (6, 7, 8):
            sheet.cell(row, column).number_format = MONEY_FORMAT
    outstanding = sum(line.outstanding for line in lines)
    interest = sum(line.interest for line in lines)
    put(["Tổng cộng (total)", None, None, None, None, outstanding, interest, outstanding + interest])
    total_row = sheet.max_row
    for column in (1, 6, 7, 8):
        sheet.cell(total_row, column).font = bold
    for column in (6, 7, 8):
        sheet.cell(total_row, column).number_format = MONEY_FORMAT
    put([])
    put(["Cách nộp (how to pay)"])
    sheet.cell(sheet.max_row, 1).font = bold
    put(["Tài khoản thu NSNN (budget account)", f"{BUDGET_ACCOUNT} tại Kho bạc Nhà nước nơi cơ quan thuế quản lý"])
    put(["Chương (chapter)", taxpayer.chapter])
    sub_items = sorted({line.sub_item for line in lines if line.outstanding > 0})
    put(["Tiểu mục nộp nợ (sub-items)", ", ".join(sub_items)])
    interest_items = sorted(
        {INTEREST_SUB_ITEMS_BY_TAX_TYPE.get(line.tax_type, "hỏi cơ quan thuế") for line in lines if line.interest > 0}
    )
    put(["Tiểu mục tiền chậm nộp (interest sub-items)", ", ".join(interest_items)])
    put(["Mã tham chiếu (payment reference)", payment_reference(taxpayer.tax_code, number)])
    for letter, width in zip("ABCDEFGH", (40, 44, 14, 14, 12, 20, 24, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def notice_summaries(session: AsyncSession, condition: ColumnElement[bool], tax_code: str) -> list[NoticeSummary]:
    """Notices matching ``condition``, newest first, without their documents."""
    rows = await session.execute(
        select(
            DebtNotice.id,
            DebtNotice.case_id,
            DebtNotice.number,
            DebtNotice.issued_on,
            DebtNotice.total,
            DebtNotice.issued_by,
        )
        .where(condition)
        .order_by(DebtNotice.issued_on.desc(), DebtNotice.id.desc())
    )
    return [NoticeSummary(tax_code=tax_code, **row._asdict()) for row in rows]


class NoticeService:
    """Issuing debt notices, and showing taxpayers theirs."""

    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.session = session
        self.accounts = accounts

    async def issue(
        self, actor: Principal, case_id: int, today: datetime.date, now: datetime.datetime
    ) -> NoticeSummary:
        """Make the notice for an open case as of today, store it, and record it as a ``debt_notice`` action.

        The notice is kept as a workbook and as PDF, and its e-mail to the taxpayer's registry address is written to
        the outbox in the same transaction (kept as skipped, with the reason, when there is no address).

        Raises:
            CaseNotFoundError: no such case, or another office's.
            CaseClosedError: the case is closed.
            ConflictError: nothing is overdue on the account today.
        """
        case, taxpayer = await load_case(self.session, actor, case_id, for_update=True)
        if case.status != CaseStatus.OPEN:
            raise CaseClosedError(case_id)
        lines = notice_lines(await self.accounts.statement(taxpayer.tax_code, today))
        if not lines:
            raise ConflictError(f"Nothing is overdue on {taxpayer.tax_code}'s account on {today.isoformat()}.")
        issued = await self.session.scalar(select(func.count()).where(DebtNotice.case_id == case.id))
        number = f"TTN-{today:%Y%m%d}-{case.id}-{int(issued or 0) + 1}"
        reference = payment_reference(taxpayer.tax_code, number)
        notice = DebtNotice(
            case_id=case.id,
            taxpayer_id=taxpayer.id,
            number=number,
            issued_on=today,
            total=sum(line.total for line in lines),
            issued_by=actor.username,
            document=notice_workbook(taxpayer, number, today, lines),
            pdf=pdf_of(
                taxpayer,
                number,
                today,
                lines,
                budget_account=BUDGET_ACCOUNT,
                interest_sub_items=INTEREST_SUB_ITEMS_BY_TAX_TYPE,
                payment_reference=reference,
            ),
        )
        self.session.add(notice)
        await self.session.flush()
        await queue_mail(self.session, taxpayer, notice, reference, now)
        details = {"notice_id": notice.id, "number": number, "total": notice.total}
        self.session.add(
            ArrearsAction(
                case_id=case.id,
                kind=ActionKind.DEBT_NOTICE.value,
                taken_on=today,
                officer=actor.username,
                details=details,
            )
        )
        await self.session.flush()
        await refresh(self.session, case, today)
        await audit.record(self.session, actor, "arrears.notice", "arrears_case", case.id, details)
        await self.session.flush()
        return NoticeSummary(notice.id, case.id, number, taxpayer.tax_code, today, notice.total, actor.username)

    async def _taxpayer(self, actor: Principal, tax_code: str) -> Taxpayer:
        """The taxpayer, if ``actor`` may see its notices (its own token, or staff of its office)."""
        taxpayer = await self.session.scalar(select(Taxpayer).where(Taxpayer.tax_code == tax_code))
        visible = (
            taxpayer is not None and actor.may_see_taxpayer(tax_code) and may_see_office(actor, taxpayer.tax_office)
        )
        if taxpayer is None or not visible:
            raise TaxpayerNotFoundError(tax_code)
        return taxpayer

    async def notices_of(self, actor: Principal, tax_code: str) -> list[NoticeSummary]:
        """A taxpayer's notices, newest first (without loading the documents).

        Raises:
            ResourceNotFoundError: no such taxpayer, or not one the caller may see.
        """
        taxpayer = await self._taxpayer(actor, tax_code)
        return await notice_summaries(self.session, DebtNotice.taxpayer_id == taxpayer.id, taxpayer.tax_code)

    async def document(self, actor: Principal, tax_code: str, notice_id: int) -> tuple[str, bytes]:
        """A notice's number and workbook, as issued.

        Raises:
            ResourceNotFoundError: no such taxpayer, or not one the caller may see.
            NoticeNotFoundError: no such notice of that taxpayer.
        """
        number, document = await self._kept(actor, tax_code, notice_id, DebtNotice.document)
        if document is None:  # the workbook is always kept
            raise NoticeNotFoundError(notice_id)
        return number, document

    async def pdf(self, actor: Principal, tax_code: str, notice_id: int) -> tuple[str, bytes]:
        """A notice's number and PDF, as issued (the portal and ``…/notices/{id}/pdf`` show it).

        Raises:
            ResourceNotFoundError: no such taxpayer, or not one the caller may see.
            NoticeNotFoundError: no such notice of that taxpayer.
            ConflictError: the notice was issued before PDFs were kept (its workbook is the document).
        """
        number, pdf = await self._kept(actor, tax_code, notice_id, DebtNotice.pdf)
        if pdf is None:
            raise ConflictError(f"Debt notice {number} was issued before notices were kept as PDF: see its workbook.")
        return number, pdf

    async def _kept(
        self, actor: Principal, tax_code: str, notice_id: int, column: InstrumentedAttribute[Any]
    ) -> tuple[str, bytes | None]:
        taxpayer = await self._taxpayer(actor, tax_code)
        row = (
            await self.session.execute(
                select(DebtNotice.number, column).where(
                    DebtNotice.id == notice_id, DebtNotice.taxpayer_id == taxpayer.id
                )
            )
        ).first()
        if row is None:
            raise NoticeNotFoundError(notice_id)
        return row[0], row[1]
