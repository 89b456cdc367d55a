"""The in-memory ledger: reductions, releases of money a reduced charge no longer needs, settling payments."""

import datetime

from taxoffice.accounts.ledger import AllocationRow, ChargeRow, Ledger, NewAllocation, PaymentState

D = datetime.date
M = 1_000_000
DUE = D(2026, 1, 20)


def vat(charge_id: int, amount: int) -> ChargeRow:
    return ChargeRow(charge_id, "tax", "VAT", "1701", "2025-12", amount, DUE, DUE)


def test_a_reduction_lowers_the_latest_charge_and_interest_from_the_start() -> None:
    ledger = Ledger.build([vat(1, 10 * M), vat(2, 4 * M), vat(3, -6 * M)], [])
    assert [c.amount for c in ledger.charges] == [8 * M, 0]
    # 8,000,000 unpaid from 21 Jan to 30 Jan: 10 days at 0.03 %.
    assert ledger.charges[0].interest_accrued(D(2026, 1, 31)) == 24_000
    assert ledger.excess_reduction == 0
    assert Ledger.build([vat(1, 1 * M), vat(2, -3 * M)], []).excess_reduction == 2 * M


def test_release_skips_money_of_a_reversed_payment() -> None:
    # Payment 7 (15 Jan) and payment 8 (18 Jan) paid 5,000,000 each; payment 8 was then reversed.
    allocations = [
        AllocationRow(7, 1, "tax", 5 * M, D(2026, 1, 15)),
        AllocationRow(8, 1, "tax", 5 * M, D(2026, 1, 18)),
        AllocationRow(8, 1, "tax", -5 * M, D(2026, 1, 18)),
    ]
    # A supplementary return lowers the 10,000,000 to 3,000,000: 2,000,000 of payment 7 is no longer needed.
    ledger = Ledger.build([vat(1, 10 * M), vat(2, -7 * M)], allocations)
    assert ledger.releases() == [NewAllocation(7, 1, "tax", -2 * M, D(2026, 1, 15))]
    assert ledger.charges[0].paid["tax"] == 3 * M
    assert ledger.releases() == []


def test_settle_pays_in_order_and_keeps_the_rest_as_credit() -> None:
    ledger = Ledger.build([vat(1, 10 * M)], [])
    payments = [PaymentState(9, 12 * M, D(2026, 1, 25))]
    made = ledger.settle(payments)
    # Tax first, then 4 days of interest (21-24 Jan): 12,000; the rest stays on the payment.
    assert [(a.component, a.amount) for a in made] == [("tax", 10 * M), ("interest", 12_000)]
    assert payments[0].unallocated == 2 * M - 12_000
