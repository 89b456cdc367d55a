"""One taxpayer's ledger in memory: what each charge still owes, and settling payments against it. Pure.

The reconcile job and the account statement both load a taxpayer's charges, allocations and payments and use
these functions, so the statement shows what reconciliation will do (DOMAIN.md §5, §7).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from taxoffice.accounts.allocation import Enforcement, OpenItem, Tier, enforceable, rules_on, under_enforcement
from taxoffice.accounts.interest import ONE_DAY, RATES, Pause, interest, interest_on_balance
from taxoffice.accounts.vocabulary import ChargeKind

_KINDS = (ChargeKind.TAX, ChargeKind.INTEREST, ChargeKind.FINE)
_KIND_INDEX = {kind: index for index, kind in enumerate(_KINDS)}
_WIDTH = len(_KINDS)  # an open item's key is charge id * _WIDTH + the index of its kind
_INTEREST_INDEX = _KIND_INDEX[ChargeKind.INTEREST]
# A charge's principal kind by its ``kind`` column (anything unknown is tax).
_PRINCIPAL: dict[str, ChargeKind] = {kind.value: kind for kind in _KINDS}
_NOTHING_PAID: dict[str, int] = dict.fromkeys(_KINDS, 0)


class ChargeRow(NamedTuple):
    """A posted charge (amount may be negative: a reduction)."""

    id: int
    kind: str
    tax_type: str
    sub_item: str
    period: str
    amount: int
    due_on: datetime.date
    interest_from: datetime.date
    # ``due_on`` is an extended deadline (Art. 62 or a decree; ``due_on`` and ``interest_from`` already moved).
    extended: bool = False


class AllocationRow(NamedTuple):
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
    paid: dict[str, int] = field(default_factory=_NOTHING_PAID.copy)
    # (paid_on, amount) applied to the tax, for interest on the declining balance
    schedule: list[tuple[datetime.date, int]] = field(default_factory=list)
    # (payment_id, component, amount, paid_on) applied, oldest first, for releases
    parts: list[tuple[int, str, int, datetime.date]] = field(default_factory=list)
    pauses: tuple[Pause, ...] = ()  # days that bear no interest (the taxpayer's frozen spans, Art. 59.6)
    waived: int = 0  # interest cancelled by decision (a write-off, Art. 85): no longer owed, never paid

    @property
    def bears_interest(self) -> bool:
        """Only tax bears late-payment interest."""
        return self.row.kind == ChargeKind.TAX

    def interest_accrued(self, as_of: datetime.date) -> int:
        """Interest on the unpaid tax for the days before ``as_of``."""
        if not self.bears_interest or self.amount <= 0:
            return 0
        return interest_on_balance(self.amount, self.row.interest_from, self.schedule, as_of, pauses=self.pauses)

    def paused_on(self, day: datetime.date) -> bool:
        """Whether ``day`` is in one of the charge's pauses (a frozen debt is not enforceable, Art. 124.5)."""
        return any(pause.start <= day and (pause.end is None or day < pause.end) for pause in self.pauses)

    def apply(self, payment_id: int, component: str, amount: int, paid_on: datetime.date) -> None:
        """Record money applied to (or, negative, taken back from) a component."""
        self.paid[component] += amount
        self.parts.append((payment_id, component, amount, paid_on))
        if component == ChargeKind.TAX:
            self.schedule.append((paid_on, amount))


class NewAllocation(NamedTuple):
    """An allocation to post."""

    payment_id: int
    charge_id: int
    component: str
    amount: int
    paid_on: datetime.date


