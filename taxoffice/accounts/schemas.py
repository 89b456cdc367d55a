"""Response types of the account API."""

import datetime
from typing import Annotated

from msgspec import Meta, Struct

from taxoffice.accounts.account import ItemLine, StatementLine


class ChargeRead(Struct, kw_only=True):
    """One posted charge."""

    id: int
    tax_type: str
    sub_item: str
    period: str
    kind: str
    amount: int
    due_on: datetime.date
    interest_from: datetime.date
    source: str
    note: str
    posted_at: datetime.datetime


class ChargesRead(Struct, kw_only=True):
    """A taxpayer's charges and their total."""

    tax_code: str
    total: int
    charges: list[ChargeRead]


BankRef = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")]
Amount = Annotated[int, Meta(gt=0, le=10**15)]
PeriodText = Annotated[str, Meta(pattern=r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")]
SubItem = Annotated[str, Meta(pattern=r"^\d{4}$")]
Chapter = Annotated[str, Meta(pattern=r"^\d{3}$")]


class PaymentCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    """A payment reported by a bank or the State Treasury."""

    bank_ref: BankRef
    # Optional when ``reference`` names a payment order: the order's taxpayer is used (even over a wrong code).
    tax_code: Annotated[str, Meta(max_length=20)] | None = None
    amount: Amount
    paid_on: datetime.date
    period: PeriodText | None = None
    sub_item: SubItem | None = None
    chapter: Chapter | None = None
    payer_name: Annotated[str, Meta(max_length=200)] = ""
    tax_office: Annotated[str, Meta(max_length=20)] | None = None
    # The payment-order reference the payer quoted (``NT`` + 10 characters, separators allowed).
    reference: Annotated[str, Meta(min_length=1, max_length=32)] | None = None


class PaymentRead(Struct, kw_only=True):
    """A recorded payment and how much of it is still to apply."""

    id: int
    bank_ref: str
    tax_code: str
    amount: int
    paid_on: datetime.date
    period: str | None
    sub_item: str | None
    chapter: str | None
    payer_name: str
    status: str
    unallocated: int
    source: str
    received_at: datetime.datetime
    note: str


class PaymentPage(Struct, kw_only=True):
    """A page of payments; ``next_cursor`` fetches the next."""

    items: list[PaymentRead]
    next_cursor: int | None


class PaymentAssign(Struct, kw_only=True, forbid_unknown_fields=True):
    """Give an unmatched payment to a taxpayer."""

    tax_code: Annotated[str, Meta(min_length=1, max_length=20)]
    note: Annotated[str, Meta(min_length=1, max_length=300)]


class PaymentReversal(Struct, kw_only=True, forbid_unknown_fields=True):
    """A bank's reversal of a payment."""

    reason: Annotated[str, Meta(min_length=1, max_length=300)]


class RejectedRow(Struct, kw_only=True):
    """A statement row that was not imported."""

    row: int
    reason: str


class ImportResult(Struct, kw_only=True):
    """What a statement import did: counts, and the first rejected rows (``rejected_count`` tells them all)."""

    imported: int
    duplicates: int
    unmatched: int
    rejected: list[RejectedRow]
    rejected_count: int
    rejected_by_column: dict[str, int]


class AccountRead(Struct, kw_only=True):
    """A taxpayer's account as of a day."""

    tax_code: str
    as_of: datetime.date
    outstanding: int
    interest: int
    fines: int
    credit: int
    total_due: int
    items: list[ItemLine]
    lines: list[StatementLine]


DecisionRef = Annotated[str, Meta(min_length=1, max_length=60)]


class DecreeExtensionCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    """A taxpayer's request under a yearly extension decree, as received by the office."""

    decree: Annotated[str, Meta(min_length=1, max_length=20, examples=["12/2023/NĐ-CP"])]
    requested_on: datetime.date


class DecisionExtensionCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    """An Art. 62 extension decided by the head of the office for one tax charge."""

    charge_id: int
    extended_to: datetime.date
    ground: Annotated[str, Meta(examples=["force_majeure", "relocation"])]
    reference: DecisionRef
    requested_on: datetime.date
    note: Annotated[str, Meta(max_length=200)] = ""


class ExtensionRevoke(Struct, kw_only=True, forbid_unknown_fields=True):
    """Why a standing extension is revoked."""

    reason: Annotated[str, Meta(min_length=1, max_length=200)]


class ExtensionRead(Struct, kw_only=True):
    """One extended deadline of a charge."""

    id: int
    charge_id: int
    due_on: datetime.date
    extended_to: datetime.date
    basis: str
    reference: str
    ground: str
    requested_on: datetime.date
    granted_by: str
    revoked_on: datetime.date | None
    note: str
