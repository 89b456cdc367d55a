"""Interest cancelled by a write-off (``interest_waiver``): the ledger owes it no more and no payment reaches it."""

import datetime

from taxoffice.accounts.ledger import AllocationRow, ChargeRow, Ledger, PaymentState

D = datetime.date
M = 1_000_000
DUE = D(2025, 7, 31)


def _ledger(waived: int) -> Ledger:
    # VAT 10,000,000 due 31 Jul 2025; 4,000,000 paid on 11 Aug; the 6,000,000 left written off (a reduction).
    charges = [
        ChargeRow(1, "tax", "VAT", "1701", "2025-06", 10 * M, DUE, DUE),
        ChargeRow(2, "tax", "VAT", "1701", "2025-06", -6 * M, DUE, DUE),
    ]
    paid = [AllocationRow(7, 1, "tax", 4 * M, D(2025, 8, 11))]
    return Ledger.build(charges, paid, waivers={1: waived} if waived else None)


def test_the_waiver_takes_the_interest_of_the_part_paid_late() -> None:
    # Without the waiver, the 4,000,000 paid 10 days late still owes 10 x 1,200 = 12,000 of interest.
    assert [(i.kind, i.amount) for i in _ledger(0).open_items(D(2025, 8, 20))] == [("interest", 12_000)]
    ledger = _ledger(12_000)
    assert ledger.open_items(D(2025, 8, 20)) == []
    assert ledger.open_items(D(2026, 8, 20)) == []  # the balance is 0: nothing accrues afterwards
    (state,) = ledger.charges
    assert (state.interest_accrued(D(2025, 8, 20)), state.waived) == (12_000, 12_000)


def test_a_payment_after_the_write_off_pays_nothing_waived() -> None:
    payment = PaymentState(8, 1 * M, D(2025, 8, 25))
    assert _ledger(12_000).settle([payment]) == []
    assert payment.unallocated == 1 * M  # all of it a credit
    payment = PaymentState(9, 1 * M, D(2025, 8, 25))
    assert [(a.component, a.amount) for a in _ledger(0).settle([payment])] == [("interest", 12_000)]
