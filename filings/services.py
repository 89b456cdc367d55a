"""Receiving, validating and accepting e-returns.

Acceptance, the period's status and the account's charge change in one transaction (DESIGN.md §5.2).
"""

import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from filings import forms, mailing, receipts
from filings.arrival import accept, accept_on_arrival, fine_draft, form_values, new_return, tax_charge
from filings.errors import (
    AlreadyFiledError,
    NothingToAmendError,
    PeriodNotEndedError,
    UnknownFormError,
    WrongPeriodKindError,
)
from filings.forms import FormVersion, assess
from filings.intake import Envelope, read_submission
from filings.integrity import registry_findings
from filings.lateness import first_rejected_receipt
from filings.models import TaxReturn
from filings.parameters import return_parameters
from filings.periods import Period, effective_deadline
from filings.provisional import provisional_charges, split_final
from filings.queries import ReturnQueries
from filings.receipts import (
    RECEIPT_COLUMNS,
    STAMPED_COLUMNS,
    Checked,
    Filer,
    Standing,
    findings_json,
    form_version_finding,
    office_finding,
)
from filings.settling import DecidedMeanwhileError, settle, stored
from filings.vocabulary import ReturnKind, ReturnStatus
from registry.errors import TaxpayerNotFoundError
from registry.services import visible_code
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

    async def _require_taxpayer(self, code: str) -> None:
        """A 404 for an unknown tax code, before any other refusal (as when the filer is read first)."""
        if await self.session.scalar(receipts.TAXPAYER_EXISTS, {"code": code}) is None:
            raise TaxpayerNotFoundError(code)

    async def _filer_and_history(
        self, code: str, form: FormVersion, period: Period, place: str
    ) -> tuple[Filer, Standing | None, dict[str, int] | None, bool]:
        """The filer, the period's standing return, the previous period's figures, an earlier rejection's mark.

        One query for all four: the taxpayer joined to the returns accepted for the period and the period before
        (figures carried forward), with whether an original of the period was rejected before.
        """
        previous = period.previous().label if form.carry_forward else period.label
        params = {
            "code": code,
            "form_code": form.code,
            "p0": period.label,
            "p1": previous,
            "place": place,
            "year": period.year,
        }
        filer: Filer | None = None
        standing: Standing | None = None
        carried: dict[str, int] | None = None
        rejected_before = False
        for row in await receipts.FILER_AND_HISTORY.fetch(await self.session.connection(), params):
            rejected_before = bool(row["rejected_before"])
            if filer is None:
                filer = Filer(*(row[name] for name in Filer._fields))
            if row["return_id"] is None:
                continue
            if row["period"] == period.label:
                if standing is None or row["amendment_no"] > standing.amendment_no:
                    standing = Standing(
                        row["return_id"], row["transaction_code"], row["amendment_no"], row["tax_payable"]
                    )
            elif row["is_current"] and row["computed"]:
                carried = {k: int(v) for k, v in row["computed"].items()}
        if filer is None:
            raise TaxpayerNotFoundError(code)
        return filer, standing, carried, rejected_before

    async def _form(self, envelope: Envelope, code: str) -> tuple[FormVersion, FormVersion | None]:
        """The form version the return names and, when that one does not apply to its period, the one that does."""
        period = envelope.period
        try:
            if envelope.form.isdigit():
                return forms.find_filed_version(envelope.form, period.end, filed=envelope.values.keys())
            return forms.find_form(envelope.form, period.end), None
        except KeyError as exc:
            await self._require_taxpayer(code)
            named = envelope.source.get("form_name") or ""
            raise UnknownFormError(
                f"There is no form {envelope.form!r}{f' ({named})' if named else ''} for the period {period.label} "
                "in this office's catalogue."
            ) from exc

    async def check(
        self, actor: Principal, envelope: Envelope, received_on: datetime.date, calendar: WorkingCalendar
    ) -> Checked:
        """Everything but storing: raises when the return cannot be received, else says what the office found."""
        code = visible_code(actor, envelope.tax_code)
        period = envelope.period
        form, in_force = await self._form(envelope, code)
        if period.kind not in form.period_kinds:
            await self._require_taxpayer(code)
            kinds = ", ".join(k.value for k in form.period_kinds)
            raise WrongPeriodKindError(f"{form.code} is filed for periods of kind {kinds}, not {period.label}.")
        if received_on <= period.end:
            await self._require_taxpayer(code)
            raise PeriodNotEndedError(
                f"The period {period.label} ends on {period.end.isoformat()}: file from the next day on."
            )
        due_on = effective_deadline(form.deadline_rules[period.kind], period, calendar.is_working_day)
        taxpayer, current, previous_values, rejected_before = await self._filer_and_history(
            code, form, period, envelope.place
        )
        if envelope.kind is ReturnKind.ORIGINAL and current is not None:
            raise AlreadyFiledError(
                f"{form.code} for {period.label} was accepted already (return {current.id}, transaction "
                f"{current.transaction_code}); send a supplementary return (kind: supplementary) to change it."
            )
        if envelope.kind is ReturnKind.SUPPLEMENTARY and current is None:
            raise NothingToAmendError(f"No accepted {form.code} for {period.label} to amend: send the original first.")
        amendment_no = current.amendment_no + 1 if current is not None else 0
        parameters = return_parameters(form, period, envelope.appendices)
        assessment = assess(form, envelope.values, previous=previous_values, parameters=parameters)
        checked = Checked(taxpayer, form, envelope, due_on, amendment_no, current, assessment)
        if in_force is not None:
            checked.extra.append(form_version_finding(form, in_force, period))
        if envelope.amendment_no is not None and envelope.amendment_no != amendment_no:
            checked.extra.append(
                office_finding(
                    "AMENDMENT-NO",
                    ("soLan",),
                    str(envelope.amendment_no),
                    f"Lần bổ sung phải là {amendment_no}.",
                    f"The amendment number must be {amendment_no}.",
                )
            )
        checked.extra.extend(registry_findings(taxpayer, form, period))
        if envelope.kind is ReturnKind.ORIGINAL and received_on > due_on and rejected_before:
            checked.late_from = await first_rejected_receipt(
                self.session,
                tax_code=taxpayer.tax_code,
                form_code=form.code,
                form_valid_from=form.valid_from,
                period=period.label,
                place=envelope.place,
                values=form_values(form, envelope),
            )
        return checked

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
        if (ret := await accept_on_arrival(self.accounts, actor, checked, now, idempotency_key)) is not None:
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
