"""Explaining a payment's allocation from the account: the money it applied (or will apply) and the rule why."""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.account import account_statement
from taxoffice.accounts.allocation import Tier, enforceable, under_enforcement
from taxoffice.accounts.errors import PaymentNotFoundError
from taxoffice.accounts.explain import ExplainedPart, explain
from taxoffice.accounts.models import Enforcement, Payment
from taxoffice.accounts.vocabulary import ChargeKind, PaymentStatus
from taxoffice.auth.roles import Principal


async def explain_payment(
    session: AsyncSession, actor: Principal, payment_id: int, today: datetime.date
) -> tuple[str, str]:
    """Where payment ``payment_id``'s money went, in Vietnamese and English (``explain.explain``).

    Allocations already posted are told as they are; a payment waiting for the reconcile job is told as the job
    will apply it (the account statement's pending lines), marked as expected.

    Raises:
        ResourceNotFoundError: no such payment, it has no taxpayer yet, or the caller may not see it.
    """
    payment = await session.get(Payment, payment_id)
    if payment is None or payment.taxpayer_id is None or not actor.may_see_taxpayer(payment.tax_code):
        raise PaymentNotFoundError(payment_id, with_taxpayer=True)
    statement = await account_statement(session, payment.tax_code, payment.taxpayer_id, max(today, payment.paid_on))
    enforcements = [
        (row.started_on, row.ended_on)
        for row in await session.execute(
            select(Enforcement.started_on, Enforcement.ended_on).where(Enforcement.taxpayer_id == payment.taxpayer_id)
        )
    ]
    items = {item.charge_id: item for item in statement.items}
    applied: dict[tuple[int, str], int] = {}
    pending = False
    for line in statement.lines:
        if line.reference != f"payment:{payment.id}" or not line.entry.startswith("applied:"):
            continue
        key = (int(line.detail.removeprefix("charge:")), line.entry.removeprefix("applied:"))
        applied[key] = applied.get(key, 0) + line.amount
        pending = pending or line.pending
    parts = []
    for (charge_id, component), amount in applied.items():
        item = items.get(charge_id)
        if amount <= 0 or item is None:
            continue
        if item.due_on >= payment.paid_on:
            tier = Tier.NOT_YET_DUE
        elif under_enforcement(item.due_on, payment.paid_on, enforcements) or enforceable(
            ChargeKind(component), item.due_on, payment.paid_on
        ):
            tier = Tier.ENFORCED_OVERDUE
        else:
            tier = Tier.OVERDUE
        named = (payment.period is not None or payment.sub_item is not None) and (
            payment.period in {None, item.period} and payment.sub_item in {None, item.sub_item}
        )
        parts.append(
            ExplainedPart(amount, component, item.tax_type, item.sub_item, item.period, item.due_on, tier, named)
        )
    credit = payment.amount - sum(part.amount for part in parts) if payment.status != PaymentStatus.REVERSED else 0
    return explain(payment.amount, payment.paid_on, parts, credit, pending=pending)
