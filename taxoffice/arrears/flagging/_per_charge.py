"""Each overdue charge's unpaid amounts on a day, and whether a running freeze covers it (flag-arrears' rows).

Everything here builds SQLAlchemy Core for PostgreSQL and SQLite alike; ``holds`` narrows the charges to some
taxpayers (an incremental run's scope, a partition, one taxpayer).
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Subquery,
    Table,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from taxoffice.accounts.models import Allocation, Charge, InterestAccrual, InterestPause, PaymentExtension


def extremes(dialect: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``greatest`` and ``least`` (``max`` and ``min`` of several arguments on SQLite)."""
    if dialect == "postgresql":
        return func.greatest, func.least
    return func.max, func.min


def covered(charge: Table | Any, as_of: datetime.date, dialect: str) -> ColumnElement[bool]:  # noqa: ANN401 - an alias
    """Whether a freeze (or Art. 59.5.a's pause) running on ``as_of`` covers ``charge``.

    A pause covers the charges its ``charge_ids`` names (Decree 126/2020 Art. 23.3), or, without a list (SQL or
    JSON null: a pause written before freezes named their debts), every charge of the taxpayer, as the ledger reads
    it (``taxoffice.accounts.interest.pause_of_row``).
    """
    ids = InterestPause.charge_ids
    named: ColumnElement[bool]
    if dialect == "postgresql":
        whole = func.coalesce(func.jsonb_typeof(ids), "null") != "array"
        named = ids.op("@>")(func.to_jsonb(charge.c.id))
    else:
        whole = func.coalesce(func.json_type(ids), "null") != "array"
        member = func.json_each(ids).table_valued("value")
        # ``c`` is two levels out: correlated explicitly (SQLAlchemy correlates to the enclosing SELECT only).
        named = (
            select(literal(1))
            .select_from(member)
            .where(member.c.value == charge.c.id)
            .correlate_except(member)
            .exists()
        )
    return exists().where(
        InterestPause.taxpayer_id == charge.c.taxpayer_id,
        InterestPause.running_on(as_of),
        or_(whole, named),
    )


def running_pauses(
    as_of: datetime.date, holds: Sequence[Callable[[Any], ColumnElement[bool]]] = (), name: str = "frozen"
) -> Subquery:
    """Per taxpayer whose debts are frozen on ``as_of`` (an ``interest_pause`` running that day), the day it began.

    A pause runs from ``started_on`` to the day before ``ended_on`` (None: still running), as the ledger reads it
    (``reliefs.frozen_since`` is the same rule in Python).
    """
    query = select(InterestPause.taxpayer_id, func.min(InterestPause.started_on).label("frozen_since")).where(
        InterestPause.running_on(as_of),
        *(holding(InterestPause.taxpayer_id) for holding in holds),
    )
    return query.group_by(InterestPause.taxpayer_id).subquery(name)


