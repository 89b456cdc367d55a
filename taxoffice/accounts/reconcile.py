"""The reconcile job: apply waiting payments to what their taxpayers owe, batch by batch (DOMAIN.md §7).

Each batch is one transaction over a set of taxpayers whose rows are locked first (``FOR UPDATE SKIP LOCKED``
on PostgreSQL), so two workers never apply the same money twice and a worker killed mid-run leaves whole
batches only: the next run finds the rest still waiting.
"""

import asyncio
import contextlib
import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from registry.models import Taxpayer
from taxoffice.accounts.collections import CollectionDays, post
from taxoffice.accounts.ledger import AllocationRow, ChargeRow, Ledger, NewAllocation, PaymentState
from taxoffice.accounts.models import Allocation, Charge, Payment

# Payments in these statuses may still hold money to apply.
OPEN_STATUSES = ("unallocated", "credit")
SETTLED_STATUSES = ("unallocated", "credit", "allocated")
BATCH_TAXPAYERS = 2_000
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


def _among(column: InstrumentedAttribute[Any], ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """``column IN ids``: one array parameter on PostgreSQL (no statement of thousands of parameters)."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=postgresql.ARRAY(BigInteger)))
    return column.in_(ids)


# The same reads as the Core queries below, straight through asyncpg on PostgreSQL: the rows go into our named
# tuples without SQLAlchemy's result processing in between, which costs more than the query for batches this big.
_CHARGES_SQL = (
    "SELECT taxpayer_id, id, kind, tax_type, sub_item, period, amount, due_on, interest_from "
    "FROM account_charge WHERE taxpayer_id = ANY($1::bigint[])"
)
_ALLOCATIONS_SQL = (
    "SELECT taxpayer_id, payment_id, charge_id, component, amount, paid_on "
    "FROM payment_allocation WHERE taxpayer_id = ANY($1::bigint[])"
)
_PAYMENTS_SQL = "SELECT taxpayer_id, id, unallocated, paid_on, period, sub_item, status FROM payment WHERE "
_WAITING_SQL = _PAYMENTS_SQL + "taxpayer_id = ANY($1::bigint[]) AND unallocated > 0 AND status = ANY($2::text[])"
_BY_ID_SQL = _PAYMENTS_SQL + "id = ANY($1::bigint[]) AND status = ANY($2::text[])"


async def load_batch(session: AsyncSession, ids: list[int], *, with_payments: bool = True) -> LedgerBatch:
    """The charges, allocations and (``with_payments``) the payments with money waiting of taxpayers ``ids``.

    Payments already fully applied are left out: only a release can give them money back, and
    ``load_payments`` fetches those few by id when it does. Rows are read through the driver on PostgreSQL,
    through Core elsewhere, never through the ORM.
    """
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        return await _load_batch_raw(conn, ids, with_payments=with_payments)
    batch = LedgerBatch()
    dialect = conn.dialect.name
    charge_rows = await conn.execute(
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
        ).where(_among(Charge.taxpayer_id, ids, dialect))
    )
    _add_rows(batch, charge_rows, (), ())
    allocation_rows = await conn.execute(
        select(
            Allocation.taxpayer_id,
            Allocation.payment_id,
            Allocation.charge_id,
            Allocation.component,
            Allocation.amount,
            Allocation.paid_on,
        ).where(_among(Allocation.taxpayer_id, ids, dialect))
    )
    _add_rows(batch, (), allocation_rows, ())
    if with_payments:
        where = (_among(Payment.taxpayer_id, ids, dialect), Payment.unallocated > 0, Payment.status.in_(OPEN_STATUSES))
        await _load_payments(conn, batch, *where)
    return batch


async def _driver(conn: AsyncConnection) -> Any:  # noqa: ANN401 - asyncpg's Connection (asyncpg ships no types)
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None  # noqa: S101 - an open connection has its driver's connection
    return raw


async def _load_batch_raw(conn: AsyncConnection, ids: list[int], *, with_payments: bool) -> LedgerBatch:
    """``load_batch`` on PostgreSQL, in the transaction ``conn`` has open."""
    batch = LedgerBatch()
    raw = await _driver(conn)
    charge_rows = await raw.fetch(_CHARGES_SQL, ids)
    allocation_rows = await raw.fetch(_ALLOCATIONS_SQL, ids)
    payment_rows = await raw.fetch(_WAITING_SQL, ids, list(OPEN_STATUSES)) if with_payments else ()
    _add_rows(batch, charge_rows, allocation_rows, payment_rows)
    return batch


def _add_rows(
    batch: LedgerBatch,
    charge_rows: Iterable[Sequence[Any]],
    allocation_rows: Iterable[Sequence[Any]],
    payment_rows: Iterable[Sequence[Any]],
) -> None:
    """File rows (taxpayer id first, then the fields in order) under their taxpayers."""
    charges, allocations = batch.charges, batch.allocations
    for taxpayer_id, charge_id, kind, tax_type, sub_item, period, amount, due_on, interest_from in charge_rows:
        charges[taxpayer_id].append(
            ChargeRow(charge_id, kind, tax_type, sub_item, period, amount, due_on, interest_from)
        )
    for taxpayer_id, payment_id, charge_id, component, amount, paid_on in allocation_rows:
        allocations[taxpayer_id].append(AllocationRow(payment_id, charge_id, component, amount, paid_on))
    payments, statuses = batch.payments, batch.statuses
    for taxpayer_id, payment_id, unallocated, paid_on, period, sub_item, status in payment_rows:
        if taxpayer_id is not None:
            payments[taxpayer_id].append(PaymentState(payment_id, unallocated, paid_on, period, sub_item))
            statuses[payment_id] = status


async def load_payments(session: AsyncSession, batch: LedgerBatch, payment_ids: Collection[int]) -> None:
    """Add payments ``payment_ids`` (applied or with money waiting) to ``batch``."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        rows = await (await _driver(conn)).fetch(_BY_ID_SQL, list(payment_ids), list(SETTLED_STATUSES))
        _add_rows(batch, (), (), rows)
        return
    where = (_among(Payment.id, list(payment_ids), conn.dialect.name), Payment.status.in_(SETTLED_STATUSES))
    await _load_payments(conn, batch, *where)


async def _load_payments(conn: AsyncConnection, batch: LedgerBatch, *where: ColumnElement[bool]) -> None:
    rows = await conn.execute(
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
    _add_rows(batch, (), (), rows)


@dataclass
class BatchWork:
    """What reconciling one batch decided: allocations to post (by taxpayer) and payments whose rest changed."""

    new: list[tuple[int, NewAllocation]] = field(default_factory=list)
    changed: dict[int, PaymentState] = field(default_factory=dict)
    collected: CollectionDays = field(default_factory=CollectionDays)


class Reconciler:
    """Runs reconciliation over every taxpayer with money waiting, one committed batch at a time.

    On PostgreSQL the next batch is loaded and settled while the previous one is being written and committed
    on its own connection (at most two transactions open, on disjoint taxpayers): the database's work and ours
    overlap instead of taking turns. SQLite has one writer, so there (and when the sessions share one connection,
    as in tests) each batch is written before the next.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *, batch_size: int = BATCH_TAXPAYERS) -> None:
        self.session_factory = session_factory
        self.batch_size = batch_size

    async def run(self, run_name: str) -> ReconcileCounts:
        """Reconcile until no taxpayer with waiting money is left (those locked by another worker are skipped)."""
        counts = ReconcileCounts()
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
            .where(Payment.unallocated > 0, Payment.status.in_(OPEN_STATUSES), Payment.taxpayer_id > after)
            .distinct()
            .order_by(Payment.taxpayer_id)
            .limit(self.batch_size)
        )
        return [taxpayer_id for taxpayer_id in await session.scalars(query) if taxpayer_id is not None]

    @staticmethod
    async def _lock(session: AsyncSession, taxpayer_ids: list[int]) -> dict[int, str]:
        """Lock the taxpayers of ``taxpayer_ids`` not locked by another worker: their ids → tax offices."""
        dialect = session.get_bind().dialect.name
        query = (
            select(Taxpayer.id, Taxpayer.tax_office)
            .where(_among(Taxpayer.id, taxpayer_ids, dialect))
            .order_by(Taxpayer.id)
        )
        if dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return {row[0]: row[1] for row in await session.execute(query)}

    async def _reconcile(self, session: AsyncSession, offices: dict[int, str], counts: ReconcileCounts) -> BatchWork:
        """Settle the batch in memory; every ``YIELD_EVERY`` taxpayers the event loop may move a write along."""
        ids = list(offices)
        batch = await load_batch(session, ids)
        ledgers = {tid: Ledger.build(batch.charges.get(tid, []), batch.allocations.get(tid, [])) for tid in ids}
        releases = {tid: ledger.releases() for tid, ledger in ledgers.items()}
        missing = {r.payment_id for found in releases.values() for r in found} - batch.statuses.keys()
        if missing:
            await load_payments(session, batch, missing)
        work = BatchWork()
        new, changed = work.new, work.changed
        for done, (taxpayer_id, ledger) in enumerate(ledgers.items(), start=1):
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
            if done % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        counts.allocations += len(new)
        counts.payments += len(changed)
        _sum_collected(work, batch, offices)
        return work

    async def _finish(self, session: AsyncSession, work: BatchWork, run_name: str) -> None:
        """Write the batch and commit it; the session is closed either way."""
        try:
            await self._write(session, work.new, work.changed, work.collected, run_name)
            await session.commit()
        finally:
            await session.close()

    @staticmethod
    async def _write(
        session: AsyncSession,
        new: list[tuple[int, NewAllocation]],
        changed: dict[int, PaymentState],
        collected: CollectionDays,
        run_name: str,
    ) -> None:
        """New allocations (``COPY`` on PostgreSQL) and their daily sums, then the payments' rests and statuses."""
        conn = await session.connection()
        postgres = conn.dialect.name == "postgresql"
        now = datetime.datetime.now(datetime.UTC)
        if new:
            records = [
                (a.payment_id, a.charge_id, taxpayer_id, a.component, a.amount, a.paid_on, run_name, now, now)
                for taxpayer_id, a in new
            ]
            if postgres:
                raw = await _driver(conn)
                await raw.copy_records_to_table("payment_allocation", records=records, columns=ALLOCATION_COLUMNS)
            else:
                await conn.execute(insert(Allocation), [dict(zip(ALLOCATION_COLUMNS, r, strict=True)) for r in records])
        await post(conn, collected)
        if not changed:
            return
        ids = list(changed)
        amounts = [changed[i].unallocated for i in ids]
        statuses = ["allocated" if changed[i].unallocated == 0 else "credit" for i in ids]
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


def _sum_collected(work: BatchWork, batch: LedgerBatch, offices: dict[int, str]) -> None:
    """Add the batch's new allocations to its daily collections summary."""
    charges = {row.id: row for rows in batch.charges.values() for row in rows}
    add = work.collected.add
    for taxpayer_id, allocation in work.new:
        charge = charges[allocation.charge_id]
        add(
            paid_on=allocation.paid_on,
            due_on=charge.due_on,
            tax_office=offices[taxpayer_id],
            tax_type=charge.tax_type,
            sub_item=charge.sub_item,
            component=allocation.component,
            amount=allocation.amount,
        )
