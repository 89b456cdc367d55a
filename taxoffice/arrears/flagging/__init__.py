"""The flag-arrears job (DOMAIN.md §8): arrears cases kept from the ledger, set-based and incremental."""

from taxoffice.arrears.flagging._service import (
    EarlierDayError,
    FlagCounts,
    Previous,
    flag_arrears,
    latest_day,
    previous_run,
)

__all__ = ["EarlierDayError", "FlagCounts", "Previous", "flag_arrears", "latest_day", "previous_run"]
