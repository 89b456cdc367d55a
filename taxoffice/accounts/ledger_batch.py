"""Loading a batch of taxpayers' ledgers (charges, allocations, enforcement periods, payments with money waiting).

Charges are read with their standing extension (``payment_extension``: the deadline the ledger uses) and each
taxpayer with its interest pauses (``interest_pause``: frozen spans) and the interest cancelled by decision
(``interest_waiver``: write-offs).

Rows are read straight through asyncpg on PostgreSQL, through Core elsewhere, never through the ORM: the reconcile
and interest jobs load thousands of taxpayers a batch.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from taxoffice.accounts.allocation import Enforcement
from taxoffice.accounts.extensions import extended_row
from taxoffice.accounts.interest import Pause, pause_of_row
from taxoffice.accounts.ledger import AllocationRow, ChargeRow, PaymentState
from taxoffice.accounts.models import Allocation, Charge, InterestPause, InterestWaiver, Payment, PaymentExtension
from taxoffice.accounts.models import Enforcement as EnforcementRow
from taxoffice.accounts.vocabulary import OPEN_PAYMENT_STATUSES, PAID_STATUSES
from taxoffice.fastpaths import on_driver, on_postgres

# Payments in these statuses may still hold money to apply.


@dataclass
class LedgerBatch:
    """Rows of several taxpayers' ledgers, by taxpayer id."""

    charges: dict[int, list[ChargeRow]] = field(default_factory=lambda: defaultdict(list))
    allocations: dict[int, list[AllocationRow]] = field(default_factory=lambda: defaultdict(list))
    payments: dict[int, list[PaymentState]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, str] = field(default_factory=dict)
    enforcements: dict[int, list[Enforcement]] = field(default_factory=lambda: defaultdict(list))
    pauses: dict[int, list[Pause]] = field(default_factory=lambda: defaultdict(list))
    # taxpayer id: {charge id: interest waived}
    waivers: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))


