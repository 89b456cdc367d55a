"""Which returns a taxpayer owes, from its registry record (DOMAIN.md §3). Pure: the record is passed in."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from filings import forms
from filings.periods import Period, PeriodKind, effective_deadline, nominal_deadline, periods_in_year
from filings.vocabulary import ObligationStatus
from registry.statuses import TaxpayerStatus
from registry.vocabulary import TaxpayerKind

# Forms each tax type brings, and which kinds of taxpayer file them.
FORM_BY_TAX_TYPE = {"VAT": "01/GTGT", "PIT": "05/KK-TNCN", "CIT": "03/TNDN"}
TAX_TYPE_OF_FORM = {form: tax_type for tax_type, form in FORM_BY_TAX_TYPE.items()}
FILERS = {
    "01/GTGT": frozenset({TaxpayerKind.ENTERPRISE, TaxpayerKind.BRANCH, TaxpayerKind.HOUSEHOLD}),
    "05/KK-TNCN": frozenset({TaxpayerKind.ENTERPRISE, TaxpayerKind.BRANCH, TaxpayerKind.HOUSEHOLD}),
    "03/TNDN": frozenset({TaxpayerKind.ENTERPRISE}),
}
CLOSED_STATUSES = frozenset({TaxpayerStatus.CLOSED})
# Returns owed only for the periods in which tax was withheld: an income payer declares PIT withheld monthly or
# quarterly only when withholding arose (Decree 126/2020 Art. 8(1)(b) [open: wording not re-read]), so an unfiled
# period is not overdue.
ONLY_WHEN_WITHHELD = frozenset({"05/KK-TNCN"})


@dataclass(frozen=True)
class TaxpayerFacts:
    """What obligations depend on."""

    kind: str
    tax_types: tuple[str, ...]
    vat_frequency: str
    registered_on: datetime.date
    status: str
    status_effective_on: datetime.date
    suspended_until: datetime.date | None


@dataclass(frozen=True)
class Obligation:
    """A return owed for a period, and its effective deadline."""

    form: str
    period: Period
    due_on: datetime.date
    nominal_due_on: datetime.date
    """The deadline the law sets; ``due_on`` is later when that day is a weekend or holiday."""
    only_when_withheld: bool = False
    """Owed only if tax was withheld in the period (05/KK-TNCN): unfiled, it is ``if_withheld``, not overdue."""


def vat_period_kind(vat_frequency: str) -> PeriodKind:
    """The periods of a taxpayer's monthly or quarterly returns (Decree 126/2020 Art. 8(1)(a), Art. 9)."""
    return PeriodKind.QUARTER if vat_frequency == "quarterly" else PeriodKind.MONTH


def _period_kind(form: forms.FormVersion, facts: TaxpayerFacts) -> PeriodKind:
    if PeriodKind.YEAR in form.period_kinds and len(form.period_kinds) == 1:
        return PeriodKind.YEAR
    return vat_period_kind(facts.vat_frequency)


def _suspended_throughout(facts: TaxpayerFacts, period: Period) -> bool:
    if facts.status != TaxpayerStatus.SUSPENDED or facts.suspended_until is None:
        return False
    return facts.status_effective_on <= period.start and period.end <= facts.suspended_until


def owed(facts: TaxpayerFacts, year: int, is_working_day: Callable[[datetime.date], bool]) -> list[Obligation]:
    """Every return owed for periods of ``year``.

    From the registration on, not after the code closed, not for periods wholly inside a temporary suspension.
    """
    result: list[Obligation] = []
    for tax_type in facts.tax_types:
        code = FORM_BY_TAX_TYPE.get(tax_type)
        if code is None or facts.kind not in FILERS[code]:
            continue
        for period in (
            periods_in_year(PeriodKind.YEAR, year)
            + periods_in_year(PeriodKind.QUARTER, year)
            + periods_in_year(PeriodKind.MONTH, year)
        ):
            try:
                form = forms.find_form(code, period.end)
            except KeyError:
                continue
            if period.kind is not _period_kind(form, facts) or period.kind not in form.period_kinds:
                continue
            if period.end < facts.registered_on:
                continue
            if facts.status in CLOSED_STATUSES and period.start > facts.status_effective_on:
                continue
            if _suspended_throughout(facts, period):
                continue
            rule = form.deadline_rules[period.kind]
            due = effective_deadline(rule, period, is_working_day)
            result.append(
                Obligation(
                    form=form.code,
                    period=period,
                    due_on=due,
                    nominal_due_on=nominal_deadline(rule, period),
                    only_when_withheld=form.code in ONLY_WHEN_WITHHELD,
                )
            )
    return sorted(result, key=lambda o: (o.due_on, o.form))


def status_of(obligation: Obligation, today: datetime.date, filed_on: datetime.date | None) -> ObligationStatus:
    """``upcoming`` (period not ended), ``due`` (ended, deadline not passed), ``overdue``, ``filed``, ``filed_late``.

    A return owed only when tax was withheld (``only_when_withheld``) and not filed is ``if_withheld`` once its period
    has ended: the office cannot tell a period without withholding from a missing return.
    """
    if filed_on is not None:
        return ObligationStatus.FILED if filed_on <= obligation.due_on else ObligationStatus.FILED_LATE
    if today <= obligation.period.end:
        return ObligationStatus.UPCOMING
    if obligation.only_when_withheld:
        return ObligationStatus.IF_WITHHELD
    return ObligationStatus.DUE if today <= obligation.due_on else ObligationStatus.OVERDUE


def owes(
    facts: TaxpayerFacts, form: str, period: Period, is_working_day: Callable[[datetime.date], bool]
) -> Obligation | None:
    """The obligation to file ``form`` for ``period``, if the taxpayer owes that return (the same rule as ``owed``)."""
    return next(
        (o for o in owed(facts, period.year, is_working_day) if o.form == form and o.period.label == period.label),
        None,
    )
