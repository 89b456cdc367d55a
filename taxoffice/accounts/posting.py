"""A write and the charges posted with it, atomically: the statements of ``AccountService.post_with``.

A caller that must write something else and post charges with it, both or neither (accepting a return: the
decision and its charge), describes its write as an ``AtomicStep`` and calls ``AccountService.post_with``:

- PostgreSQL: one statement built once by ``charges_after(step)``: ``WITH step AS (…), posted AS (INSERT INTO
  account_charge … SELECT … FROM unnest(arrays) CROSS JOIN step) SELECT count(*) FROM step``, one charge row per
  array element, written only when ``step`` returns a row. One statement is atomic, in autocommit or not.
- elsewhere (SQLite): the step, then the charges, in the caller's transaction.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Date,
    Insert,
    Select,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from taxoffice.accounts.models import Charge
from taxoffice.fastpaths import Prepared

CHARGES = cast("Table", Charge.__table__)
COLUMNS = (
    "taxpayer_id",
    "tax_code",
    "tax_type",
    "sub_item",
    "period",
    "kind",
    "amount",
    "due_on",
    "interest_from",
    "source",
    "note",
)
_ARRAY_TYPES: dict[str, Any] = {"taxpayer_id": BigInteger, "amount": BigInteger, "due_on": Date, "interest_from": Date}


@dataclass(frozen=True)
class AtomicStep:
    """A write that charges are posted with, both or neither (``AccountService.post_with``).

    ``with_charges``: PostgreSQL, the write and the charges as one statement (``charges_after``), built once (and
    compiled once, as ``Prepared``, on a hot path);
    ``params``: its parameters but the charges'; ``apply``: elsewhere, the write alone, whether it applied.
    """

    with_charges: Select[Any] | Prepared
    params: dict[str, Any]
    apply: Callable[[AsyncConnection], Awaitable[bool]]


def _insert_charges_after(step: CTE, source_prefix: str | None) -> Insert:
    """``INSERT INTO account_charge``: the charges in the array parameters ``c_<column>``, one copy a ``step`` row.

    With ``source_prefix`` each charge's ``source`` is that prefix and the id of ``step``'s row (a write that draws
    its own id, e.g. ``return:`` and the return's id), not the ``c_source`` array.
    """
    arrays = (
        func.unnest(*(bindparam(f"c_{name}", type_=ARRAY(_ARRAY_TYPES.get(name, String))) for name in COLUMNS))
        .table_valued(*COLUMNS)
        .render_derived()
    )
    now = func.now()
    source: ColumnElement[Any] = (
        arrays.c.source if source_prefix is None else literal(source_prefix, String) + step.c.id.cast(Text)
    )
    values = [source if name == "source" else arrays.c[name] for name in COLUMNS]
    rows = select(*values, now, now).select_from(arrays.join(step, true()))
    return insert(CHARGES).from_select([*COLUMNS, "created_at", "updated_at"], rows)


def charges_after(
    step: CTE, *others: CTE, answer: tuple[str, ...] = (), source_prefix: str | None = None
) -> Select[Any]:
    """PostgreSQL: ``step``, the charges after it and ``others`` in one statement answering how many rows ``step`` wrote.

    0 means ``step`` wrote nothing, and so no charge either (an empty charge list still answers the step's count).
    With ``answer`` (column names of ``step``) it answers those columns of ``step``'s row instead (no row: nothing
    written); ``source_prefix``: see ``_insert_charges_after``.
    """
    posted = _insert_charges_after(step, source_prefix).cte("posted_charges")
    columns = [step.c[name] for name in answer] if answer else [func.count()]
    statement = select(*columns).select_from(step).add_cte(posted)
    return statement.add_cte(*others) if others else statement


def charge_arrays(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The charges' parameters of ``charges_after``: one array per column, rows in order."""
    return {f"c_{name}": [row[name] for row in rows] for name in COLUMNS}
