"""Charges as rows to insert, and (PostgreSQL) an insert of them that another statement can carry.

A caller that must write something else and post charges atomically in one round trip (accepting a return:
the decision and its charge) builds ``insert_charges_after(step)`` once: ``WITH step AS (…) INSERT INTO
account_charge … SELECT … FROM unnest(arrays) CROSS JOIN step``, one row per charge, written only when ``step``
returns a row. Run on its own it needs no transaction: one statement is atomic.
"""

from typing import Any, cast

from sqlalchemy import CTE, BigInteger, Date, Insert, String, Table, bindparam, func, insert, select, true
from sqlalchemy.dialects.postgresql import ARRAY

from taxoffice.accounts.models import Charge

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


def insert_charges_after(step: CTE) -> Insert:
    """``WITH step INSERT INTO account_charge``: the charges in the array parameters ``c_<column>``, after ``step``."""
    arrays = (
        func.unnest(*(bindparam(f"c_{name}", type_=ARRAY(_ARRAY_TYPES.get(name, String))) for name in COLUMNS))
        .table_valued(*COLUMNS)
        .render_derived()
    )
    now = func.now()
    rows = select(*(arrays.c[name] for name in COLUMNS), now, now).select_from(arrays.join(step, true()))
    return insert(CHARGES).from_select([*COLUMNS, "created_at", "updated_at"], rows).add_cte(step)


def charge_arrays(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The parameters of ``insert_charges_after``: one array per column, rows in order."""
    return {f"c_{name}": [row[name] for row in rows] for name in COLUMNS}
