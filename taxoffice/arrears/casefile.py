"""What an officer's case page shows beyond the case itself: the debts with their ageing, and one timeline.

Pure: the case's rows and the account's statement are passed in (``WorklistService.get`` and
``AccountService.statement``); nothing here reads the database or the clock.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from taxoffice.accounts.account import ItemLine, StatementLine
from taxoffice.arrears.ageing import bucket_of
from taxoffice.arrears.models import ArrearsAction, ArrearsCaseEvent
from taxoffice.arrears.notices import NoticeSummary
from taxoffice.arrears.vocabulary import EventKind

# Order of entries on the same day: what happened to the debt first, then what the office did about it.
_SOURCE_ORDER = {"payment": 0, "move": 1, "action": 2, "notice": 3}


@dataclass(frozen=True)
class AgedDebt:
    """An account item still owed, with its ageing bucket (``None``: not overdue, or only its interest is left)."""

    item: ItemLine
    bucket: str | None
    is_due: bool
    frozen: bool = False  # a running freeze covers it (Decree 126/2020 Art. 23.3)

    @property
    def total(self) -> int:
        """Tax and interest still owed on the item, to the day."""
        return self.item.outstanding + self.item.interest_outstanding


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a case.

    Attributes:
        on: the day.
        source: ``action`` (recorded by an officer), ``move`` (a stage, bucket, category or status change),
            ``notice`` (a debt notice issued) or ``payment`` (money received on the taxpayer's account).
        kind: the action's kind, the move's kind, ``debt_notice`` or ``payment``.
        detail: the action's note, the move's ``from → to``, the notice's number, the payment's bank reference.
        amount: money involved (the debt after a move, the notice's total, the payment), if any.
        actor: who did it (an officer, a job), if known.
    """

    on: datetime.date
    source: str
    kind: str
    detail: str
    amount: int | None
    actor: str


def aged_debts(
    items: Iterable[ItemLine], today: datetime.date, frozen: frozenset[int] | None = frozenset()
) -> list[AgedDebt]:
    """The items still owed (tax or interest), oldest due first, each with its ageing bucket and whether it is due.

    Each says too whether a running freeze covers it (``frozen``: the charges covered; None: every charge).
    """
    owed = [i for i in items if i.outstanding > 0 or i.interest_outstanding > 0]
    aged = [
        AgedDebt(
            i,
            b.value if (b := bucket_of(i.days_overdue)) else None,
            i.due_on < today,
            frozen is None or i.charge_id in frozen,
        )
        for i in owed
    ]
    return sorted(aged, key=lambda d: (d.item.due_on, d.item.charge_id))


def _move(event: ArrearsCaseEvent, officers: Mapping[int, str]) -> TimelineEntry:
    ends = [event.from_value, event.to_value]
    if event.kind == EventKind.ASSIGNED:  # officers are stored by id
        ends = [officers.get(int(e), e) if e and e.isdigit() else e for e in ends]
    change = f"{ends[0] or '—'} → {ends[1] or '—'}"
    return TimelineEntry(event.event_on, "move", event.kind, change, event.overdue_total, event.actor)


def _action(action: ArrearsAction) -> TimelineEntry:
    return TimelineEntry(action.taken_on, "action", action.kind, action.note, None, action.officer)


def _notice(notice: NoticeSummary) -> TimelineEntry:
    return TimelineEntry(notice.issued_on, "notice", "debt_notice", notice.number, notice.total, notice.issued_by)


def timeline(
    events: Iterable[ArrearsCaseEvent],
    actions: Iterable[ArrearsAction],
    notices: Iterable[NoticeSummary],
    lines: Iterable[StatementLine],
    since: datetime.date,
    officers: Mapping[int, str] | None = None,
) -> list[TimelineEntry]:
    """The case's moves, actions and notices, and the account's payments from ``since`` on, newest first.

    ``officers`` names the officers a case was assigned to (by user id); an id not in it is shown as it is.
    """
    entries = [
        *(_move(e, officers or {}) for e in events),
        *(_action(a) for a in actions),
        *(_notice(n) for n in notices),
        *(
            TimelineEntry(line.on, "payment", "payment", line.reference, line.amount, "")
            for line in lines
            if line.entry == "payment" and line.on >= since
        ),
    ]
    return sorted(entries, key=lambda e: (e.on, _SOURCE_ORDER[e.source]), reverse=True)
