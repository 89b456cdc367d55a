"""The flag-arrears job: open, update and close arrears cases from the ledger as of a day (DOMAIN.md §8).

One transaction (serialised on PostgreSQL by an advisory lock): the taxpayers' overdue figures come from one
GROUP BY, streamed in batches; each batch loads its cases' actions and plans, is evaluated with the pure rule
modules, and only the cases whose values differ are written, with one history event per move. Running it
again for the same day changes nothing. Last, the day's ``arrears_stock`` is summed from the open cases
(``taxoffice.arrears.stock``), in the same transaction.

Incremental: after a successful run (``Previous``: its day and when it started) only the taxpayers whose ledger,
registry record, actions or plans changed since, and the open cases whose date-dependent values move by the
new day, are examined (``_query.scope_fill``). Without one every debtor is examined. A run for a day before the
latest one flagged is refused (``EarlierDayError``): it would set the live worklist back to that day, and a
report for a past day reads the stock the runs of the time kept instead.
"""

import datetime
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.schema import CreateTable

from taxoffice.arrears.flagging._compute import CaseValues, Context, Evaluator, Figures, Plan, moves, plan_from_json
from taxoffice.arrears.flagging._query import SCOPE, actions_of, overdue_rows, payments_of, plans_of, scope_fill
from taxoffice.arrears.flagging._writes import Batch, NewCase
from taxoffice.arrears.ladder import ActionKind, TakenAction, rules_on
from taxoffice.arrears.stock import write_stock
from taxoffice.arrears.vocabulary import FLAG_JOB
from taxoffice.auth import audit
from taxoffice.auth.roles import Principal
from taxoffice.errors import ConflictError
from taxoffice.jobruns.models import JobRun, JobStatus
from taxoffice.partition import Partition
from taxoffice.workdays.services import CalendarService

BATCH_ROWS = 5_000
# Changes committed this long after the previous run started are still found (a transaction open across it).
OVERLAP = datetime.timedelta(minutes=10)
# pg_advisory_xact_lock key: one flag-arrears run at a time.
_LOCK_KEY = 0x0A11EA55
_ACTION_KINDS = {kind.value: kind for kind in ActionKind}


@dataclass(frozen=True)
class Previous:
    """The last successful run: the day it flagged, and the instant after which changes are looked for."""

    as_of: datetime.date
    changed_after: datetime.datetime


@dataclass
class FlagCounts:
    """What a run did."""

    full: int = 0
    scope: int = 0
    examined: int = 0
    opened: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    events: int = 0
    plans: int = 0
    stock_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        """Counts for the job record."""
        return dict(vars(self))


async def previous_run(session: AsyncSession, *, overlap: datetime.timedelta = OVERLAP) -> Previous | None:
    """The last successful whole ``flag-arrears`` run in ``job_run`` (not one partition), its start moved back.

    A partitioned run counts once all its partitions succeeded (its whole run's row then succeeds), and its start
    is the whole run's: before any partition began, so every partition continues from the same instant.
    """
    row = (
        await session.execute(
            select(JobRun.as_of, JobRun.started_at)
            .where(JobRun.name == FLAG_JOB, JobRun.status == JobStatus.SUCCEEDED.value, JobRun.part.is_(None))
            .where(JobRun.started_at.is_not(None))
            .order_by(JobRun.finished_at.desc(), JobRun.id.desc())
            .limit(1)
        )
    ).first()
    if row is None or row.started_at is None:
        return None
    return Previous(row.as_of, row.started_at - overlap)


class EarlierDayError(ConflictError):
    """A run for a day before the latest one flagged: it would set the live worklist back to that day."""

    def __init__(self, as_of: datetime.date, latest: datetime.date) -> None:
        super().__init__(
            f"flag-arrears has already run for {latest}; a run for {as_of} would set the live worklist back to that "
            f"day. A report for a past day reads the stock its runs kept (GET /reports/arrears?as_of=…)."
        )


async def latest_day(session: AsyncSession) -> datetime.date | None:
    """The latest day a successful ``flag-arrears`` run flagged."""
    return await session.scalar(
        select(func.max(JobRun.as_of)).where(
            JobRun.name == FLAG_JOB, JobRun.status == JobStatus.SUCCEEDED.value, JobRun.part.is_(None)
        )
    )


