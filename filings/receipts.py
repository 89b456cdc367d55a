"""What a receipt is made of: the office's findings on a submission, and the statements that store it.

The statements are built once, at import: a statement object keeps its cache key, so running it again costs no SQL
construction or cache-key generation, and Core statements on the table skip the ORM's unit of work and bulk
machinery. Filing is the office's hottest write path.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnClause,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert

from filings.forms import Assessment, Finding, FormVersion, Severity
from filings.intake import Envelope
from filings.models import TaxReturn
from filings.periods import Period
from filings.vocabulary import ReturnStatus
from registry.models import Taxpayer, VatFrequencyYear
from taxoffice.fastpaths import Prepared

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
    "document_sha256",
    "source",
    "place",
    "values",
    "computed",
    "findings",
    "due_on",
    "days_late",
    "submitted_by",
    "idempotency_key",
    "late_from_return_id",
)
RETURNS = cast("Table", TaxReturn.__table__)
# A return's charges name it as their source: ``return:<id>``.
RETURN_SOURCE_PREFIX = "return:"
TAXPAYERS = cast("Table", Taxpayer.__table__)
TAXPAYER_EXISTS = select(TAXPAYERS.c.id).where(TAXPAYERS.c.tax_code == bindparam("code"))
# The filer and, in the same round trip, the returns accepted for the period and the one before it (``p0`` is the
# period, ``p1`` the previous one, or the period again when the form carries nothing forward): one row per return,
# or one row with NULL return columns when there is none.
# Whether an original of the period was rejected before: only then can lateness run from an earlier receipt
# (filings/lateness.py), so a late return pays that lookup only when it can matter.
_REJECTED = RETURNS.alias("rejected")
_REJECTED_BEFORE = (
    select(_REJECTED.c.id)
    .where(
        _REJECTED.c.tax_code == TAXPAYERS.c.tax_code,
        _REJECTED.c.form_code == bindparam("form_code"),
        _REJECTED.c.period == bindparam("p0"),
        _REJECTED.c.place == bindparam("place"),
        _REJECTED.c.amendment_no == 0,
        _REJECTED.c.status == ReturnStatus.REJECTED,
    )
    .exists()
)
_FREQUENCIES = cast("Table", VatFrequencyYear.__table__)
# The VAT frequency of the period's year (Decree 126 Art. 9): the latest row from that year or before, else the
# taxpayer's own (``registry.vat_frequency.frequency_in`` in SQL).
_FREQUENCY_OF_YEAR = func.coalesce(
    select(_FREQUENCIES.c.frequency)
    .where(_FREQUENCIES.c.taxpayer_id == TAXPAYERS.c.id, _FREQUENCIES.c.year_from <= bindparam("year"))
    .order_by(_FREQUENCIES.c.year_from.desc())
    .limit(1)
    .scalar_subquery(),
    TAXPAYERS.c.vat_frequency,
)
FILER_AND_HISTORY = Prepared(
    select(
        TAXPAYERS.c.id,
        TAXPAYERS.c.tax_code,
        TAXPAYERS.c.kind,
        TAXPAYERS.c.status,
        TAXPAYERS.c.tax_types,
        TAXPAYERS.c.registered_on,
        _FREQUENCY_OF_YEAR.label("vat_frequency"),
        RETURNS.c.id.label("return_id"),
        RETURNS.c.period,
        RETURNS.c.transaction_code,
        RETURNS.c.amendment_no,
        RETURNS.c.tax_payable,
        RETURNS.c.is_current,
        RETURNS.c.computed,
        _REJECTED_BEFORE.label("rejected_before"),
    )
    .select_from(
        TAXPAYERS.outerjoin(
            RETURNS,
            and_(
                RETURNS.c.tax_code == TAXPAYERS.c.tax_code,
                RETURNS.c.form_code == bindparam("form_code"),
                RETURNS.c.period.in_([bindparam("p0"), bindparam("p1")]),
                RETURNS.c.place == bindparam("place"),
                RETURNS.c.status == ReturnStatus.ACCEPTED,
            ),
        )
    )
    .where(TAXPAYERS.c.tax_code == bindparam("code"))
)
INSERT_RECEIPT = insert(RETURNS).returning(RETURNS.c.id)
# PostgreSQL: the receipt with its transaction code (``b_day`` + the id on 11 digits) in one statement, the id
# drawn from the table's identity sequence first. Every column is named, so no Python-side default is needed.
# The sequence is named by a ``regclass`` constant, resolved once when the prepared statement is planned: looking it
# up with ``pg_get_serial_sequence`` on each execution (a scan of ``pg_depend``) was a tenth of the statement's time.
STAMPED_COLUMNS = (*RECEIPT_COLUMNS, "created_at", "updated_at")
_SEQUENCE: ColumnClause[Any] = literal_column(f"'{RETURNS.name}_id_seq'::regclass")
_NEW_ID = select(func.nextval(_SEQUENCE).label("id")).subquery("new_id")


def _numbered(columns: tuple[str, ...]) -> Select[Any]:
    """The row of an ``INSERT … SELECT`` numbered by the statement.

    Its id drawn first, its transaction code made of it (``b_day`` + the id on 11 digits), then ``columns`` from
    parameters ``b_<column>``.
    """
    return select(
        _NEW_ID.c.id,
        bindparam("b_day", type_=String) + func.lpad(_NEW_ID.c.id.cast(Text), 11, "0"),
        *(bindparam(f"b_{column}", type_=RETURNS.c[column].type) for column in columns),
    )


# The outbox row of its message joins it in the same statement (filings/mailing.py), which adds the RETURNING.
NUMBERED_RECEIPT = insert(RETURNS).from_select(
    ["id", "transaction_code", *STAMPED_COLUMNS], _numbered(STAMPED_COLUMNS), include_defaults=False
)
# PostgreSQL: a return received and decided in the same statement (an original accepted on arrival): the receipt's
# columns with the decision's. Nothing is written when a unique index refuses it (the period's original accepted
# meanwhile, the same idempotency key): the caller then receives and decides it in two steps, as any other return.
DECIDED_ON_ARRIVAL = (*STAMPED_COLUMNS, "tax_payable", "posted_amount", "fine", "decided_at")
NUMBERED_DECIDED = (
    pg_insert(RETURNS)
    .from_select(["id", "transaction_code", *DECIDED_ON_ARRIVAL], _numbered(DECIDED_ON_ARRIVAL), include_defaults=False)
    .on_conflict_do_nothing()
)
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
# A return is decided once: the decision is stored only on a return still received (filings/settling.py).
# ``updated_at`` is the database's clock: as a CTE of a larger statement (filings/mailing.py) the column's Python-side
# ``onupdate`` is not applied.
STORE_DECISION = (
    update(RETURNS)
    .where(RETURNS.c.id == bindparam("b_id"), RETURNS.c.status == ReturnStatus.RECEIVED)
    .values({**{column: bindparam(f"b_{column}") for column in DECISION_COLUMNS}, "updated_at": func.now()})
)


def office_finding(rule: str, indicators: tuple[str, ...], value: str | None, vi: str, en: str) -> Finding:
    """A rejection found by the office rather than by the form's own rules."""
    return Finding(
        rule=rule, severity=Severity.REJECT, indicators=indicators, value=value, message_vi=vi, message_en=en
    )


