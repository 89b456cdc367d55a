"""The flag-arrears job run after run: idempotent, only changed taxpayers rewritten, history, the job record."""

import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.recording import execute_run
from jobs.spec import Daily
from jobs.tasks import TASKS
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.flagging import EarlierDayError, FlagCounts, Previous, flag_arrears, previous_run
from taxoffice.arrears.models import ArrearsAction, ArrearsCase, ArrearsCaseEvent
from tests.arrears.test_flagging import DUE, M, cases, debtor, events, flag, open_case, pay, post

D = datetime.date


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


async def _updated_at(session: AsyncSession) -> dict[int, datetime.datetime]:
    rows = await session.execute(select(ArrearsCase.taxpayer_id, ArrearsCase.updated_at))
    return {row.taxpayer_id: row.updated_at for row in rows}


async def test_second_run_the_same_day_changes_nothing(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    for n in range(3):
        await debtor(session, f"00108900000{n}", (ChargeKind.TAX, (n + 1) * M, DUE))
    day = D(2025, 10, 30)
    first = await flag(session_factory, day)
    assert (first.opened, first.events) == (3, 3)
    before = await _updated_at(session)
    again = await flag(session_factory, day)
    # Two stock rows (VAT, and all types): the three cases are VAT debts of one office, bucket and category.
    assert again == FlagCounts(full=1, examined=3, unchanged=3, stock_rows=2)
    assert await _updated_at(session) == before
    count = await session.scalar(select(func.count()).select_from(ArrearsCaseEvent))
    assert count == 3


async def test_next_day_examines_and_rewrites_only_the_changed_taxpayers(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    payer, quiet, other = [await debtor(session, f"00108900001{n}", (ChargeKind.TAX, 10 * M, DUE)) for n in range(3)]
    # 20 Aug: 20 days overdue, every reminder already stalled; 21 Aug crosses no boundary.
    started = now()
    await flag(session_factory, D(2025, 8, 20))
    before = await _updated_at(session)
    await pay(session_factory, payer, "VCB-INC-1", 3 * M, D(2025, 8, 20))
    counts = await flag(session_factory, D(2025, 8, 21), Previous(D(2025, 8, 20), started))
    # The payer only: its payment and allocation are newer than the previous run.
    assert counts == FlagCounts(full=0, scope=1, examined=1, updated=1, events=1, stock_rows=2)
    after = await _updated_at(session)
    assert after[quiet.id] == before[quiet.id]
    assert after[other.id] == before[other.id]
    assert after[payer.id] > before[payer.id]
    assert (await open_case(session, payer)).overdue_tax == 7 * M
    assert (await open_case(session, quiet)).as_of == D(2025, 8, 20)

    # 31 Aug: day 31, every case crosses into 31-60 and the notice stage, changed or not.
    started = now()
    counts = await flag(session_factory, D(2025, 8, 31), Previous(D(2025, 8, 21), started))
    assert (counts.scope, counts.examined, counts.updated, counts.events) == (3, 3, 3, 6)
    for taxpayer in (payer, quiet, other):
        case = await open_case(session, taxpayer)
        assert (case.bucket, case.stage, case.as_of) == ("31-60", "debt_notice", D(2025, 8, 31))


async def test_an_action_and_a_new_charge_are_found_and_not_yet_due_ones_are_not(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    acted, charged = [await debtor(session, f"00108900002{n}", (ChargeKind.TAX, 10 * M, DUE)) for n in range(2)]
    started = now()
    await flag(session_factory, D(2025, 8, 20))
    case = await open_case(session, acted)
    assert (case.next_action, case.is_stalled) == ("reminder", True)
    session.add(ArrearsAction(case_id=case.id, kind="reminder", taken_on=D(2025, 8, 20), officer="o", channel="sms"))
    await session.commit()
    await post(session, charged, (ChargeKind.TAX, 2 * M, D(2025, 8, 20)), period="2025-07")
    counts = await flag(session_factory, D(2025, 8, 20), Previous(D(2025, 8, 20), started))
    # The new charge is due on the day: examined, not yet overdue, nothing changes for it.
    assert (counts.scope, counts.examined, counts.updated, counts.unchanged) == (2, 2, 1, 1)
    case = await open_case(session, acted)
    assert (case.next_action, case.next_action_due_on, case.is_stalled) == ("debt_notice", D(2025, 8, 31), False)

    # The day after, the charge due 20 Aug is overdue: found by its due date, not by when it was posted.
    started = now()
    counts = await flag(session_factory, D(2025, 8, 21), Previous(D(2025, 8, 20), started))
    assert (counts.scope, counts.updated) == (1, 1)
    assert (await open_case(session, charged)).overdue_tax == 12 * M


async def test_stalled_on_the_sixth_working_day_without_any_change(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # The notice due Sun 31 Aug 2025; 1-2 Sep are the National Day holidays: not stalled on 9 Sep, stalled 10 Sep.
    taxpayer = await debtor(session, "001089000030", (ChargeKind.TAX, 10 * M, DUE))
    started = now()
    await flag(session_factory, D(2025, 8, 1))
    case = await open_case(session, taxpayer)
    session.add(ArrearsAction(case_id=case.id, kind="reminder", taken_on=D(2025, 8, 1), officer="o", channel="sms"))
    await session.commit()
    await flag(session_factory, D(2025, 9, 9), Previous(D(2025, 8, 1), started))
    case = await open_case(session, taxpayer)
    assert (case.next_action, case.next_action_due_on, case.is_stalled) == ("debt_notice", D(2025, 8, 31), False)
    started = now()
    counts = await flag(session_factory, D(2025, 9, 10), Previous(D(2025, 9, 9), started))
    assert (counts.scope, counts.updated, counts.events) == (1, 1, 0)
    assert (await open_case(session, taxpayer)).is_stalled


async def test_history_of_every_move(session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]) -> None:
    taxpayer = await debtor(session, "001089000040", (ChargeKind.TAX, 10 * M, DUE))
    for day in (D(2025, 8, 1), D(2025, 8, 15), D(2025, 8, 31), D(2025, 9, 30)):
        await flag(session_factory, day)
    await pay(session_factory, taxpayer, "VCB-HIST-1", 10 * M, D(2025, 10, 1))
    await flag(session_factory, D(2025, 10, 2))
    (case,) = await cases(session, taxpayer)
    assert await events(session, case) == [
        (D(2025, 8, 1), "opened", None, "1-30"),
        (D(2025, 8, 31), "bucket", "1-30", "31-60"),
        (D(2025, 8, 31), "stage", "reminder", "debt_notice"),
        (D(2025, 9, 30), "bucket", "31-60", "61-90"),
        (D(2025, 9, 30), "stage", "debt_notice", "warning_letter"),
        (D(2025, 10, 2), "closed", "10000000", "0"),
    ]
    totals = await session.scalars(
        select(ArrearsCaseEvent.overdue_total).where(ArrearsCaseEvent.case_id == case.id).order_by(ArrearsCaseEvent.id)
    )
    assert list(totals) == [10 * M] * 5 + [0]


async def test_the_job_continues_from_its_last_recorded_run(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    assert TASKS["flag-arrears"].schedule == Daily(3, 0)
    taxpayer = await debtor(session, "001089000050", (ChargeKind.TAX, 10 * M, DUE))
    ctx: dict[str, Any] = {"session_factory": session_factory}
    assert await previous_run(session) is None
    _run, first = await execute_run(ctx, "flag-arrears", "2025-08-20", origin="cli", requested_by="tests")
    assert (first["full"], first["opened"]) == (1, 1)
    previous = await previous_run(session)
    assert previous is not None
    assert previous.as_of == D(2025, 8, 20)
    _run, second = await execute_run(ctx, "flag-arrears", "2025-08-21", origin="cli", requested_by="tests")
    # Incremental: the overlap re-examines what was posted just before, and nothing changes.
    assert (second["full"], second["scope"], second["updated"], second["unchanged"]) == (0, 1, 0, 1)
    assert (await open_case(session, taxpayer)).as_of == D(2025, 8, 20)
    # Asked for a day before the latest run: refused, the live cases stay as the latest run left them.
    with pytest.raises(EarlierDayError, match="set the live worklist back"):
        await flag_arrears(session_factory, D(2025, 8, 19))
    with pytest.raises(EarlierDayError):
        await execute_run(ctx, "flag-arrears", "2025-08-19", origin="cli", requested_by="tests")
    assert (await open_case(session, taxpayer)).as_of == D(2025, 8, 20)
