"""The nightly interest and arrears jobs on a ledger one taxpayer's legacy data breaks: the run finishes for
everyone else and says how many it set aside (PostgreSQL)."""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.tasks import accrue_interest, flag_arrears
from taxoffice.accounts.models import InterestAccrual
from tests.accounts.test_quarantine import owing

D = datetime.date


async def test_interest_is_accrued_for_everyone_the_ledger_can_settle(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # A legacy charge due in 1990: no late-payment interest rate is known that far back.
    ancient = await owing(session, "0109777021", due_on=D(1990, 1, 20))
    fine = await owing(session, "0109777022")

    counts = await accrue_interest({"session_factory": session_factory}, "2026-03-31")

    assert counts["set_aside"] == 1
    accrued = dict((await session.execute(select(InterestAccrual.taxpayer_id, InterestAccrual.accrued))).all())
    assert ancient.id not in accrued
    # 10,000,000 due 20 Jan 2026, as if paid 31 Mar 2026: 69 days from the day after the deadline to the day before
    # payment (DOMAIN.md §5), at 0.03 % a day = 207,000.
    assert accrued[fine.id] == 207_000


async def test_arrears_are_flagged_legacy_debts_included(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await owing(session, "0109777031", due_on=D(1990, 1, 20))
    await owing(session, "0109777032")

    counts = await flag_arrears({"session_factory": session_factory}, "2026-03-31")

    # Flagging is one set-based statement over the ledger: the legacy debt is overdue like any other, no rate needed.
    assert (counts["examined"], counts["opened"]) == (2, 2)
