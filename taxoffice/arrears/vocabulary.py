"""The arrears words: where a case stands and what moved in its history. Pure.

Stored by value in the string columns of ``models.py``; the JSON carries the same values. The other words of
the domain live with their rules: ``ActionKind`` (ladder.py), ``Bucket`` (ageing.py), ``Category``
(categories.py), ``PlanStatus`` (instalments.py).
"""

from enum import StrEnum


class CaseStatus(StrEnum):
    """Where a debt case stands (``ArrearsCase.status``): open while the taxpayer owes overdue money."""

    OPEN = "open"
    CLOSED = "closed"


class EventKind(StrEnum):
    """What an ``arrears_case_event`` row records (``ArrearsCaseEvent.kind``)."""

    OPENED = "opened"
    AMOUNTS = "amounts"
    BUCKET = "bucket"
    STAGE = "stage"
    CATEGORY = "category"
    CLOSED = "closed"
    ASSIGNED = "assigned"  # written by an assignment, not by the flagging job


# The job that keeps the cases from the ledger (its runs in ``job_run`` date the stock).
FLAG_JOB = "flag-arrears"
# The tax types a case's overdue total is split by (``arrears_case.overdue_<type>``); the rest is other types.
SPLIT_TAX_TYPES = ("VAT", "CIT", "PIT")
