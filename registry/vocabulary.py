"""The registry's words: kinds of taxpayer and where a registration application stands. Pure.

Stored by value in the string columns of ``models.py``; the JSON carries the same values. The registry statuses
(``00`` … ``07``) and the moves between them are a rule of their own: ``statuses.py``.
"""

from enum import StrEnum


class TaxpayerKind(StrEnum):
    """Kinds of taxpayer (``Taxpayer.kind``, ``RegistrationApplication.kind``)."""

    ENTERPRISE = "enterprise"
    BRANCH = "branch"
    HOUSEHOLD = "household"
    INDIVIDUAL = "individual"


# Kinds that are organisations (full fines, a tax code of their own); the others are persons.
ORGANISATION_KINDS = frozenset({TaxpayerKind.ENTERPRISE, TaxpayerKind.BRANCH})
PERSON_KINDS = frozenset({TaxpayerKind.HOUSEHOLD, TaxpayerKind.INDIVIDUAL})


class ApplicationStatus(StrEnum):
    """Where a registration application stands (``RegistrationApplication.status``)."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
