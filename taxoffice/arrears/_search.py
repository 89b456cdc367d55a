"""The worklist query: filters computed for today, the two sort orders, and their opaque keyset cursors.

Days overdue are not stored (``day - oldest_due_on``), so a bucket or a stage for today is a range of
``oldest_due_on``; a case is stalled today when it is collectible and its next action was due before the
(grace + 1)-th working day counting back from today (``stall_cutoff``): the same answer as ``ladder.is_stalled``
for that proposal, in one comparison the database can do. Open frozen cases are left out unless asked for
(``category=frozen``): a frozen debt is not worked (Law 38/2019 Art. 124.5), so it is shown apart.
"""

import base64
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, and_, false, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from taxoffice.arrears import ladder
from taxoffice.arrears.ageing import BUCKETS, Bucket
from taxoffice.arrears.categories import Category
from taxoffice.arrears.errors import bad_query
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.models import ArrearsCase
from taxoffice.arrears.schemas import SortOrder
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.auth.roles import Principal, Role

MAX_LIMIT = 200


@dataclass(frozen=True)
class WorklistQuery:
    """What to list; every filter is optional and they combine with AND."""

    status: CaseStatus = CaseStatus.OPEN
    bucket: Bucket | None = None
    stage: ActionKind | None = None
    category: Category | None = None
    officer_id: int | None = None
    unassigned: bool = False
    tax_office: str | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    stalled: bool | None = None
    sort: SortOrder = SortOrder.AMOUNT
    cursor: str | None = None
    limit: int = 50


def office_condition(actor: Principal) -> ColumnElement[bool] | None:
    """Officers see their own tax office's cases only; admins and managers see every office (None)."""
    if actor.role is Role.OFFICER:
        return ArrearsCase.tax_office == actor.tax_office if actor.tax_office else false()
    return None


def may_see_office(actor: Principal, tax_office: str) -> bool:
    """Whether ``actor`` may see a case of ``tax_office``."""
    return actor.may_act_for_office(tax_office)


def stall_cutoff(today: datetime.date, is_working_day: Callable[[datetime.date], bool]) -> datetime.date:
    """A next action due before this day is stalled today (more than the grace in working days late)."""
    grace = ladder.rules_on(today).stall_after_working_days
    day, seen = today, 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen > grace:
                return day
        day -= datetime.timedelta(days=1)


def stalled_condition(cutoff: datetime.date) -> ColumnElement[bool]:
    """Cases stalled today, given ``stall_cutoff(today, …)``."""
    return and_(
        ArrearsCase.category == Category.COLLECTIBLE.value,
        ArrearsCase.next_action_due_on.is_not(None),
        ArrearsCase.next_action_due_on < cutoff,
    )


def _days_range(
    today: datetime.date, first: int, last: int | None, column: InstrumentedAttribute[Any] = ArrearsCase.oldest_due_on
) -> list[ColumnElement[bool]]:
    """``oldest_due_on`` (or another day ``column``) of cases ``first`` … ``last`` days overdue today."""
    conditions = [column <= today - datetime.timedelta(days=first)]
    if last is not None:
        conditions.append(column >= today - datetime.timedelta(days=last))
    return conditions


def _bucket_conditions(bucket: Bucket, today: datetime.date) -> list[ColumnElement[bool]]:
    first, last = next((first, last) for b, first, last in BUCKETS if b is bucket)
    return _days_range(today, first, last)


def _stage_conditions(stage: ActionKind, today: datetime.date) -> list[ColumnElement[bool]]:
    stages = ladder.rules_on(today).stages
    index = next((i for i, s in enumerate(stages) if s.kind is stage), None)
    if index is None:
        names = ", ".join(s.kind.value for s in stages)
        raise bad_query("stage", "stage.unknown", f"{stage.value} is not a ladder stage; stages: {names}.")
    last = stages[index + 1].from_day - 1 if index + 1 < len(stages) else None
    # A frozen debt is on no stage of the ladder, however old (Law 38/2019 Art. 124.5: no enforcement while frozen);
    # a case with a debt outside its freeze is on the stage of the oldest such debt (``ladder_due_on``).
    # (``ladder_due_on`` is ``oldest_due_on`` on a case not frozen; index ``ix_arrears_case_ladder``.)
    return [
        *_days_range(today, stages[index].from_day, last, ArrearsCase.ladder_due_on),
        ArrearsCase.category != Category.FROZEN.value,
    ]


