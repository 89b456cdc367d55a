"""Receiving, validating and accepting e-returns.

Acceptance, the period's status and the account's charge change in one transaction (DESIGN.md §5.2).
"""

import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from filings import checking, mailing, receipts
from filings.arrival import accept, accept_on_arrival, fine_draft, new_return, tax_charge
from filings.intake import Envelope, read_submission
from filings.models import TaxReturn
from filings.provisional import provisional_charges, split_final
from filings.queries import ReturnQueries
from filings.receipts import (
    RECEIPT_COLUMNS,
    STAMPED_COLUMNS,
    Checked,
    findings_json,
    office_finding,
)
from filings.settling import DecidedMeanwhileError, settle, stored
from filings.vocabulary import ReturnStatus
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ, WorkingCalendar
from taxoffice.db import autocommit_when_free
from taxoffice.fastpaths import one_statement_writes
from taxoffice.workdays.services import CalendarService

# The largest return accepted (JSON or XML).
RETURN_MAX_BYTES = 2_000_000


class FilingService(ReturnQueries):
    """E-returns: receipt, validation, acceptance, amendments (and, inherited, reading them)."""

    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        super().__init__(session)
        self.accounts = accounts

    async def working_calendar(self) -> WorkingCalendar:
        """The working calendar with the office's overrides (the calendar service's short per-process cache)."""
        return await CalendarService(self.session).calendar()

    async def check(
        self, actor: Principal, envelope: Envelope, received_on: datetime.date, calendar: WorkingCalendar
    ) -> Checked:
        """Everything but storing: raises when the return cannot be received, else says what the office found."""
        return await checking.check(checking.SessionReads(self.session), actor, envelope, received_on, calendar)

    async def find_by_key(self, actor: Principal, key: str) -> TaxReturn | None:
        """The return this user already sent with this idempotency key."""
        return await self.session.scalar(
            select(TaxReturn).where(TaxReturn.submitted_by == actor.username, TaxReturn.idempotency_key == key)
        )

    async def receive(
        self, actor: Principal, checked: Checked, received_at: datetime.datetime, idempotency_key: str | None
    ) -> TaxReturn:
        """Store the receipt and commit it, before deciding, so nothing received is lost.

        Written as Core (the receipt path is the hot one, and the ORM's unit of work costs more than the database
        here): on PostgreSQL one statement draws the id and writes the row with its transaction code, which is made
        of that id; elsewhere the row, then its transaction code.
        """
        ret = new_return(actor, checked, received_at, idempotency_key)
        day = f"{received_at.astimezone(VN_TZ):%y%m%d}"
        connection = await self.session.connection()
        if one_statement_writes(connection):
            ret.created_at = ret.updated_at = received_at
            params = {f"b_{column}": getattr(ret, column) for column in STAMPED_COLUMNS}
            mail = mailing.receipt_parts(ret.tax_code, ret.form_code, ret.period, received_at)
            stored = (await connection.execute(mailing.RECEIVE_WITH_MAIL, {"b_day": day, **params, **mail})).one()
            ret.id, ret.transaction_code = stored.id, stored.transaction_code
        else:
            row = {column: getattr(ret, column) for column in RECEIPT_COLUMNS}
            ret.id = (await connection.execute(receipts.INSERT_RECEIPT, row)).scalar_one()
            ret.transaction_code = f"{day}{ret.id:011d}"
            await connection.execute(receipts.SET_TRANSACTION_CODE, {"b_id": ret.id, "b_code": ret.transaction_code})
            await mailing.queue_plain(connection, mailing.RECEIPT_MAIL, mailing.receipt_params(ret))
        await self.session.commit()
        return ret

    async def decide(
        self, ret: TaxReturn, checked: Checked, calendar: WorkingCalendar, now: datetime.datetime
    ) -> TaxReturn:
        """Accept (posting the charge and, for a late original, the draft of its fine, in one transaction) or reject.

        The receipt is committed already: when another return for the period was accepted meanwhile, the
        acceptance is rolled back as a whole and the receipt is rejected instead. When this return itself was
        decided meanwhile (a replay, the sweeper: filings/settling.py), that decision stands and is returned.
        """
        try:
            return await self._decide(ret, checked, calendar, now)
        except DecidedMeanwhileError as meanwhile:
            await self.session.rollback()
            return await stored(self.session, meanwhile.return_id)

    async def _decide(
        self, ret: TaxReturn, checked: Checked, calendar: WorkingCalendar, now: datetime.datetime
    ) -> TaxReturn:
        assessment = checked.assessment
        ret.computed = assessment.computed
        ret.tax_payable = assessment.tax_payable
        ret.decided_at = now
        findings = checked.findings
        if checked.previous is None:
            await autocommit_when_free(self.session)  # the decision is one statement: atomic without a transaction
        if checked.acceptable:
            try:
                await self._accept(ret, checked, calendar)
            except IntegrityError:
                await self.session.rollback()
                findings = [
                    *findings,
                    office_finding(
                        "DUPLICATE-PERIOD",
                        (),
                        ret.period,
                        "Kỳ này vừa được chấp nhận một tờ khai khác.",
                        "Another return for this period was accepted meanwhile.",
                    ),
                ]
                ret.status, ret.is_current, ret.posted_amount, ret.fine = ReturnStatus.REJECTED, False, None, None
            else:
                return ret
        else:
            ret.status = ReturnStatus.REJECTED
        ret.findings = findings_json(findings)
        await self._store_decision(ret)
        return ret

    async def _store_decision(self, ret: TaxReturn) -> None:
        if not await mailing.store_decision(await self.session.connection(), ret):
            raise DecidedMeanwhileError(ret.id)

    async def _accept(self, ret: TaxReturn, checked: Checked, calendar: WorkingCalendar) -> None:
        previous_payable = checked.previous.tax_payable or 0 if checked.previous is not None else 0
        if checked.previous is not None:
            await (await self.session.connection()).execute(receipts.NOT_CURRENT, {"b_id": checked.previous.id})
        accept(ret, checked, previous_payable)
        charges = [tax_charge(ret, checked)]
        if checked.form.tax_type == "CIT" and ret.amendment_no == 0:
            year = int(ret.period[:4])
            figures = {**ret.values, **ret.computed}
            charges = split_final(charges[0], figures, year, calendar.is_working_day)
            charges += await provisional_charges(
                self.session, ret.taxpayer_id, ret.tax_code, year, calendar.is_working_day
            )
        # A fine is decided by an officer: a late original's acceptance writes only its draft.
        # The unique index on accepted returns settles a race with another acceptance of the period here.
        # The acceptance, its draft fine and its charges: all or nothing, owned by the ledger (one statement on
        # PostgreSQL).
        if not await self.accounts.post_with(mailing.acceptance(ret, fine_draft(ret, checked)), charges):
            raise DecidedMeanwhileError(ret.id)  # decided meanwhile: no charge was posted either

    async def submit(
        self,
        actor: Principal,
        body: bytes,
        content_type: str,
        idempotency_key: str | None,
        now: datetime.datetime,
        calendar: WorkingCalendar,
    ) -> tuple[TaxReturn, bool]:
        """Receive and decide a return; returns it and whether it is new (False: a retry with the same key)."""
        await autocommit_when_free(self.session)
        if idempotency_key and (existing := await self.find_by_key(actor, idempotency_key)) is not None:
            return await settle(self, actor, existing, calendar, now), False
        envelope = read_submission(body, content_type, max_bytes=RETURN_MAX_BYTES)
        checked = await self.check(actor, envelope, now.astimezone(VN_TZ).date(), calendar)
        if one_statement_writes(self.session) and (
            ret := await accept_on_arrival(self.accounts.post_with_answer, actor, checked, now, idempotency_key)
        ):
            return ret, True
        try:
            ret = await self.receive(actor, checked, now, idempotency_key)
        except IntegrityError:
            await self.session.rollback()
            existing = await self.find_by_key(actor, idempotency_key) if idempotency_key else None
            if existing is None:
                raise
            return await settle(self, actor, existing, calendar, now), False
        return await self.decide(ret, checked, calendar, now), True

    async def validate(
        self, actor: Principal, body: bytes, content_type: str, now: datetime.datetime, calendar: WorkingCalendar
    ) -> Checked:
        """The same checks and figures as a submission; nothing is stored."""
        envelope = read_submission(body, content_type, max_bytes=RETURN_MAX_BYTES)
        return await self.check(actor, envelope, now.astimezone(VN_TZ).date(), calendar)