def among(column: InstrumentedAttribute[Any], ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """``column IN ids``: one array parameter on PostgreSQL (no statement of thousands of parameters)."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=postgresql.ARRAY(BigInteger)))
    return column.in_(ids)


# The same reads as the Core queries below, straight through asyncpg on PostgreSQL: the rows go into our named
# tuples without SQLAlchemy's result processing in between, which costs more than the query for batches this big.
_CHARGES_SQL = (
    "SELECT c.taxpayer_id, c.id, c.kind, c.tax_type, c.sub_item, c.period, c.amount, c.due_on, c.interest_from, "
    "e.extended_to FROM account_charge c "
    "LEFT JOIN payment_extension e ON e.charge_id = c.id AND e.revoked_on IS NULL "
    "WHERE c.taxpayer_id = ANY($1::bigint[])"
)
_ALLOCATIONS_SQL = (
    "SELECT taxpayer_id, payment_id, charge_id, component, amount, paid_on "
    "FROM payment_allocation WHERE taxpayer_id = ANY($1::bigint[])"
)
_ENFORCEMENTS_SQL = (
    "SELECT taxpayer_id, started_on, ended_on FROM account_enforcement WHERE taxpayer_id = ANY($1::bigint[])"
)
_PAUSES_SQL = "SELECT taxpayer_id, started_on, ended_on, charge_ids::text FROM interest_pause WHERE taxpayer_id = ANY($1::bigint[])"
_WAIVERS_SQL = (
    "SELECT taxpayer_id, charge_id, SUM(amount) FROM interest_waiver WHERE taxpayer_id = ANY($1::bigint[]) "
    "GROUP BY taxpayer_id, charge_id"
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
    if on_postgres(conn):
        return await load_batch_fast(conn, ids, with_payments=with_payments)
    return await load_batch_core(conn, ids, with_payments=with_payments)


async def load_batch_core(conn: AsyncConnection, ids: list[int], *, with_payments: bool) -> LedgerBatch:
    """``load_batch`` through Core, on any database (the embedded path; the reference for ``load_batch_fast``)."""
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
            PaymentExtension.extended_to,
        )
        .outerjoin(
            PaymentExtension,
            and_(PaymentExtension.charge_id == Charge.id, PaymentExtension.revoked_on.is_(None)),
        )
        .where(among(Charge.taxpayer_id, ids, dialect))
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
        ).where(among(Allocation.taxpayer_id, ids, dialect))
    )
    _add_rows(batch, (), allocation_rows, ())
    enforcement_rows = await conn.execute(
        select(EnforcementRow.taxpayer_id, EnforcementRow.started_on, EnforcementRow.ended_on).where(
            among(EnforcementRow.taxpayer_id, ids, dialect)
        )
    )
    _add_enforcements(batch, enforcement_rows)
    pause_rows = await conn.execute(
        select(
            InterestPause.taxpayer_id, InterestPause.started_on, InterestPause.ended_on, InterestPause.charge_ids
        ).where(among(InterestPause.taxpayer_id, ids, dialect))
    )
    _add_pauses(batch, pause_rows)
    waiver_rows = await conn.execute(
        select(InterestWaiver.taxpayer_id, InterestWaiver.charge_id, func.sum(InterestWaiver.amount))
        .where(among(InterestWaiver.taxpayer_id, ids, dialect))
        .group_by(InterestWaiver.taxpayer_id, InterestWaiver.charge_id)
    )
    _add_waivers(batch, waiver_rows)
    if with_payments:
        where = (
            among(Payment.taxpayer_id, ids, dialect),
            Payment.unallocated > 0,
            Payment.status.in_(OPEN_PAYMENT_STATUSES),
        )
        await _load_payments(conn, batch, *where)
    return batch


async def load_batch_fast(conn: AsyncConnection, ids: list[int], *, with_payments: bool) -> LedgerBatch:
    """``load_batch`` straight through asyncpg (PostgreSQL), in the transaction ``conn`` has open.

    The same rows as ``load_batch_core``: ``tests/accounts/test_ledger_batch_properties.py`` holds them equal.
    """
    batch = LedgerBatch()
    async with on_driver(conn) as raw:
        charge_rows = await raw.fetch(_CHARGES_SQL, ids)
        allocation_rows = await raw.fetch(_ALLOCATIONS_SQL, ids)
        payment_rows = await raw.fetch(_WAITING_SQL, ids, list(OPEN_PAYMENT_STATUSES)) if with_payments else ()
        _add_rows(batch, charge_rows, allocation_rows, payment_rows)
        _add_enforcements(batch, await raw.fetch(_ENFORCEMENTS_SQL, ids))
        _add_pauses(batch, await raw.fetch(_PAUSES_SQL, ids))
        _add_waivers(batch, await raw.fetch(_WAIVERS_SQL, ids))
    return batch


def _add_waivers(batch: LedgerBatch, rows: Iterable[Sequence[Any]]) -> None:
    """File interest waived ``(taxpayer id, charge id, amount)`` under their taxpayers."""
    for taxpayer_id, charge_id, amount in rows:
        batch.waivers[taxpayer_id][charge_id] = int(amount)


def _add_pauses(batch: LedgerBatch, rows: Iterable[Sequence[Any]]) -> None:
    """File interest pauses ``(taxpayer id, started on, ended on, charge ids)`` (frozen debts) under their taxpayers."""
    for taxpayer_id, started_on, ended_on, charge_ids in rows:
        batch.pauses[taxpayer_id].append(pause_of_row(started_on, ended_on, charge_ids))


def _add_enforcements(batch: LedgerBatch, rows: Iterable[Sequence[Any]]) -> None:
    """File enforcement periods ``(taxpayer id, started on, ended on)`` under their taxpayers."""
    for taxpayer_id, started_on, ended_on in rows:
        batch.enforcements[taxpayer_id].append((started_on, ended_on))


def _add_rows(
    batch: LedgerBatch,
    charge_rows: Iterable[Sequence[Any]],
    allocation_rows: Iterable[Sequence[Any]],
    payment_rows: Iterable[Sequence[Any]],
) -> None:
    """File rows (taxpayer id first, then the fields in order) under their taxpayers."""
    charges, allocations = batch.charges, batch.allocations
    for taxpayer_id, charge_id, kind, tax_type, sub_item, period, amount, due_on, interest_from, to in charge_rows:
        row = ChargeRow(charge_id, kind, tax_type, sub_item, period, amount, due_on, interest_from)
        charges[taxpayer_id].append(extended_row(row, to))
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
    if on_postgres(conn):
        await load_payments_fast(conn, batch, payment_ids)
        return
    await load_payments_core(conn, batch, payment_ids)


async def load_payments_fast(conn: AsyncConnection, batch: LedgerBatch, payment_ids: Collection[int]) -> None:
    """``load_payments`` straight through asyncpg (PostgreSQL)."""
    async with on_driver(conn) as raw:
        rows = await raw.fetch(_BY_ID_SQL, list(payment_ids), list(PAID_STATUSES))
    _add_rows(batch, (), (), rows)


async def load_payments_core(conn: AsyncConnection, batch: LedgerBatch, payment_ids: Collection[int]) -> None:
    """``load_payments`` through Core, on any database."""
    where = (among(Payment.id, list(payment_ids), conn.dialect.name), Payment.status.in_(PAID_STATUSES))
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
