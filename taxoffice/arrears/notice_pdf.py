"""A debt notice (01/TTN) as PDF, and the e-mail that carries it to the taxpayer.

The PDF is rendered once, when the notice is issued, and kept with it (``DebtNotice.pdf``) beside the workbook:
both are the notice as issued, whatever the account shows later. The e-mail is written to the outbox in the
issuing transaction and names the PDF by the notice's id (``debt-notice:<id>``).
"""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.mappers import addressee
from registry.models import Taxpayer
from taxoffice.arrears.models import DebtNotice
from taxoffice.documents.debt import debt_notice_pdf
from taxoffice.documents.model import DebtLine, DebtNoticeData, HowToPay
from taxoffice.errors import ResourceNotFoundError
from taxoffice.mail import outbox
from taxoffice.mail.sending import Attachment
from taxoffice.money import format_dong

DEBT_NOTICE_MAIL = "debt-notice"
_SUB_ITEM_UNKNOWN = "hỏi cơ quan thuế"


def pdf_of(
    taxpayer: Taxpayer,
    number: str,
    issued_on: datetime.date,
    lines: list[DebtLine],
    *,
    budget_account: str,
    interest_sub_items: dict[str, str],
    payment_reference: str,
) -> bytes:
    """The notice's PDF: the same lines, totals and payment instructions as its workbook."""
    pay = HowToPay(
        budget_account=budget_account,
        chapter=taxpayer.chapter,
        sub_items=sorted({line.sub_item for line in lines if line.outstanding > 0}),
        interest_sub_items=sorted(
            {interest_sub_items.get(line.tax_type, _SUB_ITEM_UNKNOWN) for line in lines if line.interest > 0}
        ),
        payment_reference=payment_reference,
    )
    return debt_notice_pdf(addressee(taxpayer), DebtNoticeData(number, issued_on, lines, pay))


async def queue_mail(
    session: AsyncSession, taxpayer: Taxpayer, notice: DebtNotice, payment_reference: str, now: datetime.datetime
) -> None:
    """Write the notice's e-mail to the outbox, in the issuing transaction (skipped when there is no address)."""
    body = (
        f"Kính gửi người nộp thuế {taxpayer.name} (mã số thuế {taxpayer.tax_code}),\n\n"
        f"Cơ quan thuế thông báo tiền thuế nợ, tiền phạt, tiền chậm nộp tính đến ngày {notice.issued_on:%d/%m/%Y}: "
        f"tổng cộng {format_dong(notice.total)} đồng (thông báo số {notice.number}, mẫu 01/TTN, đính kèm).\n"
        f"Khi nộp tiền, ghi mã tham chiếu: {payment_reference}\n\n"
        f"Tax debt notice {notice.number}: {format_dong(notice.total)} VND is overdue; the notice is attached.\n"
    )
    await outbox.queue(
        session,
        kind=DEBT_NOTICE_MAIL,
        recipient=taxpayer.email,
        subject=f"Thông báo tiền thuế nợ số {notice.number} - {taxpayer.tax_code}",
        body=body,
        now=now,
        attachment=f"{DEBT_NOTICE_MAIL}:{notice.id}",
    )


async def debt_notice_attachment(session: AsyncSession, notice_id: int) -> Attachment:
    """The PDF kept with an issued notice, attached to its e-mail."""
    row = (await session.execute(select(DebtNotice.number, DebtNotice.pdf).where(DebtNotice.id == notice_id))).first()
    if row is None or row.pdf is None:
        raise ResourceNotFoundError(f"No PDF of debt notice {notice_id}.")
    return Attachment(f"{row.number}.pdf", row.pdf)
