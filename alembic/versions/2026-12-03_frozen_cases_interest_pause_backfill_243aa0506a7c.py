"""interest_pause for every case frozen before the table existed (Law 38/2019 Art. 59.6, 83)

A freeze recorded before ``interest_pause`` existed set ``arrears_case.is_frozen`` (and wrote its ``freeze``
action and ``category`` event) but stopped no interest. Each open frozen case whose taxpayer has no open pause
gets one, as a freeze recorded today would write it:

- ``started_on``: the latest freeze action's ``details.frozen_from`` (the day Art. 83 dates the freeze from),
  else the day that action was taken; without an action, the day the case's ``category`` became ``frozen``; with
  neither, the case's ``as_of`` (the last day the case is known frozen: no interest forgiven on a guess);
- ``reason``: the action's ``details.relief`` (``freeze`` or ``no_interest``), else ``freeze``;
- ``reference``: ``case:{id}``, as the freeze action writes it.

Idempotent: a taxpayer with an open pause is left alone, so a second run adds nothing. The downgrade leaves the
pauses: they are what the freezes should have written, and lifting a freeze ends them.

Revision ID: 243aa0506a7c
Revises: a61c0e4f7d25
Create Date: 2026-12-03 07:30:00+00:00
"""

import datetime
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "243aa0506a7c"
down_revision: str | None = "a61c0e4f7d25"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RELIEFS = ("freeze", "no_interest")

case = sa.table(
    "arrears_case",
    sa.column("id", sa.BigInteger),
    sa.column("taxpayer_id", sa.BigInteger),
    sa.column("status", sa.String),
    sa.column("is_frozen", sa.Boolean),
    sa.column("as_of", sa.Date),
)
action = sa.table(
    "arrears_action",
    sa.column("id", sa.BigInteger),
    sa.column("case_id", sa.BigInteger),
    sa.column("kind", sa.String),
    sa.column("taken_on", sa.Date),
    sa.column("details", sa.JSON),
)
event = sa.table(
    "arrears_case_event",
    sa.column("id", sa.BigInteger),
    sa.column("case_id", sa.BigInteger),
    sa.column("event_on", sa.Date),
    sa.column("kind", sa.String),
    sa.column("to_value", sa.String),
)
pause = sa.table(
    "interest_pause",
    sa.column("taxpayer_id", sa.BigInteger),
    sa.column("started_on", sa.Date),
    sa.column("ended_on", sa.Date),
    sa.column("reason", sa.String),
    sa.column("reference", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _details(raw: object) -> dict[str, Any]:
    """An action's details as a dict (a JSON string on drivers that do not decode it)."""
    value = json.loads(raw) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else {}


def _freeze_action(bind: sa.Connection, case_id: int) -> tuple[datetime.date, str] | None:
    """The latest freeze (not a lifting) of the case: the day it counts from, and its relief."""
    rows = bind.execute(
        sa.select(action.c.taken_on, action.c.details)
        .where(action.c.case_id == case_id, action.c.kind == "freeze")
        .order_by(action.c.taken_on.desc(), action.c.id.desc())
    )
    for taken_on, raw in rows:
        details = _details(raw)
        if details.get("frozen") is False:
            return None  # lifted since; the case's flag is what remains
        try:
            since = datetime.date.fromisoformat(str(details["frozen_from"]))
        except (KeyError, ValueError):
            since = taken_on
        relief = str(details.get("relief", "freeze"))
        return since, relief if relief in RELIEFS else "freeze"
    return None


def upgrade() -> None:
    """Apply."""
    bind = op.get_bind()
    paused = {row[0] for row in bind.execute(sa.select(pause.c.taxpayer_id).where(pause.c.ended_on.is_(None)))}
    frozen = bind.execute(
        sa.select(case.c.id, case.c.taxpayer_id, case.c.as_of)
        .where(case.c.status == "open", case.c.is_frozen.is_(True))
        .order_by(case.c.id)
    ).all()
    for case_id, taxpayer_id, as_of in frozen:
        if taxpayer_id in paused:
            continue
        found = _freeze_action(bind, case_id)
        if found is None:
            became = bind.scalar(
                sa.select(sa.func.max(event.c.event_on)).where(
                    event.c.case_id == case_id, event.c.kind == "category", event.c.to_value == "frozen"
                )
            )
            found = (became or as_of, "freeze")
        since, reason = found
        now = datetime.datetime.now(datetime.UTC)
        bind.execute(
            sa.insert(pause).values(
                taxpayer_id=taxpayer_id,
                started_on=since,
                ended_on=None,
                reason=reason,
                reference=f"case:{case_id}",
                created_at=now,
                updated_at=now,
            )
        )
        paused.add(taxpayer_id)


def downgrade() -> None:
    """Revert: nothing (the pauses stay; see the module's docstring)."""