@dataclass
class Ledger:
    """A taxpayer's charges after reductions; ``excess_reduction`` is what reductions left over (a credit).

    ``enforcements``: the taxpayer's enforcement periods, which put the debts they cover first (DOMAIN.md §7).
    Debts enforceable by age (``allocation.enforceable``) go first as well, unless frozen on the payment day.
    """

    charges: list[ChargeState]
    excess_reduction: int = 0
    enforcements: tuple[Enforcement, ...] = ()

    @classmethod
    def build(
        cls,
        charges: Iterable[ChargeRow],
        allocations: Iterable[AllocationRow],
        enforcements: Iterable[Enforcement] = (),
        pauses: Iterable[Pause] = (),
        waivers: Mapping[int, int] | None = None,
    ) -> "Ledger":
        """Net reductions against the positive charges of the same line, newest first, then apply allocations.

        A reduction (a supplementary return lowering tax) means the tax was never owed: it lowers the latest
        positive charge of the same tax type, sub-item, period and kind, so interest is computed on the lower
        figure from the start. What no charge can absorb is ``excess_reduction``. ``pauses`` (the taxpayer's frozen
        spans) bear no interest on the charges each covers (``Pause.charges``; None: every charge); ``waivers``
        (charge id: đồng) is interest cancelled by decision.
        """
        states: list[ChargeState] = []
        reductions: dict[tuple[str, str, str, str], int] = defaultdict(int)
        frozen = tuple(pauses)
        for row in sorted(charges, key=_by_id):
            if row.amount >= 0:
                waived = waivers.get(row.id, 0) if waivers else 0
                covering = tuple(pause for pause in frozen if pause.covers(row.id))
                states.append(ChargeState(row, row.amount, pauses=covering, waived=waived))
            else:
                reductions[row.kind, row.tax_type, row.sub_item, row.period] += -row.amount
        excess = 0
        if reductions:
            positives: dict[tuple[str, str, str, str], list[ChargeState]] = defaultdict(list)
            for state in states:
                positives[state.row.kind, state.row.tax_type, state.row.sub_item, state.row.period].append(state)
            for line, reduction in reductions.items():
                left = reduction
                for state in reversed(positives.get(line, [])):
                    cut = min(left, state.amount)
                    state.amount -= cut
                    left -= cut
                excess += left
        applied = sorted(allocations, key=_by_paid_on)
        if applied:
            by_id = {state.row.id: state for state in states}
            for alloc in applied:
                target = by_id.get(alloc.charge_id)
                if target is not None:
                    target.apply(alloc.payment_id, alloc.component, alloc.amount, alloc.paid_on)
        return cls(states, excess, tuple(enforcements))

    def releases(self) -> list[NewAllocation]:
        """Money applied beyond what a reduced charge now owes, taken back from the latest parts first.

        Only what a payment still has on the charge can be taken back: a part already undone (a reversed
        payment, an earlier release) is skipped.
        """
        result: list[NewAllocation] = []
        for state in self.charges:
            for component in (ChargeKind.TAX, ChargeKind.FINE):
                over = state.paid[component] - (state.amount if state.row.kind == component else 0)
                if over <= 0:
                    continue
                held: dict[int, int] = {}
                for payment_id, part_component, amount, _paid_on in state.parts:
                    if part_component == component:
                        held[payment_id] = held.get(payment_id, 0) + amount
                for payment_id, part_component, amount, paid_on in reversed(list(state.parts)):
                    if over <= 0:
                        break
                    back = min(over, amount, held.get(payment_id, 0))
                    if part_component != component or back <= 0:
                        continue
                    held[payment_id] -= back
                    state.apply(payment_id, component, -back, paid_on)
                    result.append(NewAllocation(payment_id, state.row.id, component, -back, paid_on))
                    over -= back
        return result

    def open_items(self, as_of: datetime.date) -> list[OpenItem]:
        """What is owed on ``as_of``: tax and fines unpaid, and interest accrued but unpaid."""
        return self._open_items(as_of, {})

    def _open_items(self, as_of: datetime.date, made: dict[int, OpenItem]) -> list[OpenItem]:
        """``open_items``, reusing from ``made`` (by key) any item whose amount has not changed since."""
        items: list[OpenItem] = []
        for state in self.charges:
            row = state.row
            principal = _PRINCIPAL.get(row.kind, ChargeKind.TAX)
            key = row.id * _WIDTH + _KIND_INDEX[principal]
            owed = state.amount - state.paid[principal]
            exempt = bool(state.pauses) and state.paused_on(as_of)  # a frozen debt is never enforced (Art. 124.5)
            enforced = not exempt and under_enforcement(row.due_on, as_of, self.enforcements)
            if owed > 0:
                items.append(_item(made, key, row, principal, owed, (enforced, exempt)))
            # Interest (on tax only) runs from the day after ``interest_from``: before that it is 0.
            if row.kind == ChargeKind.TAX and state.amount > 0 and as_of > row.interest_from + ONE_DAY:
                owed = _accrued_unpaid(state, as_of)
                if owed > 0:
                    interest_key = row.id * _WIDTH + _INTEREST_INDEX
                    items.append(_item(made, interest_key, row, ChargeKind.INTEREST, owed, (enforced, exempt)))
        return items

    def settle(self, payments: Sequence[PaymentState]) -> list[NewAllocation]:
        """Apply each payment, oldest first, in the legal order as of its own date; updates the payments.

        The same as ``allocate(payment.unallocated, self.open_items(payment.paid_on), ...)`` for each payment in
        turn, but without building the open items: an item's place in the order does not depend on its amount,
        so the interest a charge has accrued is computed only when the payment's money reaches it.
        """
        result: list[NewAllocation] = []
        waiting = sorted((p for p in payments if p.unallocated > 0), key=_payment_order)
        if not waiting or not self.charges:
            return result
        lines = [_Line.of(state) for state in self.charges]
        for payment in waiting:
            parts = _payment_parts(payment, lines, self.enforcements)
            if parts is None:
                continue
            paid_on = payment.paid_on
            for state, component, amount in parts:
                state.apply(payment.id, component, amount, paid_on)
                result.append(NewAllocation(payment.id, state.row.id, component, amount, paid_on))
        return result


