"""Allocating a payment (Law 38 Art. 57, DOMAIN.md §7): the worked example, named lines, tiers, dated rules."""

import datetime
import random

import pytest

from taxoffice.accounts.allocation import (
    RULES,
    Allocation,
    AllocationRules,
    OpenItem,
    Tier,
    allocate,
    enforceable,
    rules_on,
    tier_of,
)
from taxoffice.accounts.vocabulary import ChargeKind

D = datetime.date
DAY = datetime.timedelta(days=1)
M = 1_000_000
PAID_ON = D(2025, 6, 10)
TAX, INTEREST, FINE = ChargeKind.TAX, ChargeKind.INTEREST, ChargeKind.FINE

# DOMAIN.md §7: (a) CIT + interest, 100 days overdue, under enforcement; (b) VAT + interest, 20 days overdue;
# (c) VAT not yet due. Sub-items 1052 (CIT) and 1701 (VAT) as in DOMAIN.md §9; 4931 is interest on VAT; the
# CIT interest's sub-item here is only a label.
A_TAX = OpenItem(1, 1, TAX, 10 * M, PAID_ON - 100 * DAY, "2024", "1052", under_enforcement=True)
A_INTEREST = OpenItem(2, 1, INTEREST, 1 * M, PAID_ON - 100 * DAY, "2024", "4900", under_enforcement=True)
B_TAX = OpenItem(3, 2, TAX, 5 * M, PAID_ON - 20 * DAY, "2025-04", "1701")
B_INTEREST = OpenItem(4, 2, INTEREST, 30_000, PAID_ON - 20 * DAY, "2025-04", "4931")
C_TAX = OpenItem(5, 3, TAX, 8 * M, PAID_ON + 10 * DAY, "2025-05", "1701")
EXAMPLE = (C_TAX, B_INTEREST, A_TAX, B_TAX, A_INTEREST)


def remaining(items: tuple[OpenItem, ...], allocation: Allocation) -> dict[int, int]:
    applied = dict(allocation.parts)
    return {item.key: item.amount - applied.get(item.key, 0) for item in items}


def test_domain_worked_example() -> None:
    allocation = allocate(13 * M, EXAMPLE, PAID_ON)
    # (a) in full, then 2 000 000 of (b)'s tax.
    assert allocation == Allocation(parts=((1, 10 * M), (2, 1 * M), (3, 2 * M)), credit=0)
    # Left: 3 000 000 + 30 000 of (b) and all of (c).
    assert remaining(EXAMPLE, allocation) == {1: 0, 2: 0, 3: 3 * M, 4: 30_000, 5: 8 * M}


def test_input_order_does_not_matter() -> None:
    rng = random.Random(57)  # noqa: S311 - seeded test data, not secrets
    expected = allocate(13 * M, EXAMPLE, PAID_ON)
    for _ in range(20):
        shuffled = list(EXAMPLE)
        rng.shuffle(shuffled)
        assert allocate(13 * M, shuffled, PAID_ON) == expected


def test_partial_payments_across_tiers() -> None:
    # Inside the first tier: part of (a)'s tax only.
    assert allocate(4 * M, EXAMPLE, PAID_ON) == Allocation(((1, 4 * M),), 0)
    # Exactly the first tier.
    assert allocate(11 * M, EXAMPLE, PAID_ON) == Allocation(((1, 10 * M), (2, 1 * M)), 0)
    # Through the second tier (tax, then its interest) into the third.
    assert allocate(17 * M, EXAMPLE, PAID_ON) == Allocation(
        ((1, 10 * M), (2, 1 * M), (3, 5 * M), (4, 30_000), (5, 970_000)), 0
    )


def test_overpayment_leaves_a_credit() -> None:
    owed = sum(item.amount for item in EXAMPLE)
    assert owed == 24_030_000
    allocation = allocate(30 * M, EXAMPLE, PAID_ON)
    assert allocation.credit == 5_970_000
    assert allocation.parts == ((1, 10 * M), (2, 1 * M), (3, 5 * M), (4, 30_000), (5, 8 * M))
    # Exactly what is owed: nothing left.
    assert allocate(owed, EXAMPLE, PAID_ON).credit == 0


