"""The flag-arrears job (DOMAIN.md §8): arrears cases kept from the ledger, set-based and incremental."""

from taxoffice.arrears.flagging._service import FlagCounts, Previous, flag_arrears, previous_run

__all__ = ["FlagCounts", "Previous", "flag_arrears", "previous_run"]
