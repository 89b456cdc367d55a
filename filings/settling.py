"""Deciding a return whose decision was interrupted: receipt committed (``received``), decision never stored.

A return is received (committed) and then decided. When the process dies, or the database goes away, in between,
the receipt stays ``received``. Whoever comes next decides it from the bytes received, with the same checks: a
replay of the submission with the same Idempotency-Key (``FilingService.submit``; a replay never answers before
the decision) or the sweeper job (``filings.sweeper``).

A return is decided once. The decision statements store only on a return still ``received``
(``receipts.STORE_DECISION``); whoever finds it decided already (``DecidedMeanwhileError``) rolls back its own
decision and its charges and answers with the one stored.
"""

import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from filings import mailing
from filings.errors import AlreadyFiledError, NothingToAmendError
from filings.intake import Envelope, read_submission
from filings.models import TaxReturn
from filings.receipts import Checked, findings_json, office_finding
from filings.vocabulary import ReturnStatus
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ, WorkingCalendar

# The media type each stored ``source_format`` was read as.
_MEDIA = {"json": "application/json", "xml": "application/xml"}


class DecidedMeanwhileError(Exception):
    """The return was decided by someone else (a replay, the sweeper) while this decision was being made."""

    def __init__(self, return_id: int) -> None:
        super().__init__(f"Return {return_id} was decided meanwhile.")
        self.return_id = return_id


class Decider(Protocol):
    """What settling needs of the filing service (``filings.services.FilingService``)."""

    session: AsyncSession

    async def check(
        self, actor: Principal, envelope: Envelope, received_on: datetime.date, calendar: WorkingCalendar
    ) -> Checked:
        """The office's checks and figures; raises when the return cannot be received."""
        ...

    async def decide(
        self, ret: TaxReturn, checked: Checked, calendar: WorkingCalendar, now: datetime.datetime
    ) -> TaxReturn:
        """Accept or reject a received return at ``now``."""
        ...


async def stored(session: AsyncSession, return_id: int) -> TaxReturn:
    """The return as stored now."""
    ret = await session.get(TaxReturn, return_id, populate_existing=True)
    if ret is None:  # receipts are never deleted
        msg = f"Return {return_id} is gone."
        raise LookupError(msg)
    return ret


def envelope_of(ret: TaxReturn) -> Envelope:
    """The submission read again from the bytes received (they were readable when received)."""
    return read_submission(ret.document, _MEDIA[ret.source_format], max_bytes=len(ret.document))


async def settle(
    filings: Decider, actor: Principal, ret: TaxReturn, calendar: WorkingCalendar, now: datetime.datetime
) -> TaxReturn:
    """``ret`` as decided: as stored when it is, else checked again as on the day received and decided at ``now``.

    ``actor`` sent the return (a replay) or is the sweeper. When another return for the period was accepted since,
    this one is rejected as the original decision would have rejected it then.
    """
    if ret.status != ReturnStatus.RECEIVED:
        return ret
    received_on = ret.received_at.astimezone(VN_TZ).date()
    try:
        checked = await filings.check(actor, envelope_of(ret), received_on, calendar)
    except (AlreadyFiledError, NothingToAmendError):
        checked = None  # accepted meanwhile: this very return (by a concurrent decision), or another one
    if checked is None or checked.amendment_no != ret.amendment_no:
        current = await stored(filings.session, ret.id)
        return (
            current
            if current.status != ReturnStatus.RECEIVED
            else await _reject_as_duplicate(filings.session, current, now)
        )
    # End the reads' transaction: the decision opens its own (or none, when it is one statement).
    await filings.session.commit()
    return await filings.decide(ret, checked, calendar, now)


async def _reject_as_duplicate(session: AsyncSession, ret: TaxReturn, now: datetime.datetime) -> TaxReturn:
    finding = office_finding(
        "DUPLICATE-PERIOD",
        (),
        ret.period,
        "Kỳ này vừa được chấp nhận một tờ khai khác.",
        "Another return for this period was accepted meanwhile.",
    )
    ret.status, ret.is_current, ret.posted_amount, ret.fine = ReturnStatus.REJECTED, False, None, None
    ret.findings = findings_json([finding])
    ret.decided_at = now
    return_id = ret.id
    if not await mailing.store_decision(await session.connection(), ret):
        await session.rollback()
        return await stored(session, return_id)
    return ret
