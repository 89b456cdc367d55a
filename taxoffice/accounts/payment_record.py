"""A payment as the bank reports it: the record every intake door (API, statement import, COPY batch) passes on."""

import datetime
from dataclasses import dataclass

from taxoffice.accounts.models import Payment

# The fields that make two records with the same bank reference the same payment.
_IDENTITY = ("tax_code", "amount", "paid_on", "period", "sub_item", "chapter")


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """A payment as the bank reports it (tax code already normalised)."""

    bank_ref: str
    tax_code: str
    amount: int
    paid_on: datetime.date
    period: str | None = None
    sub_item: str | None = None
    chapter: str | None = None
    payer_name: str = ""
    tax_office: str | None = None
    # A payment-order reference the payer quoted (``order_matching``): its order's taxpayer gets the money.
    reference: str | None = None

    def same_as(self, payment: Payment) -> bool:
        """Whether ``payment`` records this very payment."""
        return all(getattr(self, name) == getattr(payment, name) for name in _IDENTITY)
