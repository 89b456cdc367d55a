"""Unmatched payments claimed once their tax code is registered, on the embedded SQLite database.

The PostgreSQL test itself, collected here with this folder's fixtures (the SQLite file).
"""

from tests.accounts.test_unmatched_claim import (
    test_reconcile_claims_a_payment_whose_code_was_registered_since as test_claimed_on_sqlite,
)

__all__ = ["test_claimed_on_sqlite"]