def form_version_finding(filed: FormVersion, in_force: FormVersion, period: Period) -> Finding:
    """The rejection of a return on a form version that does not apply to its period, naming the one to use.

    E.g. Circular 26's 01/GTGT (HTKK code 01) sent for a 2024 period.
    """
    return office_finding(
        "FORM-VERSION",
        ("maTKhai",),
        filed.htkk_code,
        f"Tờ khai {filed.code} theo {filed.basis} (mã {filed.htkk_code}) không áp dụng cho kỳ {period.label}; "
        f"dùng mẫu theo {in_force.basis} (mã {in_force.htkk_code}).",
        f"Form {filed.code} of {filed.basis} (code {filed.htkk_code}) does not apply to the period {period.label}; "
        f"use the form of {in_force.basis} (code {in_force.htkk_code}).",
    )


class Filer(NamedTuple):
    """What filing needs to know of the taxpayer."""

    id: int
    tax_code: str
    kind: str
    status: str
    tax_types: list[str]
    registered_on: datetime.date
    vat_frequency: str  # of the period's year (Decree 126 Art. 9), as read for the return


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

    taxpayer: Filer
    form: FormVersion
    envelope: Envelope
    due_on: datetime.date
    amendment_no: int
    previous: Standing | None
    assessment: Assessment
    extra: list[Finding] = field(default_factory=list)
    # The first receipt of the same figures, rejected wrongly: lateness counts from it (filings/lateness.py).
    late_from: tuple[int, datetime.datetime] | None = None

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
