"""The in-memory ledger: reductions, releases of money a reduced charge no longer needs, settling payments."""

import datetime
import random

from taxoffice.accounts.allocation import allocate
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


def test_settle_reaches_interest_only_when_the_money_does() -> None:
    # Overdue 10,000,000 (due 20 Jan) and a fine not yet due; paid on 31 Jan: interest 21-30 Jan is 30,000.
    fine = ChargeRow(2, "fine", "VAT", "4254", "2025-12", 1 * M, D(2026, 3, 1), D(2026, 3, 1))
    short = Ledger.build([vat(1, 10 * M), fine], [])
    payments = [PaymentState(1, 10 * M, D(2026, 1, 31))]
    assert [(a.component, a.amount) for a in short.settle(payments)] == [("tax", 10 * M)]
    full = Ledger.build([vat(1, 10 * M), fine], [])
    payments = [PaymentState(2, 11 * M, D(2026, 1, 31))]
    made = [(a.charge_id, a.component, a.amount) for a in full.settle(payments)]
    assert made == [(1, "tax", 10 * M), (1, "interest", 30_000), (2, "fine", 970_000)]
    assert payments[0].unallocated == 0


def _reference_settle(ledger: Ledger, payments: list[PaymentState]) -> list[NewAllocation]:
    """Settling spelled out: the open items on each payment's date, then ``allocate``."""
    result: list[NewAllocation] = []
    states = {state.row.id: state for state in ledger.charges}
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.id)):
        items = ledger.open_items(payment.paid_on)
        if payment.unallocated <= 0 or not items:
            continue
        outcome = allocate(
            payment.unallocated, items, payment.paid_on, period=payment.period, sub_item=payment.sub_item
        )
        kinds = {item.key: item for item in items}
        for key, amount in outcome.parts:
            item = kinds[key]
            states[item.charge_key].apply(payment.id, item.kind.value, amount, payment.paid_on)
            result.append(NewAllocation(payment.id, item.charge_key, item.kind.value, amount, payment.paid_on))
        payment.unallocated = outcome.credit
    return result


def _random_case(rng: random.Random) -> tuple[list[ChargeRow], list[AllocationRow], list[PaymentState]]:
    charges: list[ChargeRow] = []
    for charge_id in range(1, rng.randint(1, 6) + 1):
        kind = rng.choice(["tax", "tax", "fine"])
        period = rng.choice(["2025-11", "2025-12", "2026-Q1"])
        due = D(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 90))
        amount = rng.randint(1, 40) * 250_000 * (-1 if rng.random() < 0.15 else 1)
        sub_item = "4254" if kind == "fine" else rng.choice(["1701", "1052"])
        charges.append(ChargeRow(charge_id, kind, "VAT", sub_item, period, amount, due, due))
    allocations = [
        AllocationRow(100 + n, rng.randint(1, len(charges)), "tax", rng.randint(1, 8) * 250_000, D(2026, 1, 5))
        for n in range(rng.randint(0, 2))
    ]
    payments = [
        PaymentState(
            n,
            rng.choice([rng.randint(1, 60) * 250_000, rng.randint(1, 10**8)]),
            D(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 150)),
            rng.choice([None, None, "2025-12", "2026-Q1"]),
            rng.choice([None, None, "1701", "4254"]),
        )
        for n in range(1, rng.randint(1, 6) + 1)
    ]
    return charges, allocations, payments


def test_settle_matches_open_items_then_allocate() -> None:
    rng = random.Random(20261127)  # noqa: S311 - seeded test data, not secrets
    reached_interest = 0
    for _ in range(1_500):
        charges, allocations, payments = _random_case(rng)
        fast, slow = Ledger.build(charges, allocations), Ledger.build(charges, allocations)
        fast_payments = [PaymentState(p.id, p.unallocated, p.paid_on, p.period, p.sub_item) for p in payments]
        made = fast.settle(fast_payments)
        assert made == _reference_settle(slow, payments)
        assert [p.unallocated for p in fast_payments] == [p.unallocated for p in payments]
        reached_interest += any(a.component == "interest" for a in made)
    assert reached_interest > 100  # the cases do exercise interest


def test_a_supplementary_raise_bears_interest_from_the_original_deadline() -> None:
    # DOMAIN.md §5: 2,000,000 more VAT declared on 5 Mar for a period first due 20 Jan; unpaid on 10 Mar.
    raise_ = ChargeRow(4, "tax", "VAT", "1701", "2025-12", 2 * M, D(2026, 3, 5), DUE)
    ledger = Ledger.build([raise_], [])
    # 21 Jan to 9 Mar: 48 days x 0.03 % of 2,000,000 = 28,800.
    assert ledger.charges[0].interest_accrued(D(2026, 3, 10)) == 28_800
