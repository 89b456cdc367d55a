"""Payments quoting a payment-order reference: matched to the order's taxpayer first, whatever tax code came with them.

Every intake door (``POST /payments``, statement imports) passes its records through ``resolve`` before inserting
them and ``link`` after: a record whose reference (given, or found in the transfer description) names an order
takes the order's tax code, and, when the order's debts are all of one period and budget sub-item and the bank named
none, that period and sub-item (the slip names them, DOMAIN.md §7: a payment naming them is applied there first).
After the insert the payment points at its order and the order counts the money: ``paid`` when it is covered,
``partly_paid`` before that; a reversal of the payment takes it off again (``count``). The reconcile job then applies the money to the order's taxpayer in the legal order.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts import order_reference
from taxoffice.accounts.models import Charge, Payment
from taxoffice.accounts.order_models import PaymentOrder, PaymentOrderLine
from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.accounts.vocabulary import OrderStatus


@dataclass(frozen=True, slots=True)
class OrderMatch:
    """The order a payment quoted, and the other tax code the bank had sent, if any (kept in the payment's note)."""

    order_id: int
    reference: str
    given_tax_code: str


async def resolve(
    session: AsyncSession, items: Sequence[PaymentRecord]
) -> tuple[list[PaymentRecord], dict[str, OrderMatch]]:
    """``items`` with the order's tax code (and single named line) on those quoting a known order; matches by bank_ref.

    A reference that names no order leaves its record as it came (matched by its tax code, or not at all).
    """
    wanted = {ref for item in items if (ref := order_reference.normalize(item.reference or "")) is not None}
    if not wanted:
        return list(items), {}
    orders = {
        row.reference: row
        for row in await session.execute(
            select(PaymentOrder.id, PaymentOrder.reference, PaymentOrder.tax_code).where(
                PaymentOrder.reference.in_(sorted(wanted))
            )
        )
    }
    named = await _named_lines(session, [row.id for row in orders.values()])
    resolved: list[PaymentRecord] = []
    matches: dict[str, OrderMatch] = {}
    for item in items:
        order = orders.get(order_reference.normalize(item.reference or "") or "")
        if order is None:
            resolved.append(item)
            continue
        changes: dict[str, object] = {"tax_code": order.tax_code, "reference": order.reference}
        if item.period is None and item.sub_item is None and order.id in named:
            changes["period"], changes["sub_item"] = named[order.id]
        resolved.append(dataclasses.replace(item, **changes))  # type: ignore[arg-type]
        given = item.tax_code if item.tax_code != order.tax_code else ""
        matches[item.bank_ref] = OrderMatch(order.id, order.reference, given)
    return resolved, matches


async def _named_lines(session: AsyncSession, order_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The orders whose debts are all of one (period, charge sub-item): that pair."""
    if not order_ids:
        return {}
    pairs: dict[int, set[tuple[str, str]]] = defaultdict(set)
    rows = await session.execute(
        select(PaymentOrderLine.order_id, Charge.period, Charge.sub_item)
        .join(Charge, Charge.id == PaymentOrderLine.charge_id)
        .where(PaymentOrderLine.order_id.in_(order_ids))
    )
    for order_id, period, sub_item in rows:
        pairs[order_id].add((period, sub_item))
    return {order_id: next(iter(found)) for order_id, found in pairs.items() if len(found) == 1}


async def link(
    session: AsyncSession, inserted: set[str], matches: dict[str, OrderMatch], amounts: dict[str, int]
) -> None:
    """Point the newly inserted payments (``inserted`` bank refs) at their orders and count their money there."""
    rows = [(ref, match) for ref, match in matches.items() if ref in inserted]
    if not rows:
        return
    payments = cast("Table", Payment.__table__)  # Core: an executemany by bank_ref, not the ORM's by-key bulk
    await session.execute(
        update(payments)
        .where(payments.c.bank_ref == bindparam("ref"))
        .values(order_id=bindparam("order_id"), note=bindparam("order_note")),
        [
            {
                "ref": ref,
                "order_id": match.order_id,
                "order_note": f"payment order {match.reference}"
                + (f"; tax code on the transfer: {match.given_tax_code}" if match.given_tax_code else ""),
            }
            for ref, match in rows
        ],
    )
    received: dict[int, int] = defaultdict(int)
    for ref, match in rows:
        received[match.order_id] += amounts[ref]
    for order_id, amount in received.items():
        await count(session, order_id, amount)


async def count(session: AsyncSession, order_id: int, amount: int) -> None:
    """Add ``amount`` (negative for a payment the bank reversed) to what the order received, and set its status.

    ``paid`` once covered, ``partly_paid`` while something came, ``open`` again when a reversal took it all back
    (an open order past its expiry still reads as expired); a cancelled order stays cancelled.
    """
    paid = PaymentOrder.paid + amount
    await session.execute(
        update(PaymentOrder)
        .where(PaymentOrder.id == order_id)
        .values(
            paid=paid,
            status=case(
                (PaymentOrder.status == OrderStatus.CANCELLED, PaymentOrder.status),
                (paid >= PaymentOrder.amount, OrderStatus.PAID.value),
                (paid > 0, OrderStatus.PARTLY_PAID.value),
                else_=OrderStatus.OPEN.value,
            ),
        )
        .execution_options(synchronize_session=False)
    )
