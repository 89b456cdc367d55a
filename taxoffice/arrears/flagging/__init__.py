"""The flag-arrears job (DOMAIN.md §8): arrears cases kept from the ledger, set-based and incremental."""

from taxoffice.arrears.flagging._query import SPLIT_TAX_TYPES, overdue_rows
from taxoffice.arrears.flagging._service import (
    EarlierDayError,
    FlagCounts,
    Previous,
    flag_arrears,
    latest_day,
    previous_run,
)

__all__ = [
    "SPLIT_TAX_TYPES",
    "EarlierDayError",
    "FlagCounts",
    "Previous",
    "flag_arrears",
    "latest_day",
    "overdue_rows",
    "previous_run",
]
