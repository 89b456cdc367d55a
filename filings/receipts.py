"""What a receipt is made of: the office's findings on a submission, and the statements that store it.

The statements are built once, at import: a statement object keeps its cache key, so running it again costs no SQL
construction or cache-key generation, and Core statements on the table skip the ORM's unit of work and bulk
machinery. Filing is the office's hottest write path.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update

from filings.forms import Assessment, Finding, FormVersion, Severity
from filings.intake import Envelope
from filings.models import TaxReturn
from registry.models import Taxpayer

ACCEPTED, REJECTED, RECEIVED = "accepted", "rejected", "received"
# What a receipt writes, and what the decision adds to it.
RECEIPT_COLUMNS = (
    "taxpayer_id",
    "tax_code",
    "form_code",
    "form_valid_from",
    "period",
    "kind",
    "amendment_no",
    "status",
    "is_current",
    "received_at",
    "source_format",
    "document",
    "values",
    "computed",
    "findings",
    "due_on",
    "days_late",
    "submitted_by",
    "idempotency_key",
)
RETURNS = cast("Table", TaxReturn.__table__)
TAXPAYER_BY_CODE = select(Taxpayer).where(Taxpayer.tax_code == bindparam("code"))
HISTORY = select(
    RETURNS.c.id,
    RETURNS.c.period,
    RETURNS.c.transaction_code,
    RETURNS.c.amendment_no,
    RETURNS.c.tax_payable,
    RETURNS.c.is_current,
    RETURNS.c.computed,
).where(
    RETURNS.c.tax_code == bindparam("tax_code"),
    RETURNS.c.form_code == bindparam("form_code"),
    RETURNS.c.period.in_(bindparam("periods", expanding=True)),
    RETURNS.c.status == ACCEPTED,
)
INSERT_RECEIPT = insert(RETURNS).returning(RETURNS.c.id)
SET_TRANSACTION_CODE = (
    update(RETURNS).where(RETURNS.c.id == bindparam("b_id")).values(transaction_code=bindparam("b_code"))
)
NOT_CURRENT = update(RETURNS).where(RETURNS.c.id == bindparam("b_id")).values(is_current=False)
DECISION_COLUMNS = (
    "status",
    "is_current",
    "computed",
    "tax_payable",
    "posted_amount",
    "fine",
    "decided_at",
    "findings",
)
STORE_DECISION = (
    update(RETURNS)
    .where(RETURNS.c.id == bindparam("b_id"))
    .values({column: bindparam(f"b_{column}") for column in DECISION_COLUMNS})
)


def office_finding(rule: str, indicators: tuple[str, ...], value: str | None, vi: str, en: str) -> Finding:
    """A rejection found by the office rather than by the form's own rules."""
    return Finding(
        rule=rule, severity=Severity.REJECT, indicators=indicators, value=value, message_vi=vi, message_en=en
    )


@dataclass(frozen=True)
class Standing:
    """The accepted return that currently stands for a period (what a supplementary return amends)."""

    id: int
    transaction_code: str | None
    amendment_no: int
    tax_payable: int | None


@dataclass
class Checked:
    """A submission that can be received: whose, which form and period, what it amends, what the office found."""

    taxpayer: Taxpayer
    form: FormVersion
    envelope: Envelope
    due_on: datetime.date
    amendment_no: int
    previous: Standing | None
    assessment: Assessment
    extra: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every finding, the form's and the office's."""
        return [*self.extra, *self.assessment.findings]

    @property
    def acceptable(self) -> bool:
        """No finding rejects it."""
        return all(f.severity is not Severity.REJECT for f in self.findings)


def findings_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """Findings as stored and served."""
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "indicators": list(f.indicators),
            "value": f.value,
            "message_vi": f.message_vi,
            "message_en": f.message_en,
        }
        for f in findings
    ]
