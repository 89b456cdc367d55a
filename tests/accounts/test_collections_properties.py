"""The collections summary written twice: summed as allocations are posted (Python, ``CollectionDays`` with ``post``
and ``fold``) and recomputed from the ledger in SQL (``rebuild``). On random allocations, posted in random batches,
both give the same ``collection_day`` (PostgreSQL: ``COPY`` into the deltas, then the fold).
"""

import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.collections import CollectionDays, DayKey, collected, fold, post, rebuild
from taxoffice.accounts.models import Allocation, Charge, CollectionDay, Payment
from tests.registry.helpers import register_enterprise

dates = st.dates(datetime.date(2025, 3, 1), datetime.date(2025, 3, 20))
charges = st.tuples(
    st.integers(0, 1),
    st.sampled_from([("VAT", "1701"), ("CIT", "1052"), ("VAT", "4254")]),
    st.sampled_from(["tax", "interest", "fine"]),
    dates,
)
# (which charge, amount (negative: taken back), paid on, which batch posts it)
allocations = st.tuples(st.integers(0, 99), st.integers(-1_000_000, 3_000_000), dates, st.integers(0, 2))


@pytest.fixture
async def payers(session: AsyncSession) -> list[Taxpayer]:
    """Two taxpayers, committed to the test's transaction: every example's rows are rolled back around them."""
    return [await register_enterprise(session, f"01097900{n:02d}") for n in range(2)]


async def _summary(session: AsyncSession) -> list[tuple[Any, ...]]:
    """What readers see: the summary and the unfolded deltas, summed by key."""
    summary = collected()
    keys = [summary.c[name] for name in DayKey._fields]
    rows = await session.execute(select(*keys, func.sum(summary.c.amount)).group_by(*keys).order_by(*keys))
    return [tuple(row) for row in rows]


async def _lines(session: AsyncSession) -> list[tuple[Any, ...]]:
    day = CollectionDay.__table__.c
    keys = [day[name] for name in DayKey._fields]
    return [tuple(row) for row in await session.execute(select(*keys, day.amount, day.lines).order_by(*keys))]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(charges, min_size=1, max_size=6), st.lists(allocations, min_size=1, max_size=12))
async def test_the_summary_posted_batch_by_batch_is_the_summary_rebuilt_from_the_ledger(
    connection: AsyncConnection,
    session_factory: async_sessionmaker[AsyncSession],
    payers: list[Taxpayer],
    drawn: list[tuple[int, tuple[str, str], str, datetime.date]],
    applied: list[tuple[int, int, datetime.date, int]],
) -> None:
    savepoint = await connection.begin_nested()
    try:
        async with session_factory() as session:
            rows = [
                Charge(
                    taxpayer_id=payers[who].id,
                    tax_code=payers[who].tax_code,
                    tax_type=tax_type,
                    sub_item=sub_item,
                    period="2025-02",
                    kind=kind,
                    amount=5_000_000,
                    due_on=due_on,
                    interest_from=due_on,
                    source="test",
                )
                for who, (tax_type, sub_item), kind, due_on in drawn
            ]
            payment = Payment(
                bank_ref="COLL-1",
                tax_code=payers[0].tax_code,
                taxpayer_id=payers[0].id,
                amount=0,
                paid_on=datetime.date(2025, 3, 1),
                source="bank",
                status="allocated",
                unallocated=0,
                received_by="tests",
            )
            session.add_all([*rows, payment])
            await session.flush()
            batches = [CollectionDays() for _ in range(3)]
            for index, amount, paid_on, batch in applied:
                charge = rows[index % len(rows)]
                session.add(
                    Allocation(
                        payment_id=payment.id,
                        charge_id=charge.id,
                        taxpayer_id=charge.taxpayer_id,
                        component=charge.kind,
                        amount=amount,
                        paid_on=paid_on,
                    )
                )
                office = next(p.tax_office for p in payers if p.id == charge.taxpayer_id)
                batches[batch].add(
                    paid_on, charge.due_on, office, charge.tax_type, charge.sub_item, charge.kind, amount
                )
            await session.flush()
            conn = await session.connection()
            for days in batches:
                await post(conn, days)
            before_fold = await _summary(session)
            await fold(session)
            posted = await _lines(session)
            await rebuild(session)
            rebuilt = await _lines(session)
    finally:
        await savepoint.rollback()
    assert posted == rebuilt
    assert before_fold == [(*line[:-1],) for line in rebuilt]
