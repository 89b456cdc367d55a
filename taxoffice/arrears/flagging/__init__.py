"""The flag-arrears job (DOMAIN.md §8): arrears cases kept from the ledger, set-based and incremental."""

from taxoffice.arrears.flagging._per_charge import ladder_due_on
from taxoffice.arrears.flagging._query import overdue_rows
from taxoffice.arrears.flagging._service import (
    EarlierDayError,
    FlagCounts,
    Previous,
    close_day,
    flag_arrears,
    latest_day,
    previous_run,
)
from taxoffice.arrears.vocabulary import SPLIT_TAX_TYPES

__all__ = [
    "SPLIT_TAX_TYPES",
    "EarlierDayError",
    "FlagCounts",
    "Previous",
    "close_day",
    "flag_arrears",
    "ladder_due_on",
    "latest_day",
    "overdue_rows",
    "previous_run",
]
