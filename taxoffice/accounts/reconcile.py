"""The reconcile job: apply waiting payments to what their taxpayers owe, batch by batch (DOMAIN.md §7).

Each batch is one transaction over a set of taxpayers whose rows are locked first (``FOR UPDATE SKIP LOCKED``
on PostgreSQL), so two workers never apply the same money twice and a worker killed mid-run leaves whole
batches only: the next run finds the rest still waiting.
"""

import asyncio
import contextlib
import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.collections import CollectionDays, fold, post
from taxoffice.accounts.ledger import Ledger, NewAllocation, PaymentState
from taxoffice.accounts.ledger_batch import LedgerBatch, among, load_batch, load_payments
from taxoffice.accounts.models import Allocation, Payment
from taxoffice.accounts.unmatched import claim_registered
from taxoffice.accounts.vocabulary import OPEN_PAYMENT_STATUSES, PaymentStatus
from taxoffice.auth.roles import Principal
from taxoffice.clock import Clock, utc_now
from taxoffice.fastpaths import copy_rows, on_postgres
from taxoffice.partition import Partition
from taxoffice.validity import paid_on_problem

BATCH_TAXPAYERS = 2_000
# What settling one taxpayer's ledger raises on legacy data it cannot process (a date before any known interest rate,
# an amount out of range …): that taxpayer is set aside and the run goes on (reconcile, accrue-interest).
SETTLING_ERRORS = (LookupError, ArithmeticError, ValueError, KeyError)
NOTE_MAX = 300  # payment.note's width
# While settling, let the event loop run this often (in taxpayers), so the previous batch's write goes on.
YIELD_EVERY = 50
ALLOCATION_COLUMNS = (
    "payment_id",
    "charge_id",
    "taxpayer_id",
    "component",
    "amount",
    "paid_on",
    "run",
    "created_at",
    "updated_at",
)


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
    quarantined: int = 0
    claimed: int = 0  # unmatched payments whose tax code has since been registered

    def as_dict(self) -> dict[str, int]:
        """Counts for the job record."""
        return dict(vars(self))


@dataclass
class BatchWork:
    """What reconciling one batch decided: allocations to post (by taxpayer) and payments whose rest changed."""

    new: list[tuple[int, NewAllocation]] = field(default_factory=list)
    changed: dict[int, PaymentState] = field(default_factory=dict)
    collected: CollectionDays = field(default_factory=CollectionDays)
    quarantined: dict[int, str] = field(default_factory=dict)  # payment id → why it cannot be processed


