"""Request and response types of the e-filing API."""

import datetime
from typing import Annotated, Any

from msgspec import Meta, Struct

from filings.vocabulary import ReturnKind


class ReturnSubmission(Struct, forbid_unknown_fields=True, kw_only=True):
    """A return as JSON: the figures by indicator code (``ct40`` …)."""

    tax_code: Annotated[
        str, Meta(min_length=1, max_length=40, description="Tax code of the taxpayer filing.", examples=["0100109106"])
    ]
    form: Annotated[
        str, Meta(min_length=1, max_length=16, description="Form code: 01-GTGT or 01/GTGT.", examples=["01-GTGT"])
    ]
    period: Annotated[
        str,
        Meta(min_length=4, max_length=8, description="Tax period: 2026-10, 2026-Q3 or 2026.", examples=["2026-10"]),
    ]
    kind: Annotated[
        ReturnKind, Meta(description="original, or supplementary (amending an accepted return).", examples=["original"])
    ] = ReturnKind.ORIGINAL
    amendment_no: Annotated[
        Annotated[int, Meta(ge=0, le=999)] | None,
        Meta(description="Number of the supplementary return (1…n); none for an original.", examples=[1]),
    ] = None
    values: Annotated[
        dict[str, Any],
        Meta(
            description="Figures by indicator code, as the form defines them (GET /forms/{slug}).",
            examples=[{"ct32": 300000000, "ct33": 30000000, "ct40": 20000000}],
        ),
    ] = {}
    appendices: Annotated[
        dict[str, dict[str, Any]],
        Meta(
            description="Appendices by name with their totals.",
            examples=[{"PL_NQ204_GTGT": {"tongCongThueGTGTDuocGiam": 900000}}],
        ),
    ] = {}


class FindingRead(Struct, kw_only=True):
    """Why a return was rejected (``severity: reject``) or what to check (``warning``)."""

    rule: str
    severity: str
    indicators: list[str]
    value: str | None
    message: str
    message_vi: str
    message_en: str


class DifferenceRead(Struct, kw_only=True):
    """A computed indicator whose declared figure differs from the office's recomputation."""

    indicator: str
    declared: int
    computed: int


class ReturnReceipt(Struct, kw_only=True):
    """The receipt (01-1/TB-TĐT) and, once processed, the acceptance notice (01-2/TB-TĐT)."""

    id: int | None
    transaction_code: str | None
    received_at: datetime.datetime
    status: str
    errors: list[FindingRead]
    tax_payable: int | None
    due_on: datetime.date
    days_late: int
    tax_code: str
    form: str
    period: str
    kind: str
    amendment_no: int
    posted_amount: int | None = None
    fine: int | None = None
    document_sha256: Annotated[str | None, Meta(description="SHA-256 of the bytes received, as received")] = None
    differences: list[DifferenceRead] = []


class ReturnDetail(ReturnReceipt, kw_only=True):
    """A return with its figures as filed and as the office computed them."""

    values: dict[str, Any]
    computed: dict[str, Any]
    decided_at: datetime.datetime | None
    source: Annotated[
        dict[str, Any],
        Meta(description="what the office read about an XML file: form version, producing program, signer, appendices"),
    ] = {}


class ObligationRead(Struct, kw_only=True):
    """One return a taxpayer owes."""

    form: str
    period: str
    due_on: datetime.date
    status: str
    return_id: int | None
    nominal_due_on: Annotated[
        datetime.date | None,
        Meta(description="the deadline the law sets; due_on is the next working day when it falls on a day off"),
    ] = None


class IndicatorRead(Struct, kw_only=True):
    """An indicator of a form, to render it."""

    code: str
    label_vi: str
    label_en: str
    type: str
    required: bool
    formula: str | None


class RuleRead(Struct, kw_only=True):
    """A validation rule of a form."""

    code: str
    severity: str
    check: str
    indicators: list[str]
    message_vi: str
    message_en: str


class FormRead(Struct, kw_only=True):
    """A form definition (one version)."""

    code: str
    slug: str
    htkk_code: str
    name_vi: str
    name_en: str
    tax_type: str
    period_kinds: list[str]
    valid_from: datetime.date
    valid_to: datetime.date | None
    payable_indicator: str
    sub_item: str
    indicators: list[IndicatorRead]
    rules: list[RuleRead]
