"""Unmatched payments whose tax code has since been registered: given to that taxpayer before the night's reconcile.

A bank payment carrying a valid tax code that no registered taxpayer holds waits in the unmatched queue
(docs/accounts.md). When that code is registered here later (a business whose record moves in from another office after
its first payment; a person who paid before registering), the payment is no longer a puzzle for an officer: the
reconcile job gives it to the taxpayer who now holds the code, records why in the audit trail, and applies it in
the same run.
"""

from typing import cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts.models import Payment
from taxoffice.accounts.vocabulary import PaymentStatus
from taxoffice.auth.audit import audit_row
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Principal
from taxoffice.partition import Partition

CLAIM_BATCH = 5_000  # payments claimed per statement
ACTION = "payment.claim"
PAYMENTS = cast("Table", Payment.__table__)
# Core, one statement executed for many rows (the ORM's bulk update by primary key would want ``id`` keys).
CLAIM = (
    PAYMENTS.update()
    .where(PAYMENTS.c.id == bindparam("payment"), PAYMENTS.c.status == PaymentStatus.UNMATCHED)
    .values(taxpayer_id=bindparam("taxpayer"), status=PaymentStatus.UNALLOCATED)
)


async def claim_registered(session: AsyncSession, actor: Principal, partition: Partition | None = None) -> int:
    """Give each unmatched payment whose tax code is now registered to that taxpayer; returns how many (uncommitted).

    Only the taxpayers of ``partition`` when given, so that the partitions of one night never touch the same
    taxpayer. On PostgreSQL the payments are locked first and those locked by someone else (an officer assigning
    it by hand at this moment) are left for the next run.
    """
    claimed = 0
    after = 0
    while True:
        query = (
            select(Payment.id, Taxpayer.id, Payment.tax_code)
            .join(Taxpayer, Taxpayer.tax_code == Payment.tax_code)
            .where(Payment.status == PaymentStatus.UNMATCHED, Payment.id > after)
            .order_by(Payment.id)
            .limit(CLAIM_BATCH)
        )
        if partition is not None:
            query = query.where(partition.holds(Taxpayer.id))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=Payment, skip_locked=True)
        rows = (await session.execute(query)).all()
        if not rows:
            return claimed
        after = rows[-1][0]
        await session.execute(
            CLAIM, [{"payment": payment_id, "taxpayer": taxpayer_id} for payment_id, taxpayer_id, _code in rows]
        )
        await session.execute(
            insert(AuditEvent),
            [
                audit_row(actor, ACTION, "payment", payment_id, {"tax_code": code, "taxpayer_id": taxpayer_id})
                for payment_id, taxpayer_id, code in rows
            ],
        )
        claimed += len(rows)
