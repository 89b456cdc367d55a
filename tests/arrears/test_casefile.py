"""The case page's debts with their ageing, and its one timeline, from rows made by hand."""

import datetime

from taxoffice.accounts.account import ItemLine, StatementLine
from taxoffice.arrears.casefile import aged_debts, timeline
from taxoffice.arrears.models import ArrearsAction, ArrearsCaseEvent
from taxoffice.arrears.notices import NoticeSummary

D = datetime.date


def _item(charge_id: int, due_on: datetime.date, outstanding: int, interest: int, days: int) -> ItemLine:
    return ItemLine(charge_id, "VAT", "1701", "2025-06", "tax", due_on, 10, 0, outstanding, interest, 0, interest, days)


def test_aged_debts_keep_what_is_owed_oldest_first_with_the_bucket() -> None:
    items = [
        _item(3, D(2025, 11, 20), 5_000_000, 0, 0),
        _item(1, D(2025, 7, 21), 12_000_000, 324_000, 101),
        _item(2, D(2025, 8, 20), 0, 0, 71),  # paid in full
        _item(4, D(2024, 7, 20), 0, 90_000, 466),  # only its interest is left
    ]
    debts = aged_debts(items, D(2025, 10, 30))
    assert [(d.item.charge_id, d.bucket, d.total, d.is_due) for d in debts] == [
        (4, "over-365", 90_000, True),
        (1, "91-120", 12_324_000, True),
        (3, None, 5_000_000, False),
    ]


def test_the_timeline_merges_moves_actions_notices_and_payments_newest_first() -> None:
    events = [
        ArrearsCaseEvent(
            event_on=D(2025, 8, 1), kind="opened", from_value=None, to_value="open", overdue_total=12, actor="job"
        ),
        ArrearsCaseEvent(
            event_on=D(2025, 8, 20), kind="assigned", from_value=None, to_value="7", overdue_total=12, actor="o2"
        ),
        ArrearsCaseEvent(
            event_on=D(2025, 9, 1),
            kind="stage",
            from_value="reminder",
            to_value="debt_notice",
            overdue_total=12,
            actor="job",
        ),
    ]
    actions = [ArrearsAction(kind="reminder", taken_on=D(2025, 9, 1), officer="o1", note="Gọi điện")]
    notices = [NoticeSummary(1, 1, "TTN-1", "0109000001", D(2025, 9, 2), 12, "o1")]
    lines = [
        StatementLine(D(2025, 7, 1), "payment", 5, "OLD-REF", "allocated"),  # before the case: not in its timeline
        StatementLine(D(2025, 9, 1), "payment", 7, "VCB-9", "allocated"),
        StatementLine(D(2025, 7, 20), "charge:tax", 12, "return:1", "VAT"),
    ]
    entries = timeline(events, actions, notices, lines, since=D(2025, 8, 1), officers={7: "canbo-7"})
    assert [(e.on, e.source, e.kind, e.detail) for e in entries] == [
        (D(2025, 9, 2), "notice", "debt_notice", "TTN-1"),
        (D(2025, 9, 1), "action", "reminder", "Gọi điện"),
        (D(2025, 9, 1), "move", "stage", "reminder → debt_notice"),
        (D(2025, 9, 1), "payment", "payment", "VCB-9"),
        (D(2025, 8, 20), "move", "assigned", "— → canbo-7"),
        (D(2025, 8, 1), "move", "opened", "— → open"),
    ]