def test_zero_amount_and_no_items() -> None:
    assert allocate(0, EXAMPLE, PAID_ON) == Allocation((), 0)
    assert allocate(5 * M, [], PAID_ON) == Allocation((), 5 * M)


def test_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate(-1, EXAMPLE, PAID_ON)


def test_payment_naming_period_and_sub_item_goes_there_first() -> None:
    # The bank line says VAT (1701) for 2025-05: (c), not yet due, is paid before the enforced CIT.
    allocation = allocate(13 * M, EXAMPLE, PAID_ON, period="2025-05", sub_item="1701")
    assert allocation == Allocation(((5, 8 * M), (1, 5 * M)), 0)
    # A named line smaller than the item: all of it goes there.
    assert allocate(3 * M, EXAMPLE, PAID_ON, period="2025-05", sub_item="1701") == Allocation(((5, 3 * M),), 0)


def test_payment_naming_only_a_period() -> None:
    # 2025-04 matches (b)'s tax and interest: those first, in the normal order, then (a).
    allocation = allocate(6 * M, EXAMPLE, PAID_ON, period="2025-04")
    assert allocation == Allocation(((3, 5 * M), (4, 30_000), (1, 970_000)), 0)


def test_payment_naming_only_a_sub_item() -> None:
    # 1701 matches (b)'s and (c)'s tax: overdue (b) before (c), then the normal order for the rest.
    allocation = allocate(14 * M, EXAMPLE, PAID_ON, sub_item="1701")
    assert allocation == Allocation(((3, 5 * M), (5, 8 * M), (1, 1 * M)), 0)


def test_payment_naming_nothing_that_is_owed() -> None:
    assert allocate(13 * M, EXAMPLE, PAID_ON, period="2019-01", sub_item="1701") == allocate(13 * M, EXAMPLE, PAID_ON)
    assert allocate(13 * M, EXAMPLE, PAID_ON, sub_item="1003") == allocate(13 * M, EXAMPLE, PAID_ON)


def test_overdue_means_before_the_payment_date() -> None:
    due_today = OpenItem(1, 1, TAX, M, PAID_ON, "2025-05", "1701")
    due_yesterday = OpenItem(2, 2, TAX, M, PAID_ON - DAY, "2025-04", "1701")
    assert tier_of(due_today, PAID_ON) is Tier.NOT_YET_DUE
    assert tier_of(due_yesterday, PAID_ON) is Tier.OVERDUE
    assert allocate(M, [due_today, due_yesterday], PAID_ON).parts == ((2, M),)
    # Enforcement only counts for overdue items.
    enforced_not_due = due_today._replace(under_enforcement=True)
    assert tier_of(enforced_not_due, PAID_ON) is Tier.NOT_YET_DUE
    assert tier_of(due_yesterday._replace(under_enforcement=True), PAID_ON) is Tier.ENFORCED_OVERDUE


def test_inside_a_tier_oldest_deadline_then_kind_then_key() -> None:
    # Art. 57.1: earlier deadlines first inside each tier of 57.2. All these are enforceable (Art. 124: over 90
    # days, or a fine past its decision's deadline) except the 10-day-old VAT, which comes last.
    old_fine = OpenItem(1, 9, FINE, M, PAID_ON - 300 * DAY, "2024-01", "4254")
    old_interest = OpenItem(2, 7, INTEREST, M, PAID_ON - 200 * DAY, "2024-02", "4931")
    new_tax = OpenItem(3, 8, TAX, M, PAID_ON - 10 * DAY, "2025-04", "1701")
    older_tax = OpenItem(4, 7, TAX, M, PAID_ON - 200 * DAY, "2024-02", "1701")
    twin_tax = OpenItem(0, 6, TAX, M, PAID_ON - 200 * DAY, "2024-02", "1052")
    allocation = allocate(5 * M, [old_fine, old_interest, new_tax, older_tax, twin_tax], PAID_ON)
    assert [key for key, _ in allocation.parts] == [1, 0, 4, 2, 3]


