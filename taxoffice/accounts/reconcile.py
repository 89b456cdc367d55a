"""The reconcile job: apply waiting payments to what their taxpayers owe, batch by batch (DOMAIN.md §7).

Each batch is one transaction over a set of taxpayers whose rows are locked first (``FOR UPDATE SKIP LOCKED``
on PostgreSQL), so two workers never apply the same money twice and a worker killed mid-run leaves whole
batches only: the next run finds the rest still waiting.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.ledger import AllocationRow, ChargeRow, Ledger, NewAllocation, PaymentState
from taxoffice.accounts.models import Allocation, Charge, Payment

# Payments in these statuses may still hold money to apply.
OPEN_STATUSES = ("unallocated", "credit")
SETTLED_STATUSES = ("unallocated", "credit", "allocated")
BATCH_TAXPAYERS = 2_000


@dataclass
class ReconcileCounts:
    """What a run did."""

    taxpayers: int = 0
    payments: int = 0
    allocations: int = 0
    allocated: int = 0
    released: int = 0
    batches: int = 0
    skipped_locked: int = 0

    def as_dict(self) -> dict[str, int]:
        """Counts for the job record."""
        return dict(vars(self))


@dataclass
class LedgerBatch:
    """Rows of several taxpayers' ledgers, by taxpayer id."""

    charges: dict[int, list[ChargeRow]] = field(default_factory=lambda: defaultdict(list))
    allocations: dict[int, list[AllocationRow]] = field(default_factory=lambda: defaultdict(list))
    payments: dict[int, list[PaymentState]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, str] = field(default_factory=dict)


async def load_batch(session: AsyncSession, ids: list[int], *, with_payments: bool = True) -> LedgerBatch:
    """The charges, allocations and (``with_payments``) the payments with money waiting of taxpayers ``ids``.

    Payments already fully applied are left out: only a release can give them money back, and
    ``load_payments`` fetches those few by id when it does.
    """
    batch = LedgerBatch()
    charge_rows = await session.execute(
        select(
            Charge.taxpayer_id,
            Charge.id,
            Charge.kind,
            Charge.tax_type,
            Charge.sub_item,
            Charge.period,
            Charge.amount,
            Charge.due_on,
            Charge.interest_from,
        ).where(Charge.taxpayer_id.in_(ids))
    )
    for taxpayer_id, charge_id, kind, tax_type, sub_item, period, amount, due_on, interest_from in charge_rows:
        batch.charges[taxpayer_id].append(
            ChargeRow(charge_id, kind, tax_type, sub_item, period, amount, due_on, interest_from)
        )
    allocation_rows = await session.execute(
        select(
            Allocation.taxpayer_id,
            Allocation.payment_id,
            Allocation.charge_id,
            Allocation.component,
            Allocation.amount,
            Allocation.paid_on,
        ).where(Allocation.taxpayer_id.in_(ids))
    )
    for taxpayer_id, payment_id, charge_id, component, amount, paid_on in allocation_rows:
        batch.allocations[taxpayer_id].append(AllocationRow(payment_id, charge_id, component, amount, paid_on))
    if with_payments:
        await _load_payments(
            session, batch, Payment.taxpayer_id.in_(ids), Payment.unallocated > 0, Payment.status.in_(OPEN_STATUSES)
        )
    return batch


async def load_payments(session: AsyncSession, batch: LedgerBatch, payment_ids: Iterable[int]) -> None:
    """Add payments ``payment_ids`` (applied or with money waiting) to ``batch``."""
    await _load_payments(session, batch, Payment.id.in_(list(payment_ids)), Payment.status.in_(SETTLED_STATUSES))


async def _load_payments(session: AsyncSession, batch: LedgerBatch, *where: ColumnElement[bool]) -> None:
    rows = await session.execute(
        select(
            Payment.taxpayer_id,
            Payment.id,
            Payment.unallocated,
            Payment.paid_on,
            Payment.period,
            Payment.sub_item,
            Payment.status,
        ).where(*where)
    )
    for taxpayer_id, payment_id, unallocated, paid_on, period, sub_item, status in rows:
        if taxpayer_id is not None:
            batch.payments[taxpayer_id].append(PaymentState(payment_id, unallocated, paid_on, period, sub_item))
            batch.statuses[payment_id] = status


