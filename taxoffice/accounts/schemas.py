"""Response types of the account API."""

import datetime

from msgspec import Struct


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