def _incremental(previous: Previous | None, as_of: datetime.date) -> bool:
    if previous is None or previous.as_of > as_of:
        return False
    # A new ladder in force since the previous run moves every case: examine them all.
    return rules_on(previous.as_of) is rules_on(as_of)


async def _batches(session: AsyncSession, query: Any, size: int) -> AsyncIterator[Sequence[Row[Any]]]:  # noqa: ANN401 - a Core select
    if session.get_bind().dialect.name == "postgresql":
        result = await session.stream(query.execution_options(yield_per=size))
        try:
            async for rows in result.partitions(size):
                yield rows
        finally:
            await result.close()
        return
    rows = (await session.execute(query)).all()
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def _contexts(
    session: AsyncSession, rows: Sequence[Row[Any]], as_of: datetime.date
) -> tuple[dict[int, list[TakenAction]], dict[int, datetime.date], dict[int, tuple[int, str, Plan]]]:
    """The actions, unfreeze days and active plans (id, stored status, schedule with payments) of open cases."""
    case_ids = [row.c_id for row in rows if row.c_id is not None]
    taken: dict[int, list[TakenAction]] = defaultdict(list)
    unfrozen: dict[int, datetime.date] = {}
    plans: dict[int, tuple[int, str, Plan]] = {}
    if not case_ids:
        return taken, unfrozen, plans
    for case_id, kind, taken_on, details in await session.execute(actions_of(case_ids, as_of)):
        action_kind = _ACTION_KINDS.get(kind)
        if action_kind is not None:
            taken[case_id].append(TakenAction(action_kind, taken_on))
        if details is not None and details.get("frozen") is False:
            unfrozen[case_id] = max(taken_on, unfrozen.get(case_id, taken_on))
    found = {row.case_id: row for row in (await session.execute(plans_of(case_ids, as_of))).all()}
    if found:
        taxpayer_of = {row.c_id: row.taxpayer_id for row in rows if row.c_id in found}
        since = min(row.agreed_on for row in found.values())
        paid: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
        query = payments_of(sorted(set(taxpayer_of.values())), since, as_of)
        for taxpayer_id, paid_on, amount in await session.execute(query):
            if taxpayer_id is not None:
                paid[taxpayer_id].append((paid_on, amount))
        for case_id, plan in found.items():
            payments = tuple(p for p in paid[taxpayer_of[case_id]] if p[0] >= plan.agreed_on)
            plans[case_id] = (plan.id, plan.status, Plan(plan_from_json(plan.schedule), payments))
    return taken, unfrozen, plans


def _stored(row: Row[Any]) -> CaseValues | None:
    if row.c_id is None:
        return None
    return CaseValues(**{name: getattr(row, f"c_{name}") for name in CaseValues.__slots__})


async def _flag_batch(
    session: AsyncSession, rows: Sequence[Row[Any]], evaluator: Evaluator, counts: FlagCounts
) -> None:
    taken, unfrozen, plans = await _contexts(session, rows, evaluator.as_of)
    batch = Batch(evaluator.as_of)
    for row in rows:
        counts.examined += 1
        plan = plans.get(row.c_id) if row.c_id is not None else None
        context = Context(
            status=row.status,
            is_frozen=bool(row.c_is_frozen),
            plan=None if plan is None else plan[2],
            taken=tuple(taken.get(row.c_id, ())) if row.c_id is not None else (),
            unfrozen_on=unfrozen.get(row.c_id) if row.c_id is not None else None,
        )
        figures = Figures(
            int(row.overdue_tax or 0),
            int(row.overdue_interest or 0),
            int(row.overdue_fines or 0),
            row.oldest_due_on,
            row.interest_as_of,
            overdue_vat=int(row.overdue_vat or 0),
            overdue_cit=int(row.overdue_cit or 0),
            overdue_pit=int(row.overdue_pit or 0),
            overdue_over_year=int(row.overdue_over_year or 0),
            frozen_since=row.frozen_since,
            ladder_due_on=row.ladder_due_on,
        )
        new, plan_state = evaluator.evaluate(figures, context)
        if plan is not None and plan_state is not None and plan_state.status.value != plan[1]:
            batch.plan_status(plan[0], plan_state.status.value)
            counts.plans += 1
        old = _stored(row)
        found = tuple(moves(old, new))
        if old is None:
            if new is not None:
                batch.opened.append(NewCase(row.taxpayer_id, row.tax_code, row.tax_office, new, found))
                counts.opened += 1
        elif new is None:
            batch.close(row.c_id, row.taxpayer_id, found)
            counts.closed += 1
        elif new != old or (row.c_tax_code, row.c_tax_office) != (row.tax_code, row.tax_office):
            batch.update(row.c_id, new, row.tax_code, row.tax_office, found)
            counts.updated += 1
        else:
            counts.unchanged += 1
    await batch.write(session)
    counts.events += len(batch.events)


