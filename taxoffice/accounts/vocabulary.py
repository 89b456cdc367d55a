"""The ledger's words: what a charge is for, where a payment and a payment order stand. Pure.

Stored by value in the string columns of ``models.py`` and ``order_models.py``; the JSON carries the same values.
"""

from enum import StrEnum


class ChargeKind(StrEnum):
    """What a charge (and each open item of it) is for; allocation pays tax, then interest, then fines."""

    TAX = "tax"
    INTEREST = "interest"
    FINE = "fine"


class PaymentStatus(StrEnum):
    """Where a payment stands (``Payment.status``)."""

    UNMATCHED = "unmatched"  # no registered taxpayer has its tax code
    UNALLOCATED = "unallocated"  # waiting for the reconcile job
    ALLOCATED = "allocated"  # every đồng applied
    CREDIT = "credit"  # applied as far as debts allowed; the rest waits for the next charge
    REVERSED = "reversed"  # cancelled by the bank
    QUARANTINED = "quarantined"  # set aside by the reconcile job, the reason at the start of the note


# Payments whose unallocated money is still to be applied, and payments that count as money received.
OPEN_PAYMENT_STATUSES = (PaymentStatus.UNALLOCATED, PaymentStatus.CREDIT)
PAID_STATUSES = (PaymentStatus.UNALLOCATED, PaymentStatus.ALLOCATED, PaymentStatus.CREDIT)


class OrderStatus(StrEnum):
    """Where a payment order (the slip a taxpayer pays by) stands (``PaymentOrder.status``)."""

    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
