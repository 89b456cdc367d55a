"""The 01/GTGT page form: what the taxpayer typed, as the JSON return the API takes, and the office's answer by field.

Nothing here checks a figure: a value that is not a whole number is sent on as typed, and the filing service's
own validation (the API's) reports it beside its field.
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from filings import forms
from filings.forms import FormVersion, IndicatorType
from filings.obligation_service import ObligationService
from filings.periods import Period, PeriodError, parse_period
from filings.schemas import FindingRead, ReturnDetail, ReturnSubmission
from filings.vocabulary import OPEN_OBLIGATIONS, ReturnKind
from taxoffice.auth.roles import Principal
from taxoffice.calendar import WorkingCalendar
from taxoffice.errors import FieldError, ValidationFailedError

# The form filed on the page; every other form is filed by uploading its HTKK file.
PAGE_FORM = "01/GTGT"
# A whole number as people write it: ``1234567``, or grouped by thousands with dots, commas or spaces.
_WHOLE = re.compile(r"-?(\d+|\d{1,3}([., \u00a0]\d{3})+)")
_SEPARATORS = str.maketrans("", "", "., \u00a0")


def as_number(text: str) -> int | str:
    """``text`` as a whole number when it is one (thousands separators allowed), else the text itself."""
    cleaned = text.strip()
    return int(cleaned.translate(_SEPARATORS)) if _WHOLE.fullmatch(cleaned) else cleaned


def form_for(period: Period) -> FormVersion:
    """The generation of 01/GTGT in force for ``period`` (the version in force on its last day)."""
    try:
        return forms.find_form(PAGE_FORM, period.end)
    except forms.UnknownFormError as exc:
        message = f"{PAGE_FORM} has no version for the period {period.label}."
        raise ValidationFailedError(message, errors=[FieldError("period", "period.no_form", message)]) from exc


def period_of(text: str) -> Period:
    """The period chosen; a field error when it is not one."""
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValidationFailedError(str(exc), errors=[FieldError("period", "period.invalid", str(exc))]) from exc


@dataclass
class Entry:
    """The form as the taxpayer filled it in."""

    period: str
    kind: ReturnKind
    typed: dict[str, str]
    """What was typed, by indicator code (shown again as typed)."""
    values: dict[str, Any]
    """The figures sent: whole numbers where they are numbers, the text otherwise; computed boxes left out."""


def read_entry(form: FormVersion, fields: Mapping[str, Any], period: str) -> Entry:
    """The filled-in input boxes of ``form`` (the office computes the others)."""
    typed: dict[str, str] = {}
    values: dict[str, Any] = {}
    for indicator in form.indicators:
        raw = fields.get(indicator.code)
        if indicator.formula is not None or not isinstance(raw, str) or not raw.strip():
            continue
        typed[indicator.code] = raw.strip()
        values[indicator.code] = raw.strip() if indicator.type is IndicatorType.TEXT else as_number(raw)
    kind = ReturnKind.SUPPLEMENTARY if fields.get("kind") == ReturnKind.SUPPLEMENTARY.value else ReturnKind.ORIGINAL
    return Entry(period=period, kind=kind, typed=typed, values=values)


def submission(tax_code: str, form: FormVersion, entry: Entry) -> bytes:
    """The JSON body the API's ``POST /returns`` takes for this entry."""
    return msgspec.json.encode(
        ReturnSubmission(tax_code=tax_code, form=form.slug, period=entry.period, kind=entry.kind, values=entry.values)
    )


@dataclass
class Findings:
    """The office's findings, beside the fields they concern, and those about the whole return."""

    by_field: dict[str, list[FindingRead]] = field(default_factory=dict)
    general: list[FindingRead] = field(default_factory=list)


def findings_of(form: FormVersion | None, detail: ReturnDetail | None) -> Findings:
    """Each finding under the first of its indicators that is a box of the form; the rest for the whole return."""
    found = Findings()
    for finding in detail.errors if detail else []:
        box = next((code for code in finding.indicators if form and form.has_indicator(code)), None)
        if box is None:
            found.general.append(finding)
        else:
            found.by_field.setdefault(box, []).append(finding)
    return found


async def open_periods(
    actor: Principal,
    tax_code: str,
    obligations: ObligationService,
    today: datetime.date,
    calendar: WorkingCalendar,
) -> list[str]:
    """The 01/GTGT periods the taxpayer owes and can file now (this year and last), oldest first."""
    rows = [
        row
        for year in (today.year - 1, today.year)
        for row in await obligations.for_year(actor, tax_code, year, today, calendar)
    ]
    return [row.period for row in rows if row.form == PAGE_FORM and row.status in OPEN_OBLIGATIONS]
