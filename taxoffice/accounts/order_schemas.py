"""Request and response types of payment orders."""

import datetime
from typing import Annotated

from msgspec import Meta, Struct

ChargeId = Annotated[int, Meta(ge=1, le=2**63 - 1)]


class PaymentOrderCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    """What to pay: the chosen charges (``charge_ids``), or ``all_overdue: true`` for every overdue debt."""

    charge_ids: Annotated[list[ChargeId], Meta(min_length=1, max_length=500)] | None = None
    all_overdue: bool = False


class SlipLineRead(Struct, kw_only=True):
    """One line of the payment slip."""

    line_no: int
    charge_id: int
    component: str
    tax_type: str
    chapter: str
    sub_item: str
    period: str
    due_on: datetime.date
    description: str
    amount: int


class TreasuryRead(Struct, kw_only=True):
    """The State Treasury account the money goes to."""

    name: str
    bank_bin: str
    account: str


class VietQrRead(Struct, kw_only=True):
    """What a banking app scans: the EMVCo payload and the transfer description it carries."""

    payload: str
    purpose: str
    svg_url: str


class PaymentOrderRead(Struct, kw_only=True):
    """A payment order: the payment slip (form C1-02/NS), its reference, status and VietQR."""

    reference: str
    form: str
    status: str
    tax_code: str
    payer_name: str
    payer_address: str
    tax_office: str
    chapter: str
    treasury: TreasuryRead
    amount: int
    paid: int
    as_of: datetime.date
    expires_at: datetime.datetime
    created_at: datetime.datetime
    lines: list[SlipLineRead]
    vietqr: VietQrRead


class PaymentOrderSummary(Struct, kw_only=True):
    """A payment order in a list."""

    reference: str
    status: str
    amount: int
    paid: int
    as_of: datetime.date
    expires_at: datetime.datetime
    created_at: datetime.datetime


class PaymentOrderList(Struct, kw_only=True):
    """A taxpayer's payment orders, newest first."""

    tax_code: str
    items: list[PaymentOrderSummary]


class AllocationExplanation(Struct, kw_only=True):
    """Where a payment's money went, and why, in Vietnamese and English."""

    payment_id: int
    vi: str
    en: str