def _filters(query: WorklistQuery, today: datetime.date, cutoff: datetime.date) -> list[ColumnElement[bool]]:
    """The clauses of the filters given (each None filter adds nothing)."""
    found: list[ColumnElement[bool]] = []
    if query.bucket is not None:
        found.extend(_bucket_conditions(query.bucket, today))
    if query.stage is not None:
        found.extend(_stage_conditions(query.stage, today))
    simple: list[tuple[object, ColumnElement[bool]]] = [
        (query.tax_office, ArrearsCase.tax_office == query.tax_office),
        (query.category, ArrearsCase.category == (query.category.value if query.category else None)),
        (query.officer_id, ArrearsCase.officer_id == query.officer_id),
        (query.unassigned or None, ArrearsCase.officer_id.is_(None)),
        (query.min_amount, ArrearsCase.overdue_total >= (query.min_amount or 0)),
        (query.max_amount, ArrearsCase.overdue_total <= (query.max_amount or 0)),
        (query.stalled, stalled_condition(cutoff) if query.stalled else ~stalled_condition(cutoff)),
    ]
    found.extend(clause for value, clause in simple if value is not None)
    if query.category is None and query.status is CaseStatus.OPEN:
        # Frozen cases are shown apart (``category=frozen``), not among the debts the officers work.
        found.append(ArrearsCase.category != Category.FROZEN.value)
    return found


def conditions(
    actor: Principal, query: WorklistQuery, today: datetime.date, cutoff: datetime.date
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a search.

    Raises:
        ValidationFailedError: a reversed amount range, a stage that is not a ladder step, a bad cursor.
    """
    if query.min_amount is not None and query.max_amount is not None and query.min_amount > query.max_amount:
        raise bad_query("min_amount", "range.reversed", "min_amount is above max_amount.")
    found: list[ColumnElement[bool]] = [ArrearsCase.status == query.status.value]
    scope = office_condition(actor)
    if scope is not None:
        found.append(scope)
    found.extend(_filters(query, today, cutoff))
    if query.cursor is not None:
        found.append(_after(query.sort, query.cursor))
    return found


def order_by(sort: SortOrder) -> tuple[UnaryExpression[Any], ...]:
    """Largest amount first, or oldest due date first; the id breaks ties."""
    if sort is SortOrder.AMOUNT:
        return (ArrearsCase.overdue_total.desc(), ArrearsCase.id.desc())
    return (ArrearsCase.oldest_due_on.asc(), ArrearsCase.id.asc())


def encode_cursor(sort: SortOrder, case: ArrearsCase) -> str:
    """An opaque cursor standing after ``case`` in ``sort`` order."""
    key: int | str = case.overdue_total if sort is SortOrder.AMOUNT else case.oldest_due_on.isoformat()
    return base64.urlsafe_b64encode(json.dumps([sort.value, key, case.id]).encode()).decode()


def _after(sort: SortOrder, cursor: str) -> ColumnElement[bool]:
    problem = bad_query("cursor", "cursor.invalid", "Pass next_cursor from the previous page, with the same sort.")
    try:
        kind, key, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as exc:
        raise problem from exc
    if kind != sort.value or type(last_id) is not int:
        raise problem
    if sort is SortOrder.AMOUNT:
        if type(key) is not int:
            raise problem
        return tuple_(ArrearsCase.overdue_total, ArrearsCase.id) < tuple_(key, last_id)
    try:
        day = datetime.date.fromisoformat(key)
    except (ValueError, TypeError) as exc:
        raise problem from exc
    return tuple_(ArrearsCase.oldest_due_on, ArrearsCase.id) > tuple_(day, last_id)