class Reconciler:
    """Runs reconciliation over every taxpayer with money waiting, one committed batch at a time.

    On PostgreSQL the next batch is loaded and settled while the previous one is being written and committed
    on its own connection (at most two transactions open, on disjoint taxpayers): the database's work and ours
    overlap instead of taking turns. SQLite has one writer, so there (and when the sessions share one connection,
    as in tests) each batch is written before the next.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        batch_size: int = BATCH_TAXPAYERS,
        as_of: datetime.date | None = None,
        clock: Clock = utc_now,
        partition: Partition | None = None,
    ) -> None:
        self.session_factory = session_factory
        # Only this share of the taxpayers (None: all); the partitions of a run never share a taxpayer.
        self.partition = partition
        self.clock = clock  # stamps the rows each batch writes
        self.batch_size = batch_size
        # Payments dated after this day (or before 2000) are quarantined, not applied: intake refuses them.
        self.as_of = as_of or datetime.date.max

    async def run(self, run_name: str) -> ReconcileCounts:
        """Reconcile until no taxpayer with waiting money is left (those locked by another worker are skipped)."""
        counts = ReconcileCounts()
        async with self.session_factory() as session:
            counts.claimed = await claim_registered(session, Principal.system("reconcile"), self.partition)
            await session.commit()
        after = 0
        writing: asyncio.Task[None] | None = None
        try:
            while True:
                session = self.session_factory()
                try:
                    candidates = await self._candidates(session, after)
                    if not candidates:
                        await session.close()
                        break
                    after = candidates[-1]
                    locked = await self._lock(session, candidates)
                    counts.skipped_locked += len(candidates) - len(locked)
                    work = await self._reconcile(session, locked, counts) if locked else BatchWork()
                    if writing is not None:
                        await writing  # the previous batch is committed (or its failure raised) first
                        writing = None
                except BaseException:
                    await session.close()
                    raise
                counts.batches += 1
                finish = self._finish(session, work, run_name)
                if self._overlaps(session):
                    writing = asyncio.create_task(finish)
                else:
                    await finish
            if writing is not None:
                await writing
                writing = None
            async with self.session_factory() as session:
                await fold(session)  # the batches' collection sums into the daily summary
                await session.commit()
        finally:
            if writing is not None and not writing.done():  # stopped or failed while a batch was being written
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await writing
        return counts

    @staticmethod
    def _overlaps(session: AsyncSession) -> bool:
        """Whether a batch may be written while the next is settled: PostgreSQL, each session its own connection."""
        return isinstance(session.bind, AsyncEngine) and session.bind.dialect.name == "postgresql"

    async def _candidates(self, session: AsyncSession, after: int) -> list[int]:
        """The next taxpayers (by id, after ``after``) with money waiting."""
        query = (
            select(Payment.taxpayer_id)
            .where(Payment.unallocated > 0, Payment.status.in_(OPEN_PAYMENT_STATUSES), Payment.taxpayer_id > after)
            .distinct()
            .order_by(Payment.taxpayer_id)
            .limit(self.batch_size)
        )
        if self.partition is not None:
            query = query.where(self.partition.holds(Payment.taxpayer_id))
        return [taxpayer_id for taxpayer_id in await session.scalars(query) if taxpayer_id is not None]

    @staticmethod
    async def _lock(session: AsyncSession, taxpayer_ids: list[int]) -> dict[int, str]:
        """Lock the taxpayers of ``taxpayer_ids`` not locked by another worker: their ids → tax offices."""
        dialect = session.get_bind().dialect.name
        query = (
            select(Taxpayer.id, Taxpayer.tax_office)
            .where(among(Taxpayer.id, taxpayer_ids, dialect))
            .order_by(Taxpayer.id)
        )
        if dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return {row[0]: row[1] for row in await session.execute(query)}

    async def _reconcile(self, session: AsyncSession, offices: dict[int, str], counts: ReconcileCounts) -> BatchWork:
        """Settle the batch in memory; every ``YIELD_EVERY`` taxpayers the event loop may move a write along."""
        ids = list(offices)
        batch = await load_batch(session, ids)
        ledgers = {
            tid: Ledger.build(
                batch.charges.get(tid, []),
                batch.allocations.get(tid, []),
                batch.enforcements.get(tid, ()),
                batch.pauses.get(tid, ()),
                batch.waivers.get(tid),
            )
            for tid in ids
        }
        releases = {tid: ledger.releases() for tid, ledger in ledgers.items()}
        missing = {r.payment_id for found in releases.values() for r in found} - batch.statuses.keys()
        if missing:
            await load_payments(session, batch, missing)
        work = BatchWork()
        for done, (taxpayer_id, ledger) in enumerate(ledgers.items(), start=1):
            payments = self._screen(batch.payments.get(taxpayer_id, []), work.quarantined)
            try:
                self._settle(taxpayer_id, ledger, payments, releases[taxpayer_id], batch.statuses, work, counts)
            except SETTLING_ERRORS as exc:
                # One taxpayer's rows the ledger cannot process (legacy data) must not stop everyone else's.
                reason = f"reconcile could not apply it: {type(exc).__name__}: {exc}"
                work.quarantined.update(dict.fromkeys((p.id for p in payments), reason))
            counts.taxpayers += 1
            if done % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        counts.allocations += len(work.new)
        counts.payments += len(work.changed)
        counts.quarantined += len(work.quarantined)
        _sum_collected(work, batch, offices)
        return work

    def _screen(self, payments: list[PaymentState], quarantined: dict[int, str]) -> list[PaymentState]:
        """The payments the ledger can apply; the others (a date intake now refuses) put in ``quarantined``."""
        fit = []
        for payment in payments:
            problem = paid_on_problem(payment.paid_on, self.as_of)
            if problem is None:
                fit.append(payment)
            else:
                quarantined[payment.id] = problem
        return fit

    @staticmethod
    def _settle(
        taxpayer_id: int,
        ledger: Ledger,
        payments: list[PaymentState],
        releases: list[NewAllocation],
        statuses: dict[int, str],
        work: BatchWork,
        counts: ReconcileCounts,
    ) -> None:
        """Settle one taxpayer; ``work`` and ``counts`` change only if it all succeeds."""
        before = {p.id: p.unallocated for p in payments}
        by_id = {p.id: p for p in payments}
        new = [(taxpayer_id, release) for release in releases]
        try:
            for release in releases:
                by_id[release.payment_id].unallocated -= release.amount
            allocations = ledger.settle(payments)
        except BaseException:
            for payment in payments:
                payment.unallocated = before[payment.id]
            raise
        new.extend((taxpayer_id, a) for a in allocations)
        work.new.extend(new)
        counts.released += -sum(r.amount for r in releases)
        counts.allocated += sum(a.amount for a in allocations)
        for payment in payments:
            status = PaymentStatus.ALLOCATED if payment.unallocated == 0 else PaymentStatus.CREDIT
            if payment.unallocated != before[payment.id] or status != statuses[payment.id]:
                work.changed[payment.id] = payment

    async def _finish(self, session: AsyncSession, work: BatchWork, run_name: str) -> None:
        """Write the batch and commit it; the session is closed either way."""
        try:
            now = self.clock()
            await self._write(session, work, run_name, now)
            await quarantine(session, work.quarantined, now)
            await session.commit()
        finally:
            await session.close()

    @staticmethod
    async def _write(session: AsyncSession, work: BatchWork, run_name: str, now: datetime.datetime) -> None:
        """New allocations (``COPY`` on PostgreSQL) and their daily sums, then the payments' rests and statuses."""
        new, changed, collected = work.new, work.changed, work.collected
        conn = await session.connection()
        postgres = on_postgres(conn)
        if new:
            records = [
                (a.payment_id, a.charge_id, taxpayer_id, a.component, a.amount, a.paid_on, run_name, now, now)
                for taxpayer_id, a in new
            ]
            await copy_rows(conn, cast("Table", Allocation.__table__), ALLOCATION_COLUMNS, records)
        await post(conn, collected)
        if not changed:
            return
        ids = list(changed)
        amounts = [changed[i].unallocated for i in ids]
        statuses = [PaymentStatus.ALLOCATED if changed[i].unallocated == 0 else PaymentStatus.CREDIT for i in ids]
        if postgres:
            await conn.execute(
                text(
                    "UPDATE payment SET unallocated = u.unallocated, status = u.status, updated_at = now() "
                    "FROM unnest(CAST(:ids AS bigint[]), CAST(:amounts AS bigint[]), CAST(:statuses AS text[])) "
                    "AS u(id, unallocated, status) WHERE payment.id = u.id"
                ),
                {"ids": ids, "amounts": amounts, "statuses": statuses},
            )
            return
        rows: list[dict[str, Any]] = [
            {"id": i, "unallocated": a, "status": s, "updated_at": now}
            for i, a, s in zip(ids, amounts, statuses, strict=True)
        ]
        await session.execute(update(Payment), rows)  # ORM bulk UPDATE by primary key


