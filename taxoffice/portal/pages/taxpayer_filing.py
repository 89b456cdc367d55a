"""Filing a return: 01/GTGT on a form drawn from its definition (checked live as it is typed), or any form's file."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from filings import mappers
from filings.intake import file_media
from filings.obligation_service import ObligationService
from filings.periods import days_late
from filings.schemas import ReturnDetail
from filings.services import RETURN_MAX_BYTES, FilingService
from filings.vocabulary import ReturnKind, ReturnStatus
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ, WorkingCalendar
from taxoffice.errors import DomainError
from taxoffice.portal.forms import Upload, field_errors
from taxoffice.portal.pages.taxpayer import GUARDS, own_code
from taxoffice.portal.pages.taxpayer_return_form import (
    PAGE_FORM,
    Entry,
    findings_of,
    form_for,
    open_periods,
    period_of,
    read_entry,
    submission,
)
from taxoffice.portal.rendering import page
from taxoffice.workdays.services import CalendarService

JSON = "application/json"
# What a browser may send with the upload form: a file twice the size the office takes, so that a file too large is
# refused beside the field (by the filing service) rather than by the error page; beyond this, the error page.
UPLOAD_BODY_MAX = 2 * RETURN_MAX_BYTES


@dataclass
class UploadForm:
    """The upload form: the HTKK XML file (or a JSON return) and the key that makes a resubmission harmless."""

    file: UploadFile | None = None
    idempotency_key: str = ""


@dataclass
class Shown:
    """What the filing page shows besides the form definition."""

    period: str = ""
    choices: tuple[str, ...] = ()
    entry: Entry | None = None
    checked: ReturnDetail | None = None
    amends: ReturnDetail | None = None
    error: str = ""
    errors: dict[str, str] | None = None
    upload_error: str = ""


def _render(request: Request[Any, Any, Any], shown: Shown, status_code: int = 200) -> Template:
    form = form_for(period_of(shown.period)) if shown.period else None
    return page(
        request,
        "taxpayer_return_new.html",
        status_code=status_code,
        form=form,
        shown=shown,
        typed=shown.entry.typed if shown.entry else {},
        kind=shown.entry.kind.value if shown.entry else ReturnKind.ORIGINAL.value,
        computed=shown.checked.computed if shown.checked else {},
        findings=findings_of(form, shown.checked),
        errors=shown.errors or {},
        key=uuid.uuid4().hex,
    )


async def _dry_run(
    actor: Principal, entry: Entry, filings: FilingService, now: datetime.datetime, calendar: WorkingCalendar
) -> ReturnDetail:
    """The API's dry run (``POST /returns/validate``) of the page's entry."""
    body = submission(own_code(actor), form_for(period_of(entry.period)), entry)
    checked = await filings.validate(actor, body, JSON, now, calendar)
    return mappers.dry_run(checked, now, days_late(now.astimezone(VN_TZ).date(), checked.due_on))


async def _amended(actor: Principal, return_id: int, filings: FilingService) -> tuple[ReturnDetail, Entry]:
    """An accepted 01/GTGT return, and a supplementary entry prefilled with its figures (404: not the actor's)."""
    detail = mappers.detail(await filings.get(actor, return_id))
    form = form_for(period_of(detail.period))
    typed = {
        code: str(value)
        for code, value in detail.values.items()
        if form.has_indicator(code) and form.indicator(code).formula is None
    }
    fields = {**typed, "kind": ReturnKind.SUPPLEMENTARY.value}
    return detail, read_entry(form, fields, detail.period)


async def _blank(
    actor: Principal,
    obligations: ObligationService,
    filings: FilingService,
    now: datetime.datetime,
    today: datetime.date,
    calendar: WorkingCalendar,
    period: str | None = None,
) -> Shown:
    """A blank form for ``period`` if the taxpayer owes it, else for the first period it owes (or none)."""
    choices = tuple(await open_periods(actor, own_code(actor), obligations, today, calendar))
    chosen = period if period in choices else (choices[0] if choices else "")
    if not chosen:
        return Shown(choices=choices)
    # The office's figures for an empty return fill the computed boxes from the start.
    entry = read_entry(form_for(period_of(chosen)), {}, chosen)
    return Shown(chosen, choices, entry, await _dry_run(actor, entry, filings, now, calendar))


@get("/taxpayer/returns/new", guards=GUARDS)
async def new_return(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    obligation_service: NamedDependency[ObligationService],
    filing_service: NamedDependency[FilingService],
    calendar_service: NamedDependency[CalendarService],
    now: NamedDependency[datetime.datetime],
    today: NamedDependency[datetime.date],
    period: FromQuery[str | None] = None,
    amend: FromQuery[int | None] = None,
) -> Template:
    """The 01/GTGT form for a period the taxpayer owes (or a supplementary to an accepted return), and the upload."""
    calendar = await calendar_service.calendar()
    if amend is not None:
        amends, entry = await _amended(actor, amend, filing_service)
        if amends.status != ReturnStatus.ACCEPTED or amends.form != PAGE_FORM:
            return _render(request, Shown(amends=amends, error="not-amendable"), 409)
        checked = await _dry_run(actor, entry, filing_service, now, calendar)
        return _render(request, Shown(amends.period, (amends.period,), entry, checked, amends))
    return _render(request, await _blank(actor, obligation_service, filing_service, now, today, calendar, period))


async def _entry_of(request: Request[Any, Any, Any]) -> Entry:
    fields = dict(await request.form())
    period = str(fields.get("period") or "")
    return read_entry(form_for(period_of(period)), fields, period)


@post("/taxpayer/returns/check", guards=GUARDS)
async def check_return(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    filing_service: NamedDependency[FilingService],
    calendar_service: NamedDependency[CalendarService],
    now: NamedDependency[datetime.datetime],
) -> Template:
    """htmx: the office's recomputed boxes and its findings for the figures typed so far (nothing is stored)."""
    try:
        entry = await _entry_of(request)
        checked = await _dry_run(actor, entry, filing_service, now, await calendar_service.calendar())
    except DomainError as exc:
        return page(request, "taxpayer_return_checks.html", checked=None, error=exc.detail, form=None)
    form = form_for(period_of(entry.period))
    return page(
        request,
        "taxpayer_return_checks.html",
        checked=checked,
        error="",
        form=form,
        computed=checked.computed,
        findings=findings_of(form, checked),
    )


@post("/taxpayer/returns/new", guards=GUARDS)
async def file_return(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    filing_service: NamedDependency[FilingService],
    calendar_service: NamedDependency[CalendarService],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """File the form: refused beside its fields when the office would reject it (nothing stored), else the receipt."""
    calendar = await calendar_service.calendar()
    fields = await request.form()
    entry: Entry | None = None
    try:
        entry = await _entry_of(request)
        checked = await _dry_run(actor, entry, filing_service, now, calendar)
        if checked.status != ReturnStatus.ACCEPTED:
            return _render(request, Shown(entry.period, (entry.period,), entry, checked, error="rejected"), 422)
        key = str(fields.get("idempotency_key") or "") or None
        body = submission(own_code(actor), form_for(period_of(entry.period)), entry)
        ret, _ = await filing_service.submit(actor, body, JSON, key, now, calendar)
    except DomainError as exc:
        period = entry.period if entry else ""
        shown = Shown(period, (period,) if period else (), entry, error=exc.detail, errors=field_errors(exc.errors))
        return _render(request, shown, exc.status)
    return Redirect(f"/taxpayer/returns/{ret.id}", status_code=303)


@post("/taxpayer/returns/upload", guards=GUARDS, request_max_body_size=UPLOAD_BODY_MAX)
async def upload_return(
    request: Request[Any, Any, Any],
    data: Upload[UploadForm],
    actor: NamedDependency[Principal],
    obligation_service: NamedDependency[ObligationService],
    filing_service: NamedDependency[FilingService],
    calendar_service: NamedDependency[CalendarService],
    now: NamedDependency[datetime.datetime],
    today: NamedDependency[datetime.date],
) -> Template | Redirect:
    """File the return in an uploaded file (HTKK XML, any form): the same intake as ``POST /returns``.

    A refused file is told beside the upload field, on the whole page again: the form keeps offering the periods
    the taxpayer owes.
    """
    calendar = await calendar_service.calendar()
    upload = data.file
    content = await upload.read() if upload is not None else b""
    if upload is None or not content:
        error, status = "Hãy chọn tệp tờ khai (XML của HTKK). / Choose the return's file (HTKK XML).", 422
    else:
        media = file_media(upload.content_type, upload.filename, content)
        try:
            ret, _ = await filing_service.submit(actor, content, media, data.idempotency_key or None, now, calendar)
        except DomainError as exc:
            error, status = exc.detail, exc.status
        else:
            return Redirect(f"/taxpayer/returns/{ret.id}", status_code=303)
    shown = await _blank(actor, obligation_service, filing_service, now, today, calendar)
    shown.upload_error = error
    return _render(request, shown, status)


ROUTES = [new_return, check_return, file_return, upload_return]
