"""The e-filing words: where a return stands, what kind it is, where an obligation stands. Pure.

Stored by value in the string columns of ``models.py``; the JSON carries the same values.
"""

from enum import StrEnum


class ReturnStatus(StrEnum):
    """Where a return stands (``TaxReturn.status``): received, then accepted or rejected (a rejection is data)."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ReturnKind(StrEnum):
    """Original (HTKK ``C``) or supplementary (``B``, amendment 1…n)."""

    ORIGINAL = "original"
    SUPPLEMENTARY = "supplementary"


class ObligationStatus(StrEnum):
    """Where an obligation to file stands on a day (computed, not stored)."""

    UPCOMING = "upcoming"  # the period has not ended
    DUE = "due"  # ended, deadline not passed
    OVERDUE = "overdue"
    IF_WITHHELD = "if_withheld"  # ended, owed only if tax was withheld in the period (05/KK-TNCN): never overdue
    FILED = "filed"
    FILED_LATE = "filed_late"


# Obligations a return may still be filed for.
OPEN_OBLIGATIONS = frozenset({ObligationStatus.DUE, ObligationStatus.OVERDUE, ObligationStatus.IF_WITHHELD})