def test_an_older_interest_goes_before_a_newer_tax() -> None:
    # One tier (overdue, under 90 days): the interest on March's VAT (due 20 Apr) before May's VAT (due 20 Jun).
    paid_on = D(2025, 7, 1)
    march_interest = OpenItem(1, 1, INTEREST, 300_000, D(2025, 4, 21), "2025-03", "4931")
    may_tax = OpenItem(2, 2, TAX, 5 * M, D(2025, 6, 20), "2025-05", "1701")
    march_tax = OpenItem(3, 1, TAX, 2 * M, D(2025, 4, 21), "2025-03", "1701")
    allocation = allocate(3 * M, [may_tax, march_interest, march_tax], paid_on)
    assert allocation.parts == ((3, 2 * M), (1, 300_000), (2, 700_000))


@pytest.mark.parametrize(
    ("kind", "due_on", "extended", "expected"),
    [
        # Art. 124.1: tax due 20 Jan 2025 is enforceable from the 91st day after, 21 Apr 2025.
        (TAX, D(2025, 1, 20), False, False),
        (TAX, D(2025, 1, 19), False, True),
        (INTEREST, D(2025, 1, 19), False, True),
        # Art. 124.2: past an extended deadline, at once.
        (TAX, D(2025, 4, 19), True, True),
        # Art. 124.4: a fine past the deadline of its decision, at once.
        (FINE, D(2025, 4, 19), False, True),
        (FINE, D(2025, 4, 20), False, False),
    ],
)
def test_enforceable_by_age(kind: ChargeKind, due_on: datetime.date, extended: bool, expected: bool) -> None:
    assert enforceable(kind, due_on, D(2025, 4, 20), extended=extended) is expected


def test_enforceable_debts_are_paid_before_other_overdue_ones() -> None:
    # 4 000 000 on 20 Apr 2025: CIT of Q3 2024 due 30 Oct 2024 (172 days: enforceable) before VAT of Feb 2025
    # due 20 Mar 2025 (31 days), although neither has an enforcement measure recorded; a frozen debt is not
    # enforceable (Art. 124.5) and keeps its place by deadline.
    paid_on = D(2025, 4, 20)
    cit = OpenItem(1, 1, TAX, 3 * M, D(2024, 10, 30), "2024-Q3", "1052")
    vat = OpenItem(2, 2, TAX, 2 * M, D(2025, 3, 20), "2025-02", "1701")
    frozen = OpenItem(3, 3, TAX, 2 * M, D(2024, 9, 20), "2024-08", "1701", exempt=True)
    assert allocate(4 * M, [vat, cit], paid_on).parts == ((1, 3 * M), (2, M))
    assert allocate(4 * M, [vat, cit, frozen], paid_on).parts == ((1, 3 * M), (3, M))
    assert tier_of(frozen, paid_on) is Tier.OVERDUE


def test_items_with_nothing_owed_take_nothing() -> None:
    settled = OpenItem(1, 1, TAX, 0, PAID_ON - 50 * DAY, "2025-01", "1701", under_enforcement=True)
    reduced = OpenItem(2, 2, TAX, -M, PAID_ON - 50 * DAY, "2025-01", "1701", under_enforcement=True)
    assert allocate(M, [settled, reduced, B_TAX], PAID_ON) == Allocation(((3, M),), 0)


def test_statutory_rules_are_the_default() -> None:
    rules = rules_on(PAID_ON)
    assert rules is RULES[-1]
    assert rules.tiers == (Tier.ENFORCED_OVERDUE, Tier.OVERDUE, Tier.NOT_YET_DUE)
    assert rules.kind_order == (TAX, INTEREST, FINE)
    assert rules.legal_basis
    assert rules_on(D(2020, 7, 1)) is RULES[0]
    with pytest.raises(LookupError):
        rules_on(D(2020, 6, 30))