async def flag_arrears(
    session_factory: async_sessionmaker[AsyncSession],
    as_of: datetime.date,
    *,
    previous: Previous | None = None,
    full: bool = False,
    batch_rows: int = BATCH_ROWS,
    partition: Partition | None = None,
) -> FlagCounts:
    """Open, update and close arrears cases as of ``as_of``; returns what it did.

    Args:
        session_factory: sessions of the database.
        as_of: the day looked at: amounts due before it and payments made up to it count.
        previous: the run to continue from; None looks up the last successful run in ``job_run``.
        full: examine every debtor, whatever ran before.
        batch_rows: taxpayers evaluated and written per batch.
        partition: only this share of the taxpayers; the day's stock is then left to ``close_day``, run once
            every partition has succeeded.
    """
    counts = FlagCounts()
    async with session_factory() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            await _lock(session, partition)
            # The GROUP BY over every charge hashes millions of rows; give it room for this transaction only.
            await session.execute(text("SET LOCAL work_mem = '256MB'"))
        latest = await latest_day(session)
        if latest is not None and as_of < latest:
            raise EarlierDayError(as_of, latest)
        if previous is None and not full:
            previous = await previous_run(session)
        scoped = not full and _incremental(previous, as_of)
        if scoped and previous is not None:
            # Kept for the connection's life (a pooled connection reuses it), emptied before and after each run.
            await session.execute(CreateTable(SCOPE, if_not_exists=True))
            await session.execute(delete(SCOPE))
            filled = await session.execute(scope_fill(as_of, previous.as_of, previous.changed_after, partition))
            counts.scope = int(filled.rowcount)  # type: ignore[attr-defined]
            if postgres:
                await session.execute(text("ANALYZE arrears_flag_scope"))
        else:
            counts.full = 1
        calendar = await CalendarService(session).calendar()
        evaluator = Evaluator(as_of, calendar.is_working_day)
        query = overdue_rows(as_of, scoped=scoped, dialect=session.get_bind().dialect.name, partition=partition)
        async for rows in _batches(session, query, batch_rows):
            await _flag_batch(session, rows, evaluator, counts)
        if scoped:
            await session.execute(delete(SCOPE))
        if partition is None:
            counts.stock_rows = await close_day(session, as_of, counts.as_dict())
        else:
            data = {**counts.as_dict(), "partition": str(partition)}
            await audit.record(
                session, Principal.system(FLAG_JOB), "arrears.flagged", "arrears_case", as_of.isoformat(), data
            )
        await session.commit()
    return counts


async def close_day(session: AsyncSession, as_of: datetime.date, counts: dict[str, int]) -> int:
    """Sum the day's ``arrears_stock`` from the open cases and audit the run's ``counts``; the stock rows written.

    The last step of a run: at its end when whole, once all its partitions succeeded when partitioned.
    Runs in the caller's transaction.
    """
    rows = await write_stock(session, as_of)
    data = {**counts, "stock_rows": rows}
    await audit.record(session, Principal.system(FLAG_JOB), "arrears.flagged", "arrears_case", as_of.isoformat(), data)
    return rows


async def _lock(session: AsyncSession, partition: Partition | None) -> None:
    """One whole run at a time, excluding partitioned runs; partitions share the lock, one of each at a time."""
    if partition is None:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        return
    await session.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": _LOCK_KEY})
    await session.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:key AS integer), CAST(:part AS integer))"),
        {"key": _LOCK_KEY, "part": partition.index},
    )