class Reconciler:
    """Runs reconciliation over every taxpayer with money waiting, one committed batch at a time."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *, batch_size: int = BATCH_TAXPAYERS) -> None:
        self.session_factory = session_factory
        self.batch_size = batch_size

    async def run(self, run_name: str) -> ReconcileCounts:
        """Reconcile until no taxpayer with waiting money is left (those locked by another worker are skipped)."""
        counts = ReconcileCounts()
        after = 0
        while True:
            async with self.session_factory() as session:
                candidates = list(
                    await session.scalars(
                        select(Payment.taxpayer_id)
                        .where(
                            Payment.unallocated > 0,
                            Payment.status.in_(OPEN_STATUSES),
                            Payment.taxpayer_id > after,
                        )
                        .distinct()
                        .order_by(Payment.taxpayer_id)
                        .limit(self.batch_size)
                    )
                )
                if not candidates:
                    return counts
                after = max(c for c in candidates if c is not None)
                locked = await self._lock(session, candidates)
                counts.skipped_locked += len(candidates) - len(locked)
                if locked:
                    await self._reconcile(session, locked, run_name, counts)
                await session.commit()
                counts.batches += 1

    @staticmethod
    async def _lock(session: AsyncSession, taxpayer_ids: list[int | None]) -> list[int]:
        query = select(Taxpayer.id).where(Taxpayer.id.in_(taxpayer_ids)).order_by(Taxpayer.id)
        bind = session.get_bind()
        if bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list(await session.scalars(query))

    async def _reconcile(self, session: AsyncSession, ids: list[int], run_name: str, counts: ReconcileCounts) -> None:
        batch = await load_batch(session, ids)
        ledgers = {tid: Ledger.build(batch.charges.get(tid, []), batch.allocations.get(tid, [])) for tid in ids}
        releases = {tid: ledger.releases() for tid, ledger in ledgers.items()}
        missing = {r.payment_id for found in releases.values() for r in found} - batch.statuses.keys()
        if missing:
            await load_payments(session, batch, missing)
        new: list[tuple[int, NewAllocation]] = []
        changed: dict[int, PaymentState] = {}
        for taxpayer_id, ledger in ledgers.items():
            payments = batch.payments.get(taxpayer_id, [])
            by_id = {p.id: p for p in payments}
            before = {p.id: p.unallocated for p in payments}
            for release in releases[taxpayer_id]:
                by_id[release.payment_id].unallocated -= release.amount
                new.append((taxpayer_id, release))
                counts.released += -release.amount
            allocations = ledger.settle(payments)
            new.extend((taxpayer_id, a) for a in allocations)
            counts.allocated += sum(a.amount for a in allocations)
            for payment in payments:
                status = "allocated" if payment.unallocated == 0 else "credit"
                if payment.unallocated != before[payment.id] or status != batch.statuses[payment.id]:
                    changed[payment.id] = payment
            counts.taxpayers += 1
        counts.allocations += len(new)
        counts.payments += len(changed)
        await self._write(session, new, changed, run_name)

    @staticmethod
    async def _write(
        session: AsyncSession, new: list[tuple[int, NewAllocation]], changed: dict[int, PaymentState], run_name: str
    ) -> None:
        if new:
            await session.execute(
                insert(Allocation),
                [
                    {
                        "payment_id": a.payment_id,
                        "charge_id": a.charge_id,
                        "taxpayer_id": taxpayer_id,
                        "component": a.component,
                        "amount": a.amount,
                        "paid_on": a.paid_on,
                        "run": run_name,
                    }
                    for taxpayer_id, a in new
                ],
            )
        if not changed:
            return
        ids = list(changed)
        amounts = [changed[i].unallocated for i in ids]
        statuses = ["allocated" if changed[i].unallocated == 0 else "credit" for i in ids]
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(
                text(
                    "UPDATE payment SET unallocated = u.unallocated, status = u.status, updated_at = now() "
                    "FROM unnest(CAST(:ids AS bigint[]), CAST(:amounts AS bigint[]), CAST(:statuses AS text[])) "
                    "AS u(id, unallocated, status) WHERE payment.id = u.id"
                ),
                {"ids": ids, "amounts": amounts, "statuses": statuses},
            )
            return
        now = datetime.datetime.now(datetime.UTC)
        rows: list[dict[str, Any]] = [
            {"id": i, "unallocated": a, "status": s, "updated_at": now}
            for i, a, s in zip(ids, amounts, statuses, strict=True)
        ]
        await session.execute(update(Payment), rows)  # ORM bulk UPDATE by primary key