class _Line(NamedTuple):
    """What settling needs of a charge, worked out once per ``settle``."""

    state: ChargeState
    principal: ChargeKind
    key: int
    interest_key: int
    bears_interest: bool
    # Interest from before the first known rate: computed up front, so its ``LookupError`` is raised as before.
    eager: bool

    @classmethod
    def of(cls, state: ChargeState) -> "_Line":
        row = state.row
        principal = _PRINCIPAL.get(row.kind, ChargeKind.TAX)
        bears = row.kind == ChargeKind.TAX
        return cls(
            state,
            principal,
            row.id * _WIDTH + _KIND_INDEX[principal],
            row.id * _WIDTH + _INTEREST_INDEX,
            bears,
            bears and row.interest_from + ONE_DAY < RATES[0].valid_from,
        )


_TIERS = (Tier.NOT_YET_DUE, Tier.OVERDUE)  # by ``due_on < paid_on``; enforcement moves an overdue debt up
_Entry = tuple[bool, int, datetime.date, int, int, int | None, ChargeState]


def _accrued_unpaid(state: ChargeState, as_of: datetime.date) -> int:
    """The interest ``state`` has accrued by ``as_of`` and that is not paid yet (0 or less: nothing owed)."""
    row = state.row
    if state.schedule:
        accrued = interest_on_balance(state.amount, row.interest_from, state.schedule, as_of, pauses=state.pauses)
    else:  # the same figure, without sorting an empty schedule
        accrued = interest(state.amount, row.interest_from, as_of, pauses=state.pauses)
    return accrued - state.paid[ChargeKind.INTEREST] - state.waived


def _payment_parts(
    payment: PaymentState, lines: list[_Line], enforcements: Sequence[Enforcement] = ()
) -> list[tuple[ChargeState, str, int]] | None:
    """``(charge, component, amount)`` that ``payment`` pays, in order; ``None`` when nothing is owed.

    Sets ``payment.unallocated`` to what is left.
    """
    as_of = payment.paid_on
    candidates = _candidates(lines, as_of)
    if not candidates:
        return None
    try:
        rules = rules_on(as_of)
    except LookupError:
        # ``allocate`` is only asked when some item is owed: an interest that comes to 0 does not count.
        if any(owed > 0 or _accrued_unpaid(line.state, as_of) > 0 for line, owed, _bears in candidates):
            raise
        return None
    parts: list[tuple[ChargeState, str, int]] = []
    left = payment.unallocated
    ranks = (rules.tier_ranks, rules.kind_ranks)
    for _elsewhere, _tier, _due_on, _kind, key, amount, state in _queue(payment, candidates, ranks, enforcements):
        owed = _accrued_unpaid(state, as_of) if amount is None else amount
        if owed <= 0:
            continue
        component = _KINDS[key % _WIDTH].value
        if owed >= left:
            parts.append((state, component, left))
            left = 0
            break
        parts.append((state, component, owed))
        left -= owed
    payment.unallocated = left
    return parts


