"""The checks a return passes before it is stored, over whatever reads the database for them.

Filing reads three things while checking: the filer with the period's history (one statement), whether a tax code
exists (only to answer 404 before another refusal), and an earlier wrongly rejected receipt of the same figures
(only for a late original rejected before). A session reads them (``SessionReads``: every path, and SQLite); an
original filed without a session reads the first on the driver and hands every other case over to the session
(``filings.direct``).
"""

import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from filings import forms, receipts
from filings.arrival import form_values
from filings.errors import (
    AlreadyFiledError,
    NothingToAmendError,
    PeriodNotEndedError,
    UnknownFormError,
    WrongPeriodKindError,
)
from filings.forms import FormVersion, assess
from filings.intake import Envelope
from filings.integrity import registry_findings
from filings.lateness import first_rejected_receipt
from filings.parameters import return_parameters
from filings.periods import Period, effective_deadline
from filings.receipts import Checked, Filer, Standing, form_version_finding, office_finding
from filings.vocabulary import ReturnKind
from registry.errors import TaxpayerNotFoundError
from registry.services import visible_code
from taxoffice.auth.roles import Principal
from taxoffice.calendar import WorkingCalendar


class Reads(Protocol):
    """What checking reads from the database."""

    async def filer_rows(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """``receipts.FILER_AND_HISTORY``'s rows for ``params``."""
        ...

    async def require_taxpayer(self, code: str) -> None:
        """A 404 (``TaxpayerNotFoundError``) for an unknown tax code."""
        ...

    async def late_from(self, checked: Checked) -> tuple[int, datetime.datetime] | None:
        """The first wrongly rejected receipt of ``checked``'s very figures (filings/lateness.py), if any."""
        ...


class SessionReads:
    """The reads through a session (its connection, in its transaction or in autocommit)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def filer_rows(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """``receipts.FILER_AND_HISTORY``'s rows, on the session's connection."""
        return await receipts.FILER_AND_HISTORY.fetch(await self.session.connection(), params)

    async def require_taxpayer(self, code: str) -> None:
        """A 404 for an unknown tax code, before any other refusal (as when the filer is read first)."""
        if await self.session.scalar(receipts.TAXPAYER_EXISTS, {"code": code}) is None:
            raise TaxpayerNotFoundError(code)

    async def late_from(self, checked: Checked) -> tuple[int, datetime.datetime] | None:
        """The first wrongly rejected receipt of the same figures."""
        form, envelope = checked.form, checked.envelope
        return await first_rejected_receipt(
            self.session,
            tax_code=checked.taxpayer.tax_code,
            form_code=form.code,
            form_valid_from=form.valid_from,
            period=envelope.period.label,
            place=envelope.place,
            values=form_values(form, envelope),
        )


async def filer_and_history(
    reads: Reads, code: str, form: FormVersion, period: Period, place: str
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
    for row in await reads.filer_rows(params):
        rejected_before = bool(row["rejected_before"])
        if filer is None:
            filer = Filer(*(row[name] for name in Filer._fields))
        if row["return_id"] is None:
            continue
        if row["period"] == period.label:
            if standing is None or row["amendment_no"] > standing.amendment_no:
                standing = Standing(row["return_id"], row["transaction_code"], row["amendment_no"], row["tax_payable"])
        elif row["is_current"] and row["computed"]:
            carried = {k: int(v) for k, v in row["computed"].items()}
    if filer is None:
        raise TaxpayerNotFoundError(code)
    return filer, standing, carried, rejected_before


async def form_of(reads: Reads, envelope: Envelope, code: str) -> tuple[FormVersion, FormVersion | None]:
    """The form version the return names and, when that one does not apply to its period, the one that does."""
    period = envelope.period
    try:
        if envelope.form.isdigit():
            return forms.find_filed_version(envelope.form, period.end, filed=envelope.values.keys())
        return forms.find_form(envelope.form, period.end), None
    except KeyError as exc:
        await reads.require_taxpayer(code)
        named = envelope.source.get("form_name") or ""
        raise UnknownFormError(
            f"There is no form {envelope.form!r}{f' ({named})' if named else ''} for the period {period.label} "
            "in this office's catalogue."
        ) from exc


async def check(
    reads: Reads, actor: Principal, envelope: Envelope, received_on: datetime.date, calendar: WorkingCalendar
) -> Checked:
    """Everything but storing: raises when the return cannot be received, else says what the office found."""
    code = visible_code(actor, envelope.tax_code)
    period = envelope.period
    form, in_force = await form_of(reads, envelope, code)
    if period.kind not in form.period_kinds:
        await reads.require_taxpayer(code)
        kinds = ", ".join(k.value for k in form.period_kinds)
        raise WrongPeriodKindError(f"{form.code} is filed for periods of kind {kinds}, not {period.label}.")
    if received_on <= period.end:
        await reads.require_taxpayer(code)
        raise PeriodNotEndedError(
            f"The period {period.label} ends on {period.end.isoformat()}: file from the next day on."
        )
    due_on = effective_deadline(form.deadline_rules[period.kind], period, calendar.is_working_day)
    taxpayer, current, previous_values, rejected_before = await filer_and_history(
        reads, code, form, period, envelope.place
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
        checked.late_from = await reads.late_from(checked)
    return checked
