"""One taxpayer's ledger in memory: what each charge still owes, and settling payments against it. Pure.

The reconcile job and the account statement both load a taxpayer's charges, allocations and payments and use
these functions, so the statement shows what reconciliation will do (DOMAIN.md §5, §7).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from taxoffice.accounts.allocation import ItemKind, OpenItem, allocate
from taxoffice.accounts.interest import interest_on_balance

_KINDS = (ItemKind.TAX, ItemKind.INTEREST, ItemKind.FINE)
_KIND_INDEX = {kind: index for index, kind in enumerate(_KINDS)}


@dataclass(frozen=True, slots=True)
class ChargeRow:
    """A posted charge (amount may be negative: a reduction)."""

    id: int
    kind: str
    tax_type: str
    sub_item: str
    period: str
    amount: int
    due_on: datetime.date
    interest_from: datetime.date


@dataclass(frozen=True, slots=True)
class AllocationRow:
    """A posted allocation (amount negative for a reversal or a release)."""

    payment_id: int
    charge_id: int
    component: str
    amount: int
    paid_on: datetime.date


@dataclass(slots=True)
class PaymentState:
    """A payment with money not yet applied."""

    id: int
    unallocated: int
    paid_on: datetime.date
    period: str | None = None
    sub_item: str | None = None


@dataclass(slots=True)
class ChargeState:
    """A charge after reductions, with what has been applied to it."""

    row: ChargeRow
    amount: int
    paid: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    # (paid_on, amount) applied to the tax, for interest on the declining balance
    schedule: list[tuple[datetime.date, int]] = field(default_factory=list)
    # (payment_id, component, amount, paid_on) applied, oldest first, for releases
    parts: list[tuple[int, str, int, datetime.date]] = field(default_factory=list)

    @property
    def bears_interest(self) -> bool:
        """Only tax bears late-payment interest."""
        return self.row.kind == ItemKind.TAX

    def interest_accrued(self, as_of: datetime.date) -> int:
        """Interest on the unpaid tax for the days before ``as_of``."""
        if not self.bears_interest or self.amount <= 0:
            return 0
        return interest_on_balance(self.amount, self.row.interest_from, self.schedule, as_of)

    def apply(self, payment_id: int, component: str, amount: int, paid_on: datetime.date) -> None:
        """Record money applied to (or, negative, taken back from) a component."""
        self.paid[component] += amount
        self.parts.append((payment_id, component, amount, paid_on))
        if component == ItemKind.TAX:
            self.schedule.append((paid_on, amount))


@dataclass(frozen=True, slots=True)
class NewAllocation:
    """An allocation to post."""

    payment_id: int
    charge_id: int
    component: str
    amount: int
    paid_on: datetime.date


@dataclass
class Ledger:
    """A taxpayer's charges after reductions; ``excess_reduction`` is what reductions left over (a credit)."""

    charges: list[ChargeState]
    excess_reduction: int = 0

    @classmethod
    def build(cls, charges: Iterable[ChargeRow], allocations: Iterable[AllocationRow]) -> "Ledger":
        """Net reductions against the positive charges of the same line, newest first, then apply allocations.

        A reduction (a supplementary return lowering tax) means the tax was never owed: it lowers the latest
        positive charge of the same tax type, sub-item, period and kind, so interest is computed on the lower
        figure from the start. What no charge can absorb is ``excess_reduction``.
        """
        positives: dict[tuple[str, str, str, str], list[ChargeState]] = defaultdict(list)
        reductions: dict[tuple[str, str, str, str], int] = defaultdict(int)
        states: list[ChargeState] = []
        for row in sorted(charges, key=lambda c: c.id):
            line = (row.kind, row.tax_type, row.sub_item, row.period)
            if row.amount >= 0:
                state = ChargeState(row, row.amount)
                positives[line].append(state)
                states.append(state)
            else:
                reductions[line] += -row.amount
        excess = 0
        for line, reduction in reductions.items():
            left = reduction
            for state in reversed(positives.get(line, [])):
                cut = min(left, state.amount)
                state.amount -= cut
                left -= cut
            excess += left
        by_id = {state.row.id: state for state in states}
        for alloc in sorted(allocations, key=lambda a: a.paid_on):
            target = by_id.get(alloc.charge_id)
            if target is not None:
                target.apply(alloc.payment_id, alloc.component, alloc.amount, alloc.paid_on)
        return cls(states, excess)

    def releases(self) -> list[NewAllocation]:
        """Money applied beyond what a reduced charge now owes, taken back from the latest parts first."""
        result: list[NewAllocation] = []
        for state in self.charges:
            for component in (ItemKind.TAX, ItemKind.FINE):
                over = state.paid[component] - (state.amount if state.row.kind == component else 0)
                for payment_id, part_component, amount, paid_on in reversed(list(state.parts)):
                    if over <= 0:
                        break
                    if part_component != component or amount <= 0:
                        continue
                    back = min(over, amount)
                    state.apply(payment_id, component, -back, paid_on)
                    result.append(NewAllocation(payment_id, state.row.id, component, -back, paid_on))
                    over -= back
        return result

    def open_items(self, as_of: datetime.date) -> list[OpenItem]:
        """What is owed on ``as_of``: tax and fines unpaid, and interest accrued but unpaid."""
        items: list[OpenItem] = []
        for state in self.charges:
            row = state.row
            principal = ItemKind(row.kind) if row.kind in _KIND_INDEX else ItemKind.TAX
            owed = {principal: state.amount - state.paid[principal]}
            if state.bears_interest:
                owed[ItemKind.INTEREST] = state.interest_accrued(as_of) - state.paid[ItemKind.INTEREST]
            for kind, amount in owed.items():
                if amount > 0:
                    items.append(
                        OpenItem(
                            key=row.id * len(_KINDS) + _KIND_INDEX[kind],
                            charge_key=row.id,
                            kind=kind,
                            amount=amount,
                            due_on=row.due_on,
                            period=row.period,
                            sub_item=row.sub_item,
                        )
                    )
        return items

    def settle(self, payments: Sequence[PaymentState]) -> list[NewAllocation]:
        """Apply each payment, oldest first, in the legal order as of its own date; updates the payments."""
        by_id = {state.row.id: state for state in self.charges}
        result: list[NewAllocation] = []
        for payment in sorted(payments, key=lambda p: (p.paid_on, p.id)):
            if payment.unallocated <= 0:
                continue
            items = self.open_items(payment.paid_on)
            if not items:
                continue
            outcome = allocate(
                payment.unallocated, items, payment.paid_on, period=payment.period, sub_item=payment.sub_item
            )
            kinds = {item.key: item.kind for item in items}
            for key, amount in outcome.parts:
                if amount <= 0:
                    continue
                charge_id, component = key // len(_KINDS), kinds[key].value
                by_id[charge_id].apply(payment.id, component, amount, payment.paid_on)
                result.append(NewAllocation(payment.id, charge_id, component, amount, payment.paid_on))
            payment.unallocated = outcome.credit
        return result