def _candidates(lines: list[_Line], as_of: datetime.date) -> list[tuple[_Line, int, bool]]:
    """``(line, principal owed, whether interest may be owed)`` of the charges that may owe something."""
    candidates: list[tuple[_Line, int, bool]] = []
    for line in lines:
        state = line.state
        owed = state.amount - state.paid[line.principal]
        # Interest (on tax only) runs from the day after ``interest_from``: before that it is 0.
        bears = line.bears_interest and state.amount > 0 and as_of > state.row.interest_from + ONE_DAY
        if bears and line.eager:
            bears = _accrued_unpaid(state, as_of) > 0
        if owed > 0 or bears:
            candidates.append((line, owed, bears))
    return candidates


def _queue(
    payment: PaymentState,
    candidates: list[tuple[_Line, int, bool]],
    ranks: tuple[Mapping[Tier, int], Mapping[ChargeKind, int]],
    enforcements: Sequence[Enforcement],
) -> list[_Entry]:
    """The entries in ``allocate``'s order, each ``(elsewhere, tier, due_on, kind, key, amount, charge)``.

    Named period/sub-item first, then the tier, ``due_on``, the kind and the unique key. An interest entry's
    amount is ``None``: it is computed when money reaches it.
    """
    tier_ranks, kind_ranks = ranks
    as_of, period, sub_item = payment.paid_on, payment.period, payment.sub_item
    named = period is not None or sub_item is not None
    queue: list[_Entry] = []
    for line, owed, bears in candidates:
        state = line.state
        row = state.row
        tier = _TIERS[row.due_on < as_of]
        if (
            tier is Tier.OVERDUE
            and not (state.pauses and state.paused_on(as_of))
            and (
                (enforcements and under_enforcement(row.due_on, as_of, enforcements))
                or enforceable(line.principal, row.due_on, as_of, extended=row.extended)
            )
        ):
            tier = Tier.ENFORCED_OVERDUE
        rank = tier_ranks[tier]
        elsewhere = not (
            named and (period is None or row.period == period) and (sub_item is None or row.sub_item == sub_item)
        )
        if owed > 0:
            queue.append((elsewhere, rank, row.due_on, kind_ranks[line.principal], line.key, owed, state))
        if bears:
            interest_rank = kind_ranks[ChargeKind.INTEREST]
            queue.append((elsewhere, rank, row.due_on, interest_rank, line.interest_key, None, state))
    queue.sort()
    return queue


def _by_id(row: ChargeRow) -> int:
    return row.id


def _by_paid_on(row: AllocationRow) -> datetime.date:
    return row.paid_on


def _payment_order(payment: PaymentState) -> tuple[datetime.date, int]:
    return payment.paid_on, payment.id


def _item(
    made: dict[int, OpenItem], key: int, row: ChargeRow, kind: ChargeKind, owed: int, flags: tuple[bool, bool]
) -> OpenItem:
    """The open item ``key`` owing ``owed``: the one made before if it is the same, else a new one.

    ``flags``: (under a recorded enforcement measure, exempt from enforcement because frozen).
    """
    enforced, exempt = flags
    item = made.get(key)
    if item is None or item.amount != owed or item.under_enforcement != enforced or item.exempt != exempt:
        item = OpenItem(key, row.id, kind, owed, row.due_on, row.period, row.sub_item, enforced, row.extended, exempt)
        made[key] = item
    return item
