"""A nightly job replayed ``as_of`` a past day gives the same figures whatever the clock says when it runs.

The jobs take their day from ``as_of`` (else today in Hanoi by the context's clock, ``taxoffice.clock.job_day``)
and never read the wall clock: run on 2 December 2026 or a year later, the night of 15 April 2026 is the same.
"""

import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from jobs.tasks import accrue_interest, flag_arrears, reconcile_payments
from taxoffice.accounts.models import Allocation, InterestAccrual
from taxoffice.arrears.models import ArrearsCase
from taxoffice.calendar import VN_TZ
from taxoffice.clock import Clock
from tests.registry.helpers import register_enterprise
from tests.support.ledgers import charge_and_pay

NIGHT = datetime.date(2026, 4, 15)
RUN_ON_TIME = datetime.datetime(2026, 4, 15, 1, 0, tzinfo=VN_TZ)  # the scheduled night itself
RUN_LATER = datetime.datetime(2027, 12, 2, 14, 30, tzinfo=VN_TZ)  # a replay long after


def _at(instant: datetime.datetime) -> Clock:
    return lambda: instant.astimezone(datetime.UTC)


async def _night(
    connection: AsyncConnection, sessions: async_sessionmaker[AsyncSession], clock: Clock, as_of: str | None
) -> dict[str, Any]:
    """The nightly chain for ``as_of`` on ``clock``, its figures read back, then undone."""
    ctx: dict[str, Any] = {"session_factory": sessions, "clock": clock}
    savepoint = await connection.begin_nested()
    try:
        counts = [await job(ctx, as_of) for job in (reconcile_payments, accrue_interest, flag_arrears)]
        async with sessions() as session:
            allocations = (
                await session.execute(
                    select(
                        Allocation.payment_id, Allocation.charge_id, Allocation.component, Allocation.amount
                    ).order_by(Allocation.payment_id, Allocation.charge_id, Allocation.component)
                )
            ).all()
            accruals = (
                await session.execute(
                    select(
                        InterestAccrual.charge_id,
                        InterestAccrual.as_of,
                        InterestAccrual.accrued,
                        InterestAccrual.outstanding,
                    ).order_by(InterestAccrual.charge_id)
                )
            ).all()
            cases = (
                await session.execute(
                    select(
                        ArrearsCase.taxpayer_id,
                        ArrearsCase.overdue_total,
                        ArrearsCase.overdue_interest,
                        ArrearsCase.bucket,
                        ArrearsCase.stage,
                        ArrearsCase.next_action_due_on,
                    ).order_by(ArrearsCase.taxpayer_id)
                )
            ).all()
    finally:
        await savepoint.rollback()
    return {"counts": counts, "allocations": allocations, "accruals": accruals, "cases": cases}


async def test_a_night_replayed_later_gives_the_same_figures(
    connection: AsyncConnection, session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    payers = [await register_enterprise(session, f"010988{n:04d}") for n in range(4)]
    await charge_and_pay(
        session, [(t.id, t.tax_code) for t in payers], ref_prefix="REPLAY", source="test", pays=lambda i: i % 2 == 0
    )
    await session.commit()
    on_time = await _night(connection, session_factory, _at(RUN_ON_TIME), None)
    replayed = await _night(connection, session_factory, _at(RUN_LATER), NIGHT.isoformat())
    assert replayed == on_time
    # Not a vacuous comparison: the night allocated payments, accrued interest and flagged debtors.
    assert on_time["allocations"]
    assert {row.as_of for row in on_time["accruals"]} == {NIGHT}
    assert any(row.outstanding > 0 for row in on_time["accruals"])
    # The two who did not pay are in arrears; the payments covered the others' charges.
    assert [row.taxpayer_id for row in on_time["cases"]] == [payers[1].id, payers[3].id]


async def test_the_day_of_a_job_changes_its_figures(
    connection: AsyncConnection, session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    payers = [await register_enterprise(session, f"01098890{n:02d}") for n in range(2)]
    await charge_and_pay(
        session, [(t.id, t.tax_code) for t in payers], ref_prefix="REPLAY-DAY", source="test", pays=lambda i: i == 0
    )
    await session.commit()
    april = await _night(connection, session_factory, _at(RUN_LATER), NIGHT.isoformat())
    june = await _night(connection, session_factory, _at(RUN_LATER), "2026-06-15")
    assert {row.as_of for row in june["accruals"]} == {datetime.date(2026, 6, 15)}
    assert sum(r.accrued for r in june["accruals"]) > sum(r.accrued for r in april["accruals"])
