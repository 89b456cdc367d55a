"""Which debts a payment settles, and in what order: Law 38/2019/QH14 Art. 57 (DOMAIN.md §7). Pure.

The order is data (DESIGN.md §5.8): ``RULES`` is a table of ``AllocationRules`` dated by ``valid_from``, the
statutory order by default, and the rules in force on the payment date apply. A payment is applied:

1. first to the open items that match the period and/or budget sub-item the payment names (those alone, in the
   normal order among themselves);
2. then by tier: overdue and under enforcement, other overdue, not yet due (overdue: ``due_on < paid_on``);
3. inside a tier by kind (tax, late-payment interest, fines), then oldest ``due_on``, then ``key``.

Each item takes at most its amount; what is left is a credit. Lean on purpose: the reconcile job calls
``allocate`` for every payment, so the rule lookup is one bisect and the items are sorted once.
"""

import bisect
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from taxoffice.accounts.vocabulary import ChargeKind


class Tier(StrEnum):
    """How urgent an open item is on the payment date."""

    ENFORCED_OVERDUE = "enforced_overdue"
    OVERDUE = "overdue"
    NOT_YET_DUE = "not_yet_due"


class OpenItem(NamedTuple):
    """An amount still owed (a named tuple: the reconcile job builds millions of them).

    Attributes:
        key: identifies the item (unique among the items passed to one ``allocate`` call).
        charge_key: the charge it belongs to (an interest item belongs to its tax charge).
        kind: tax, interest or fine.
        amount: what is still owed, in đồng (an item of 0 or less takes nothing).
        due_on: the effective deadline.
        period: the tax period, e.g. ``2024-07``.
        sub_item: the budget sub-item (tiểu mục), e.g. ``1701``.
        under_enforcement: whether enforcement has started for it.
    """

    key: int
    charge_key: int
    kind: ChargeKind
    amount: int
    due_on: datetime.date
    period: str
    sub_item: str
    under_enforcement: bool = False


@dataclass(frozen=True, slots=True)
class AllocationRules:
    """The allocation order in force from ``valid_from`` until the next rules' ``valid_from``.

    Attributes:
        valid_from: the first payment date the order applies to.
        tiers: every ``Tier``, most urgent first.
        kind_order: every ``ChargeKind``, in the order they are paid inside a tier.
        legal_basis: where the order comes from.
        ranks: (tier, kind) → position in the order, derived from ``tiers`` and ``kind_order``.

    Raises:
        ValueError: ``tiers`` or ``kind_order`` is not an ordering of all the members of its enum.
    """

    valid_from: datetime.date
    tiers: tuple[Tier, ...]
    kind_order: tuple[ChargeKind, ...]
    legal_basis: str = ""
    ranks: Mapping[tuple[Tier, ChargeKind], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if sorted(self.tiers) != sorted(Tier) or sorted(self.kind_order) != sorted(ChargeKind):
            raise ValueError(f"allocation rules from {self.valid_from}: list every tier and every kind once")
        ranks = {
            (tier, kind): tier_rank * len(self.kind_order) + kind_rank
            for tier_rank, tier in enumerate(self.tiers)
            for kind_rank, kind in enumerate(self.kind_order)
        }
        object.__setattr__(self, "ranks", ranks)


# Sorted by valid_from; before the first entry no order is known and asking raises LookupError.
RULES: tuple[AllocationRules, ...] = (
    AllocationRules(
        valid_from=datetime.date(2020, 7, 1),
        tiers=(Tier.ENFORCED_OVERDUE, Tier.OVERDUE, Tier.NOT_YET_DUE),
        kind_order=(ChargeKind.TAX, ChargeKind.INTEREST, ChargeKind.FINE),
        legal_basis="Luật Quản lý thuế 38/2019/QH14, Điều 57",
    ),
)


@dataclass(frozen=True, slots=True)
class Allocation:
    """What a payment settles.

    Attributes:
        parts: ``(item key, amount applied)`` in the order applied; only items that received something.
        credit: what is left of the payment, in đồng.
    """

    parts: tuple[tuple[int, int], ...]
    credit: int


def _valid_from(rules: AllocationRules) -> datetime.date:
    return rules.valid_from


def rules_on(day: datetime.date, rules: Sequence[AllocationRules] = RULES) -> AllocationRules:
    """The allocation rules in force on ``day`` (``rules`` sorted by ``valid_from``).

    Raises:
        LookupError: ``day`` is before the first rules.
    """
    index = bisect.bisect_right(rules, day, key=_valid_from) - 1
    if index < 0:
        raise LookupError(f"no payment allocation order is known for {day.isoformat()}")
    return rules[index]


def tier_of(item: OpenItem, paid_on: datetime.date) -> Tier:
    """The tier of ``item`` for a payment made on ``paid_on``: overdue means ``due_on < paid_on``."""
    if item.due_on < paid_on:
        return Tier.ENFORCED_OVERDUE if item.under_enforcement else Tier.OVERDUE
    return Tier.NOT_YET_DUE


def allocate(
    amount: int,
    items: Sequence[OpenItem],
    paid_on: datetime.date,
    *,
    period: str | None = None,
    sub_item: str | None = None,
    rules: Sequence[AllocationRules] = RULES,
) -> Allocation:
    """Apply a payment of ``amount`` made on ``paid_on`` to the open ``items``.

    Args:
        amount: the payment in đồng, at least 0.
        items: what the taxpayer owes (any order; keys unique).
        paid_on: the payment date: it decides what is overdue and which rules apply.
        period: the tax period the payment names, if any.
        sub_item: the budget sub-item the payment names, if any.
        rules: the dated rule table.

    Returns:
        The parts applied, in order, and the credit left over.

    Raises:
        ValueError: ``amount`` is negative.
        LookupError: no rules are in force on ``paid_on`` (and there is something to allocate).
    """
    if amount < 0:
        raise ValueError(f"a payment cannot be negative: {amount}")
    if amount == 0 or not items:
        return Allocation((), amount)
    ranks = rules_on(paid_on, rules).ranks
    named = period is not None or sub_item is not None
    queue: list[tuple[bool, int, datetime.date, int, int]] = []
    append = queue.append
    for item in items:
        if item.amount <= 0:
            continue
        if item.due_on < paid_on:
            tier = Tier.ENFORCED_OVERDUE if item.under_enforcement else Tier.OVERDUE
        else:
            tier = Tier.NOT_YET_DUE
        # False sorts first: items matching the named period and/or sub-item come before all others.
        elsewhere = not (
            named and (period is None or item.period == period) and (sub_item is None or item.sub_item == sub_item)
        )
        append((elsewhere, ranks[tier, item.kind], item.due_on, item.key, item.amount))
    queue.sort()
    parts: list[tuple[int, int]] = []
    left = amount
    for _, _, _, key, owed in queue:
        if owed >= left:
            parts.append((key, left))
            return Allocation(tuple(parts), 0)
        parts.append((key, owed))
        left -= owed
    return Allocation(tuple(parts), left)