async def quarantine(session: AsyncSession, reasons: dict[int, str], now: datetime.datetime) -> None:
    """Set payments aside with the reason they cannot be processed: status ``quarantined``, the reason in the note.

    They leave the reconcile queue (its statuses are ``unallocated`` and ``credit``) and show to officers in
    ``GET /payments?status=quarantined``; any earlier note is kept after the reason.
    """
    if not reasons:
        return
    notes: dict[int, str] = {
        row[0]: row[1] for row in await session.execute(select(Payment.id, Payment.note).where(Payment.id.in_(reasons)))
    }
    rows: list[dict[str, Any]] = [
        {
            "id": payment_id,
            "status": PaymentStatus.QUARANTINED,
            "note": " | ".join(filter(None, [reason, notes.get(payment_id, "")]))[:NOTE_MAX],
            "updated_at": now,
        }
        for payment_id, reason in reasons.items()
    ]
    await session.execute(update(Payment), rows)  # ORM bulk UPDATE by primary key


def _sum_collected(work: BatchWork, batch: LedgerBatch, offices: dict[int, str]) -> None:
    """Add the batch's new allocations to its daily collections summary."""
    charges = {row.id: row for rows in batch.charges.values() for row in rows}
    add = work.collected.add
    for taxpayer_id, allocation in work.new:
        charge = charges[allocation.charge_id]
        add(
            allocation.paid_on,
            charge.due_on,
            offices[taxpayer_id],
            charge.tax_type,
            charge.sub_item,
            allocation.component,
            allocation.amount,
        )
