"""The printable notices of a return (receipt 01-1/TB-TĐT, decision 01-2/TB-TĐT): data gathered, PDF rendered.

``ReturnDocuments`` serves them to a caller who may see the return (``GET /returns/{id}/receipt.pdf``,
``…/notice.pdf``, the portal); ``receipt_attachment`` and ``notice_attachment`` render them for the e-mails
(``taxoffice.mail``), which name them by the return's id.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from filings import forms
from filings.models import TaxReturn
from filings.queries import ReturnQueries
from filings.vocabulary import ReturnStatus
from registry.mappers import addressee
from registry.models import Taxpayer
from taxoffice.auth.roles import Principal
from taxoffice.documents.model import Addressee, Decision, FiledReturn, Reason
from taxoffice.documents.returns import decision_pdf, receipt_pdf
from taxoffice.errors import ConflictError, ResourceNotFoundError
from taxoffice.mail.sending import Attachment


def _form_name(ret: TaxReturn) -> str:
    form = next((f for f in forms.CATALOGUE if f.code == ret.form_code and f.valid_from == ret.form_valid_from), None)
    return form.name_vi if form is not None else f"Tờ khai {ret.form_code}"


def filed(ret: TaxReturn) -> FiledReturn:
    """What the notices say of the return itself."""
    return FiledReturn(
        transaction_code=ret.transaction_code or str(ret.id),
        form_code=ret.form_code,
        form_name=_form_name(ret),
        period=ret.period,
        amendment_no=ret.amendment_no,
        received_at=ret.received_at,
        due_on=ret.due_on,
        days_late=ret.days_late,
    )


def decision(ret: TaxReturn) -> Decision:
    """What the decision notice says: accepted with its figures, or not with the reasons; every finding listed."""
    if ret.status == ReturnStatus.RECEIVED or ret.decided_at is None:
        raise ConflictError(f"Return {ret.id} is not decided yet: its notice follows the decision.")
    return Decision(
        accepted=ret.status == ReturnStatus.ACCEPTED,
        decided_at=ret.decided_at,
        tax_payable=ret.tax_payable,
        posted_amount=ret.posted_amount,
        # A late original's fine is decided apart by an officer (None: "by a separate decision"); else there is none.
        fine=None if ret.amendment_no == 0 and ret.days_late > 0 else (ret.fine or 0),
        reasons=[Reason(f["rule"], f["severity"], f["message_vi"], f["message_en"]) for f in ret.findings],
    )


async def _addressee(session: AsyncSession, ret: TaxReturn) -> Addressee:
    taxpayer = await session.scalar(select(Taxpayer).where(Taxpayer.id == ret.taxpayer_id))
    if taxpayer is None:  # a return's taxpayer is never deleted
        raise ResourceNotFoundError(f"No taxpayer for return {ret.id}.")
    return addressee(taxpayer)


def _filename(ret: TaxReturn, what: str) -> str:
    return f"{what}-{ret.transaction_code or ret.id}.pdf"


class ReturnDocuments(ReturnQueries):
    """A return's notices as PDF, for whoever may see the return (a taxpayer only its own: 404 otherwise)."""

    async def receipt(self, actor: Principal, return_id: int) -> tuple[str, bytes]:
        """The receipt notice (01-1/TB-TĐT): its file name and PDF.

        Raises:
            ResourceNotFoundError: no such return, or not the caller's.
        """
        ret = await self.get(actor, return_id)
        return _filename(ret, "01-1-TB-TDT"), receipt_pdf(await _addressee(self.session, ret), filed(ret))

    async def notice(self, actor: Principal, return_id: int) -> tuple[str, bytes]:
        """The acceptance or rejection notice (01-2/TB-TĐT): its file name and PDF.

        Raises:
            ResourceNotFoundError: no such return, or not the caller's.
            ConflictError: the return is not decided yet.
        """
        ret = await self.get(actor, return_id)
        pdf = decision_pdf(await _addressee(self.session, ret), filed(ret), decision(ret))
        return _filename(ret, "01-2-TB-TDT"), pdf


async def _stored(session: AsyncSession, return_id: int) -> TaxReturn:
    ret = await session.get(TaxReturn, return_id)
    if ret is None:
        raise ResourceNotFoundError(f"No return {return_id}.")
    return ret


async def receipt_attachment(session: AsyncSession, return_id: int) -> Attachment:
    """The receipt notice attached to the receipt e-mail."""
    ret = await _stored(session, return_id)
    return Attachment(_filename(ret, "01-1-TB-TDT"), receipt_pdf(await _addressee(session, ret), filed(ret)))


async def notice_attachment(session: AsyncSession, return_id: int) -> Attachment:
    """The decision notice attached to the decision e-mail."""
    ret = await _stored(session, return_id)
    pdf = decision_pdf(await _addressee(session, ret), filed(ret), decision(ret))
    return Attachment(_filename(ret, "01-2-TB-TDT"), pdf)