def charges_owed(
    as_of: datetime.date, dialect: str, holds: Sequence[Callable[[Any], ColumnElement[bool]]] = ()
) -> Subquery:
    """Per charge due before ``as_of``: taxpayer, kind, tax type, due date, principal and interest owed, coverage.

    See ``overdue_rows`` for the arithmetic. ``covered``: a pause running on ``as_of`` covers the charge.
    """
    greatest, least = extremes(dialect)
    charge = Charge.__table__.alias("c")
    later = Charge.__table__.alias("later")
    line = ("taxpayer_id", "kind", "tax_type", "sub_item", "period")

    paid_query = select(Allocation.charge_id, Allocation.component, func.sum(Allocation.amount).label("paid")).where(
        Allocation.paid_on <= as_of
    )
    reductions_query = select(*(charge.c[name] for name in line), (-func.sum(charge.c.amount)).label("reduced")).where(
        charge.c.amount < 0
    )
    extension = PaymentExtension.__table__.alias("ext")
    due_on = case((extension.c.extended_to > charge.c.due_on, extension.c.extended_to), else_=charge.c.due_on)
    # ``due_on < as_of`` written as the plain deadline passed and no standing extension reaching ``as_of`` (an
    # anti-join): the same charges, but the planner estimates the first from the column's statistics and filters
    # the charges as it scans them, where a filter on the CASE after the join is guessed to keep a third of them.
    standing = PaymentExtension.__table__.alias("standing")
    extended = exists().where(
        standing.c.charge_id == charge.c.id, standing.c.revoked_on.is_(None), standing.c.extended_to >= as_of
    )
    charges_filter: list[ColumnElement[bool]] = [charge.c.amount > 0, charge.c.due_on < as_of, ~extended]
    for holding in holds:
        paid_query = paid_query.where(holding(Allocation.taxpayer_id))
        reductions_query = reductions_query.where(holding(charge.c.taxpayer_id))
        charges_filter.append(holding(charge.c.taxpayer_id))
    paid = paid_query.group_by(Allocation.charge_id, Allocation.component).subquery("paid")
    reductions = reductions_query.group_by(*(charge.c[name] for name in line)).subquery("reductions")
    accrual = aliased(InterestAccrual, name="accrual")
    # Coverage is looked up only for the charges of taxpayers with a pause running (few): CASE does not evaluate
    # the EXISTS for the others.
    running = running_pauses(as_of, holds, "running")
    is_covered = case((running.c.taxpayer_id.is_(None), false()), else_=covered(charge, as_of, dialect))

    later_positive = (
        select(func.coalesce(func.sum(later.c.amount), 0))
        .where(*(later.c[name] == charge.c[name] for name in line), later.c.amount > 0, later.c.id > charge.c.id)
        .scalar_subquery()
    )
    cut = case(
        (reductions.c.reduced.is_(None), literal(0)),
        else_=least(greatest(reductions.c.reduced - later_positive, 0), charge.c.amount),
    )
    principal = greatest(charge.c.amount - cut - func.coalesce(paid.c.paid, 0), 0)
    interest = func.coalesce(accrual.outstanding, 0)
    # Each charge's principal is computed once, as the integer it is: PostgreSQL does the arithmetic on the sums it
    # comes from in numeric, and OFFSET 0 keeps it from inlining this subquery into the GROUP BY below, where each
    # of the seven sums and the minimum would compute it again (the integer sums are cheaper too).
    return (
        select(
            charge.c.taxpayer_id,
            charge.c.kind,
            charge.c.tax_type,
            due_on.label("due_on"),
            cast(principal, BigInteger).label("principal"),
            interest.label("interest"),
            accrual.as_of.label("interest_as_of"),
            is_covered.label("covered"),
        )
        .select_from(charge)
        .outerjoin(paid, and_(paid.c.charge_id == charge.c.id, paid.c.component == charge.c.kind))
        .outerjoin(reductions, and_(*(reductions.c[name] == charge.c[name] for name in line)))
        .outerjoin(accrual, accrual.charge_id == charge.c.id)
        .outerjoin(extension, and_(extension.c.charge_id == charge.c.id, extension.c.revoked_on.is_(None)))
        .outerjoin(running, running.c.taxpayer_id == charge.c.taxpayer_id)
        .where(*charges_filter)
        .offset(0)
        .subquery("per_charge")
    )


async def ladder_due_on(session: AsyncSession, taxpayer_id: int, as_of: datetime.date) -> datetime.date | None:
    """One taxpayer's oldest debt with something owed on ``as_of`` that no running pause covers (flag-arrears' rule).

    What an action that freezes or unfreezes a case stores at once, so the case need not wait for the next run.
    """
    owed = charges_owed(as_of, session.get_bind().dialect.name, [lambda column: column == taxpayer_id])
    day: datetime.date | None = await session.scalar(
        select(func.min(owed.c.due_on)).where(owed.c.principal + owed.c.interest > 0, ~owed.c.covered)
    )
    return day
