"""The ledger loaders written twice (asyncpg for speed, Core for every database) read the same ledgers (PostgreSQL).

On random ledgers of three taxpayers (charges and reductions across tax types and due dates, payments in every
status with money waiting or not, allocations and reversals, enforcement periods) ``load_batch_fast`` and
``load_batch_core`` (and ``load_payments_fast`` / ``load_payments_core``) give the same batch for any subset.
"""

import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.ledger_batch import (
    LedgerBatch,
    load_batch_core,
    load_batch_fast,
    load_payments_core,
    load_payments_fast,
)
from taxoffice.accounts.models import Allocation, Charge, Enforcement, InterestWaiver, Payment
from tests.registry.helpers import register_enterprise

dates = st.dates(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
charges = st.tuples(
    st.integers(0, 2),  # whose
    st.sampled_from(["tax", "interest", "fine"]),
    st.sampled_from([("VAT", "1701"), ("CIT", "1052"), ("PIT", "1001")]),
    st.sampled_from(["2025-01", "2025-Q2", "2025"]),
    st.integers(-3_000_000, 5_000_000),
    dates,
)
payments = st.tuples(
    st.integers(0, 3),  # whose (3: unmatched, no taxpayer)
    st.integers(0, 4_000_000),  # unallocated
    st.sampled_from(["unallocated", "credit", "allocated", "unmatched", "reversed", "quarantined"]),
    st.one_of(st.none(), st.sampled_from(["2025-01", "2025-Q2"])),
    dates,
)
allocations = st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(-2_000_000, 4_000_000), dates)
enforcements = st.tuples(st.integers(0, 2), dates, st.one_of(st.none(), dates))
waivers = st.tuples(st.integers(0, 99), st.integers(1, 500_000), dates)


@pytest.fixture
async def owners(session: AsyncSession) -> list[Taxpayer]:
    """Three taxpayers, committed to the test's transaction: every example's rows are rolled back around them."""
    return [await register_enterprise(session, f"01097800{n:02d}") for n in range(3)]


async def _post(session: AsyncSession, owners: list[Taxpayer], drawn: dict[str, list[Any]]) -> list[int]:
    """The drawn rows, committed; the payments' ids."""
    rows: list[Any] = [
        Charge(
            taxpayer_id=owners[who].id,
            tax_code=owners[who].tax_code,
            tax_type=tax_type,
            sub_item=sub_item,
            period=period,
            kind=kind,
            amount=amount,
            due_on=due_on,
            interest_from=due_on,
            source="test",
        )
        for who, kind, (tax_type, sub_item), period, amount, due_on in drawn["charges"]
    ]
    paid = [
        Payment(
            bank_ref=f"LB-{n}",
            tax_code=owners[who].tax_code if who < len(owners) else "0100000000",
            taxpayer_id=owners[who].id if who < len(owners) else None,
            amount=unallocated,
            paid_on=paid_on,
            period=period,
            source="bank",
            status=status,
            unallocated=unallocated,
            received_by="tests",
        )
        for n, (who, unallocated, status, period, paid_on) in enumerate(drawn["payments"])
    ]
    # One open enforcement period per taxpayer at most (a unique index): the others are ended.
    periods = [
        Enforcement(taxpayer_id=owners[who].id, started_on=start, ended_on=end or start, reference=f"case:{n}")
        for n, (who, start, end) in enumerate(drawn["enforcements"])
    ]
    session.add_all([*rows, *paid, *periods])
    await session.flush()
    matched = [p for p in paid if p.taxpayer_id is not None]
    if rows and matched:
        session.add_all(
            Allocation(
                payment_id=matched[p % len(matched)].id,
                charge_id=(charge := rows[c % len(rows)]).id,
                taxpayer_id=charge.taxpayer_id,
                component=charge.kind,
                amount=amount,
                paid_on=paid_on,
            )
            for c, p, amount, paid_on in drawn["allocations"]
        )
    if rows:  # interest written off: two on one charge are read as their sum
        session.add_all(
            InterestWaiver(
                taxpayer_id=(charge := rows[c % len(rows)]).taxpayer_id,
                charge_id=charge.id,
                amount=amount,
                waived_on=waived_on,
                reference="write-off:1",
            )
            for c, amount, waived_on in drawn["waivers"]
        )
    await session.commit()
    return [p.id for p in paid]


def _sorted(batch: LedgerBatch) -> dict[str, Any]:
    """The batch with each taxpayer's rows in one order (the loaders read without ORDER BY)."""
    return {
        "charges": {k: sorted(v) for k, v in batch.charges.items() if v},
        "allocations": {k: sorted(v) for k, v in batch.allocations.items() if v},
        "payments": {k: sorted(v, key=lambda p: p.id) for k, v in batch.payments.items() if v},
        "statuses": batch.statuses,
        "enforcements": {k: sorted(v, key=str) for k, v in batch.enforcements.items() if v},
        "waivers": {k: v for k, v in batch.waivers.items() if v},
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.fixed_dictionaries(
        {
            "charges": st.lists(charges, max_size=10),
            "payments": st.lists(payments, max_size=6),
            "allocations": st.lists(allocations, max_size=8),
            "enforcements": st.lists(enforcements, max_size=3),
            "waivers": st.lists(waivers, max_size=3),
        }
    ),
    st.sets(st.integers(0, 2)),
    st.booleans(),
)
async def test_the_fast_and_the_core_loaders_read_the_same_batch(
    connection: AsyncConnection,
    session_factory: async_sessionmaker[AsyncSession],
    owners: list[Taxpayer],
    drawn: dict[str, list[Any]],
    chosen: set[int],
    with_payments: bool,
) -> None:
    savepoint = await connection.begin_nested()
    try:
        async with session_factory() as session:
            payment_ids = await _post(session, owners, drawn)
            conn = await session.connection()
            ids = [owners[n].id for n in sorted(chosen)]
            fast = await load_batch_fast(conn, ids, with_payments=with_payments)
            core = await load_batch_core(conn, ids, with_payments=with_payments)
            await load_payments_fast(conn, fast, payment_ids[::2])
            await load_payments_core(conn, core, payment_ids[::2])
    finally:
        await savepoint.rollback()
    assert _sorted(fast) == _sorted(core)
