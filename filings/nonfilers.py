"""Who has not filed a return owed for a period: the officers' list of non-filers, read-only.

SQL narrows the registry to the taxpayers who could owe the form for the period (kind, tax type, registered by the
period's end, not closed before it starts, of the office asked) and have no accepted original return for it; the
obligation rule (``filings.obligations.owes``) then decides each candidate exactly as the obligations view does
(VAT frequency, suspensions), batch by batch until a page is full.
"""

import datetime
from dataclasses import dataclass

from sqlalchemy import Select, Text, and_, cast, exists, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.forms.catalogue import UnknownFormError, find_form
from filings.models import TaxReturn
from filings.obligations import (
    CLOSED_STATUSES,
    FILERS,
    FORM_BY_TAX_TYPE,
    ONLY_WHEN_WITHHELD,
    TAX_TYPE_OF_FORM,
    TaxpayerFacts,
    owes,
)
from filings.periods import Period, PeriodError, effective_deadline, parse_period
from filings.vocabulary import ReturnStatus
from registry.models import Taxpayer
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from taxoffice.errors import FieldError, ValidationFailedError

FORMS = tuple(FORM_BY_TAX_TYPE.values())
PAGE_MAX = 200
_BATCH = 500


@dataclass(frozen=True)
class NonFiler:
    """A taxpayer that owed the return and has not filed it."""

    tax_code: str
    name: str
    tax_office: str
    due_on: datetime.date
    days_late: int


@dataclass(frozen=True)
class NonFilerPage:
    """One page of non-filers of ``form`` for ``period``, by tax code; ``next_after`` is the last code when more follow.

    ``is_past_due`` is false while the deadline has not passed: nobody is a non-filer yet and ``items`` is empty.
    """

    form: str
    period: str
    due_on: datetime.date
    is_past_due: bool
    items: list[NonFiler]
    next_after: str | None


def _parse(form: str, period: str) -> tuple[str, Period]:
    """The form's code and the period; 422 naming the bad field."""
    errors: list[FieldError] = []
    code = form.strip().upper()
    if code not in TAX_TYPE_OF_FORM:
        errors.append(FieldError("form", "form.unknown", f"Choose one of: {', '.join(FORMS)}."))
    parsed: Period | None = None
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        errors.append(FieldError("period", "period.invalid", str(exc)))
    if errors or parsed is None:
        raise ValidationFailedError("The non-filer list needs a known form and a period.", errors=errors)
    return code, parsed


def _facts(tp: Taxpayer) -> TaxpayerFacts:
    return TaxpayerFacts(
        kind=tp.kind,
        tax_types=tuple(tp.tax_types),
        vat_frequency=tp.vat_frequency,
        registered_on=tp.registered_on,
        status=tp.status,
        status_effective_on=tp.status_effective_on,
        suspended_until=tp.suspended_until,
    )


class NonFilerService:
    """Taxpayers who owe a return for a period and have not filed it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(
        self,
        actor: Principal,
        form: str,
        period: str,
        today: datetime.date,
        calendar: WorkingCalendar,
        *,
        tax_office: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> NonFilerPage:
        """Non-filers of ``form`` for ``period`` (an officer: of its own office; others: ``tax_office`` or all).

        Raises:
            ValidationFailedError: an unknown form, text that is not a period, or a period the form is not filed for.
        """
        code, parsed = _parse(form, period)
        due_on = _deadline(code, parsed, calendar)
        if today <= due_on:
            return NonFilerPage(code, parsed.label, due_on, False, [], None)
        if code in ONLY_WHEN_WITHHELD:  # owed only where tax was withheld: nobody is a non-filer by default
            return NonFilerPage(code, parsed.label, due_on, True, [], None)
        office = actor.tax_office if actor.role is Role.OFFICER else tax_office
        limit = max(1, min(limit, PAGE_MAX))
        found: list[NonFiler] = []
        cursor = after or ""
        while len(found) <= limit:
            batch = list(await self.session.scalars(_candidates(code, parsed, office, cursor)))
            for tp in batch:
                obligation = owes(_facts(tp), code, parsed, calendar.is_working_day)
                if obligation is not None:
                    days = (today - obligation.due_on).days
                    found.append(NonFiler(tp.tax_code, tp.name, tp.tax_office, obligation.due_on, days))
            if len(batch) < _BATCH:
                break
            cursor = batch[-1].tax_code
        items = found[:limit]
        return NonFilerPage(code, parsed.label, due_on, True, items, items[-1].tax_code if len(found) > limit else None)


def _deadline(form: str, period: Period, calendar: WorkingCalendar) -> datetime.date:
    """The return's effective deadline for ``period``; 422 when the form is not filed for such a period."""
    try:
        version = find_form(form, period.end)
    except UnknownFormError as exc:
        msg = f"No version of {form} is in force for {period.label}."
        raise ValidationFailedError(msg, errors=[FieldError("period", "form.not_in_force", msg)]) from exc
    rule = version.deadline_rules.get(period.kind)
    if rule is None:
        msg = f"{form} is not filed for a period like {period.label}."
        raise ValidationFailedError(msg, errors=[FieldError("period", "period.kind", msg)])
    return effective_deadline(rule, period, calendar.is_working_day)


def _candidates(form: str, period: Period, office: str | None, after: str) -> Select[Taxpayer]:
    """Taxpayers after ``after`` who could owe ``form`` for ``period`` and filed no accepted original for it."""
    filed = exists().where(
        TaxReturn.tax_code == Taxpayer.tax_code,
        TaxReturn.form_code == form,
        TaxReturn.period == period.label,
        TaxReturn.status == ReturnStatus.ACCEPTED,
        TaxReturn.amendment_no == 0,
        TaxReturn.place == "",
    )
    query = (
        select(Taxpayer)
        .where(
            Taxpayer.kind.in_(FILERS[form]),
            cast(Taxpayer.tax_types, Text).like(f'%"{TAX_TYPE_OF_FORM[form]}"%'),
            Taxpayer.registered_on <= period.end,
            not_(and_(Taxpayer.status.in_(CLOSED_STATUSES), Taxpayer.status_effective_on < period.start)),
            Taxpayer.tax_code > after,
            ~filed,
        )
        .order_by(Taxpayer.tax_code)
        .limit(_BATCH)
    )
    return query.where(Taxpayer.tax_office == office) if office else query