def test_dated_rules_apply_by_payment_date() -> None:
    # A made-up change from 1 Jan 2026: interest before tax, and items not yet due before plain overdue ones.
    changed = AllocationRules(
        valid_from=D(2026, 1, 1),
        tiers=(Tier.ENFORCED_OVERDUE, Tier.NOT_YET_DUE, Tier.OVERDUE),
        kind_order=(INTEREST, TAX, FINE),
    )
    table = (*RULES, changed)
    assert rules_on(D(2025, 12, 31), table) is RULES[0]
    assert rules_on(D(2026, 1, 1), table) is changed
    # Before the change: the statutory order, whatever the table holds later.
    assert allocate(13 * M, EXAMPLE, PAID_ON, rules=table) == allocate(13 * M, EXAMPLE, PAID_ON)
    # After it: (a)'s interest, (a)'s tax, then (c) (not yet due) before (b).
    shifted = [item._replace(due_on=item.due_on.replace(year=2026)) for item in EXAMPLE]
    allocation = allocate(13 * M, shifted, PAID_ON.replace(year=2026), rules=table)
    assert allocation == Allocation(((2, 1 * M), (1, 10 * M), (5, 2 * M)), 0)


def test_rules_must_order_every_tier_and_kind() -> None:
    with pytest.raises(ValueError, match="every tier"):
        AllocationRules(D(2026, 1, 1), (Tier.OVERDUE, Tier.NOT_YET_DUE), (TAX, INTEREST, FINE))
    with pytest.raises(ValueError, match="every tier"):
        AllocationRules(D(2026, 1, 1), (Tier.OVERDUE, Tier.OVERDUE, Tier.NOT_YET_DUE), (TAX, INTEREST, FINE))
    with pytest.raises(ValueError, match="every tier"):
        AllocationRules(D(2026, 1, 1), tuple(Tier), (TAX, FINE))


def _reference_order(
    items: list[OpenItem], paid_on: datetime.date, period: str | None, sub_item: str | None
) -> list[int]:
    """The order spelled out plainly, to check the fast one against."""
    rules = rules_on(paid_on)

    def named(item: OpenItem) -> bool:
        if period is None and sub_item is None:
            return False
        return period in {None, item.period} and sub_item in {None, item.sub_item}

    def sort_key(item: OpenItem) -> tuple[int, int, datetime.date, int, int]:
        return (
            0 if named(item) else 1,
            rules.tiers.index(tier_of(item, paid_on)),
            item.due_on,
            rules.kind_order.index(item.kind),
            item.key,
        )

    return [item.key for item in sorted((item for item in items if item.amount > 0), key=sort_key)]


def test_random_payments_keep_the_books_balanced() -> None:
    rng = random.Random(20200701)  # noqa: S311 - seeded test data, not secrets
    for _ in range(3_000):
        items = [
            OpenItem(
                key=key,
                charge_key=key // 2,
                kind=rng.choice(list(ChargeKind)),
                amount=rng.choice([0, rng.randint(1, 1_000), rng.randint(1, 50 * M)]),
                due_on=PAID_ON + rng.randint(-400, 60) * DAY,
                period=rng.choice(["2024", "2025-03", "2025-04"]),
                sub_item=rng.choice(["1701", "1052", "4931"]),
                under_enforcement=rng.random() < 0.3,
            )
            for key in rng.sample(range(1_000), rng.randint(0, 12))
        ]
        owed = sum(item.amount for item in items if item.amount > 0)
        amount = rng.choice([0, rng.randint(0, owed + 1), rng.randint(0, 2 * owed + 10)])
        period = rng.choice([None, "2025-04"])
        sub_item = rng.choice([None, "1701"])
        allocation = allocate(amount, items, PAID_ON, period=period, sub_item=sub_item)

        by_key = {item.key: item for item in items}
        assert sum(part for _, part in allocation.parts) + allocation.credit == amount
        assert allocation.credit >= 0
        assert all(0 < part <= by_key[key].amount for key, part in allocation.parts)
        keys = [key for key, _ in allocation.parts]
        assert len(keys) == len(set(keys))
        # Applied in the rule order; every part but the last is the whole item.
        assert keys == _reference_order(items, PAID_ON, period, sub_item)[: len(keys)]
        assert all(part == by_key[key].amount for key, part in allocation.parts[:-1])
        # A credit is left only when everything is paid.
        if allocation.credit:
            assert amount - allocation.credit == owed
            assert set(keys) == {item.key for item in items if item.amount > 0}
