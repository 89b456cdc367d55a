"""Which debts a payment settles, and in what order: Law 38/2019/QH14 Art. 57 (DOMAIN.md §7). Pure.

The order is data (DESIGN.md §5.8): ``RULES`` is a table of ``AllocationRules`` dated by ``valid_from``, the
statutory order by default, and the rules in force on the payment date apply. A payment is applied:

1. first to the open items that match the period and/or budget sub-item the payment names (those alone, in the
   normal order among themselves);
2. then by tier (Art. 57.2): overdue and enforceable, other overdue, not yet due (overdue: ``due_on < paid_on``).
   Enforceable (Art. 124.1, .2, .4): more than 90 days past the deadline, past an extended deadline, a fine past
   the deadline of its decision, or covered by a recorded enforcement measure;
3. inside a tier the earliest deadline first (Art. 57.1: "theo thời hạn trước, sau"), then by kind (tax,
   late-payment interest, fines: the text gives no order between kinds that fall due together), then ``key``.

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
        under_enforcement: whether a recorded enforcement measure covers it.
        extended: whether ``due_on`` is an extended deadline (Art. 62 or a decree): enforceable once passed.
        exempt: not enforceable whatever its age (Art. 124.5: frozen, not bearing interest, in instalments).
    """

    key: int
    charge_key: int
    kind: ChargeKind
    amount: int
    due_on: datetime.date
    period: str
    sub_item: str
    under_enforcement: bool = False
    extended: bool = False
    exempt: bool = False


@dataclass(frozen=True, slots=True)
class AllocationRules:
    """The allocation order in force from ``valid_from`` until the next rules' ``valid_from``.

    Attributes:
        valid_from: the first payment date the order applies to.
        tiers: every ``Tier``, most urgent first.
        kind_order: every ``ChargeKind``, in the order they are paid inside a tier.
        legal_basis: where the order comes from.
        ranks: (tier, kind) → position in the order, derived from ``tiers`` and ``kind_order``.
        tier_ranks, kind_ranks: the position of each tier, and of each kind inside a tier.

    Raises:
        ValueError: ``tiers`` or ``kind_order`` is not an ordering of all the members of its enum.
    """

    valid_from: datetime.date
    tiers: tuple[Tier, ...]
    kind_order: tuple[ChargeKind, ...]
    legal_basis: str = ""
    ranks: Mapping[tuple[Tier, ChargeKind], int] = field(init=False, repr=False, compare=False)
    tier_ranks: Mapping[Tier, int] = field(init=False, repr=False, compare=False)
    kind_ranks: Mapping[ChargeKind, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if sorted(self.tiers) != sorted(Tier) or sorted(self.kind_order) != sorted(ChargeKind):
            raise ValueError(f"allocation rules from {self.valid_from}: list every tier and every kind once")
        ranks = {
            (tier, kind): tier_rank * len(self.kind_order) + kind_rank
            for tier_rank, tier in enumerate(self.tiers)
            for kind_rank, kind in enumerate(self.kind_order)
        }
        object.__setattr__(self, "ranks", ranks)
        object.__setattr__(self, "tier_ranks", {tier: rank for rank, tier in enumerate(self.tiers)})
        object.__setattr__(self, "kind_ranks", {kind: rank for rank, kind in enumerate(self.kind_order)})


# Sorted by valid_from; before the first entry no order is known and asking raises LookupError. The kind order is
# the tie-break between items of one tier due the same day.
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


# An enforcement period of a taxpayer: (started on, ended on or None while it runs).
Enforcement = tuple[datetime.date, datetime.date | None]


def under_enforcement(due_on: datetime.date, paid_on: datetime.date, enforcements: Sequence[Enforcement]) -> bool:
    """Whether a debt due ``due_on`` is under enforcement for a payment made on ``paid_on``.

    Enforcement covers the debts already overdue when it started (``due_on < started``), for payments made while
    it runs (``started <= paid_on <= ended``). DOMAIN.md §7: such debts are paid first.
    """
    return any(due_on < started <= paid_on and (ended is None or paid_on <= ended) for started, ended in enforcements)


# Law 38/2019/QH14 Art. 124.1: enforcement applies to tax owed more than 90 days after the deadline.
ENFORCEABLE_AFTER_DAYS = 90


def enforceable(kind: ChargeKind, due_on: datetime.date, paid_on: datetime.date, *, extended: bool = False) -> bool:
    """Whether an item due ``due_on`` is subject to enforcement on ``paid_on`` by its age (Art. 124).

    Tax and its interest more than 90 days after the deadline (124.1: due 20 Jan, enforceable from 21 Apr in a
    common year), anything after an extended deadline (124.2), a fine after the deadline of its decision (124.4).
    """
    if due_on >= paid_on:
        return False
    if extended or kind is ChargeKind.FINE:
        return True
    return (paid_on - due_on).days > ENFORCEABLE_AFTER_DAYS


def tier_of(item: OpenItem, paid_on: datetime.date) -> Tier:
    """The tier of ``item`` for a payment made on ``paid_on``: overdue means ``due_on < paid_on``."""
    if item.due_on < paid_on:
        if item.under_enforcement or (
            not item.exempt and enforceable(item.kind, item.due_on, paid_on, extended=item.extended)
        ):
            return Tier.ENFORCED_OVERDUE
        return Tier.OVERDUE
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
    in_force = rules_on(paid_on, rules)
    tier_ranks, kind_ranks = in_force.tier_ranks, in_force.kind_ranks
    named = period is not None or sub_item is not None
    queue: list[tuple[bool, int, datetime.date, int, int, int]] = []
    append = queue.append
    for item in items:
        if item.amount <= 0:
            continue
        # False sorts first: items matching the named period and/or sub-item come before all others.
        elsewhere = not (
            named and (period is None or item.period == period) and (sub_item is None or item.sub_item == sub_item)
        )
        rank = tier_ranks[tier_of(item, paid_on)]
        append((elsewhere, rank, item.due_on, kind_ranks[item.kind], item.key, item.amount))
    queue.sort()
    parts: list[tuple[int, int]] = []
    left = amount
    for _, _, _, _, key, owed in queue:
        if owed >= left:
            parts.append((key, left))
            return Allocation(tuple(parts), 0)
        parts.append((key, owed))
        left -= owed
    return Allocation(tuple(parts), left)
