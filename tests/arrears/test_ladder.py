"""The action ladder (DOMAIN.md §8): stage boundaries, proposals with due days, monthly notices, stalled cases."""

import datetime

import pytest

from taxoffice.arrears.ageing import days_overdue
from taxoffice.arrears.ladder import (
    RULES,
    ActionKind,
    LadderRules,
    Proposal,
    Stage,
    TakenAction,
    due_actions,
    is_stalled,
    next_action,
    on_public_list,
    rules_on,
    stage_of,
    working_days_late,
)
from taxoffice.calendar import WorkingCalendar

D = datetime.date
K = ActionKind
DUE = D(2025, 7, 31)  # first overdue day 1 Aug 2025; day 31 = 31 Aug, 61 = 30 Sep, 91 = 30 Oct, 121 = 29 Nov


def days_on(on: datetime.date) -> int:
    return days_overdue(DUE, on)


def take(*actions: tuple[ActionKind, datetime.date]) -> list[TakenAction]:
    return [TakenAction(kind, on) for kind, on in actions]


@pytest.mark.parametrize(
    ("on", "kind"),
    [
        (D(2025, 7, 31), None),
        (D(2025, 8, 1), K.REMINDER),
        (D(2025, 8, 30), K.REMINDER),
        (D(2025, 8, 31), K.DEBT_NOTICE),
        (D(2025, 9, 29), K.DEBT_NOTICE),
        (D(2025, 9, 30), K.WARNING_LETTER),
        (D(2025, 10, 29), K.WARNING_LETTER),
        (D(2025, 10, 30), K.ENFORCEMENT),
        (D(2025, 11, 28), K.ENFORCEMENT),
        (D(2025, 11, 29), K.INVOICE_INVALIDATION),
    ],
)
def test_stage_boundaries(on: datetime.date, kind: ActionKind | None) -> None:
    stage = stage_of(days_on(on), on)
    assert (stage.kind if stage else None) is kind


def test_public_list_is_more_than_90_days() -> None:
    assert not on_public_list(days_on(D(2025, 10, 29)), D(2025, 10, 29))  # 90 days
    assert on_public_list(days_on(D(2025, 10, 30)), D(2025, 10, 30))  # 91 days


def test_not_overdue_proposes_nothing() -> None:
    assert next_action(0, D(2025, 7, 31), []) is None
    assert due_actions(0, D(2025, 7, 31), []) == ()


def test_first_day_reminder_then_what_comes() -> None:
    on = D(2025, 8, 1)
    assert due_actions(days_on(on), on, []) == (
        Proposal(K.REMINDER, D(2025, 8, 1), 1),
        Proposal(K.DEBT_NOTICE, D(2025, 8, 31), 31),
        Proposal(K.WARNING_LETTER, D(2025, 9, 30), 61),
    )


def test_after_the_reminder_the_notice_is_next_on_day_31() -> None:
    taken = take((K.REMINDER, D(2025, 8, 4)))
    on = D(2025, 8, 30)  # day 30
    assert next_action(days_on(on), on, taken) == Proposal(K.DEBT_NOTICE, D(2025, 8, 31), 31)
    on = D(2025, 8, 31)  # day 31: due today
    assert next_action(days_on(on), on, taken) == Proposal(K.DEBT_NOTICE, D(2025, 8, 31), 31)


def test_notice_repeats_a_month_after_the_last_one() -> None:
    taken = take((K.REMINDER, D(2025, 8, 4)), (K.DEBT_NOTICE, D(2025, 9, 2)))
    on = D(2025, 9, 15)
    assert due_actions(days_on(on), on, taken) == (
        Proposal(K.WARNING_LETTER, D(2025, 9, 30), 61),
        Proposal(K.DEBT_NOTICE, D(2025, 10, 2), 31),
    )
    taken += take((K.DEBT_NOTICE, D(2025, 10, 2)), (K.WARNING_LETTER, D(2025, 10, 1)))
    on = D(2025, 10, 20)
    assert due_actions(days_on(on), on, taken) == (
        Proposal(K.ENFORCEMENT, D(2025, 10, 30), 91),
        Proposal(K.DEBT_NOTICE, D(2025, 11, 2), 31),
    )
    # A notice sent on 31 Oct falls due again on 30 Nov (the month is shorter).
    taken += take((K.DEBT_NOTICE, D(2025, 10, 31)))
    on = D(2025, 11, 5)
    assert D(2025, 11, 30) in [p.due_on for p in due_actions(days_on(on), on, taken) if p.kind is K.DEBT_NOTICE]


def test_warning_letter_from_day_61() -> None:
    taken = take((K.REMINDER, D(2025, 8, 4)), (K.DEBT_NOTICE, D(2025, 9, 2)))
    on = D(2025, 9, 29)  # day 60: the letter is ahead
    assert next_action(days_on(on), on, taken) == Proposal(K.WARNING_LETTER, D(2025, 9, 30), 61)
    on = D(2025, 9, 30)  # day 61
    assert next_action(days_on(on), on, taken) == Proposal(K.WARNING_LETTER, D(2025, 9, 30), 61)


def test_enforcement_from_day_91_and_bank_deduction_counts() -> None:
    taken = take(
        (K.REMINDER, D(2025, 8, 4)),
        (K.DEBT_NOTICE, D(2025, 9, 2)),
        (K.WARNING_LETTER, D(2025, 10, 1)),
        (K.DEBT_NOTICE, D(2025, 10, 2)),
    )
    on = D(2025, 10, 29)  # day 90
    assert next_action(days_on(on), on, taken) == Proposal(K.ENFORCEMENT, D(2025, 10, 30), 91)
    on = D(2025, 10, 30)  # day 91
    assert next_action(days_on(on), on, taken) == Proposal(K.ENFORCEMENT, D(2025, 10, 30), 91)
    for kind in (K.BANK_DEDUCTION, K.ACCOUNT_FREEZE, K.ENFORCEMENT):
        done = [*taken, TakenAction(kind, D(2025, 10, 31))]
        on = D(2025, 11, 1)
        assert due_actions(days_on(on), on, done) == (
            Proposal(K.DEBT_NOTICE, D(2025, 11, 2), 31),
            Proposal(K.INVOICE_INVALIDATION, D(2025, 11, 29), 121),
        )


def test_invoice_invalidation_from_day_121() -> None:
    taken = take((K.BANK_DEDUCTION, D(2025, 10, 31)), (K.DEBT_NOTICE, D(2025, 11, 25)))
    on = D(2025, 11, 28)  # day 120
    assert next_action(days_on(on), on, taken) == Proposal(K.INVOICE_INVALIDATION, D(2025, 11, 29), 121)
    on = D(2025, 11, 29)  # day 121
    assert next_action(days_on(on), on, taken) == Proposal(K.INVOICE_INVALIDATION, D(2025, 11, 29), 121)
    done = [*taken, TakenAction(K.INVOICE_SUSPENSION, D(2025, 12, 1))]
    on = D(2025, 12, 2)
    # Every one-off step is done: only the monthly notice remains.
    assert due_actions(days_on(on), on, done) == (Proposal(K.DEBT_NOTICE, D(2025, 12, 25), 31),)


def test_missed_steps_are_superseded_by_the_stage_reached() -> None:
    on = D(2025, 11, 3)  # day 95, nothing ever done
    assert due_actions(days_on(on), on, []) == (
        Proposal(K.DEBT_NOTICE, D(2025, 8, 31), 31),
        Proposal(K.ENFORCEMENT, D(2025, 10, 30), 91),
        Proposal(K.INVOICE_INVALIDATION, D(2025, 11, 29), 121),
    )


def test_a_later_step_taken_early_counts_for_the_earlier_ones() -> None:
    taken = take((K.WARNING_LETTER, D(2025, 8, 10)))
    on = D(2025, 8, 12)  # day 12: no reminder needed any more, the letter is out
    assert due_actions(days_on(on), on, taken) == (
        Proposal(K.DEBT_NOTICE, D(2025, 8, 31), 31),
        Proposal(K.ENFORCEMENT, D(2025, 10, 30), 91),
    )


def test_actions_outside_the_current_spell_do_not_count() -> None:
    on = D(2025, 8, 5)
    before = take((K.REMINDER, D(2025, 7, 20)))  # an earlier debt's reminder
    after = take((K.REMINDER, D(2025, 8, 6)))  # recorded with a future date
    for taken in (before, after):
        assert next_action(days_on(on), on, taken) == Proposal(K.REMINDER, D(2025, 8, 1), 1)
    # Other recordable kinds are not ladder actions.
    notes = take((K.NOTE, D(2025, 8, 2)), (K.FREEZE, D(2025, 8, 2)), (K.INSTALMENT_PLAN, D(2025, 8, 3)))
    assert next_action(days_on(on), on, notes) == Proposal(K.REMINDER, D(2025, 8, 1), 1)


def test_ladder_resumes_after_a_missed_instalment() -> None:
    taken = take((K.REMINDER, D(2025, 8, 4)), (K.DEBT_NOTICE, D(2025, 9, 2)), (K.WARNING_LETTER, D(2025, 10, 1)))
    resumed = D(2026, 1, 16)  # the instalment due 15 Jan 2026 was missed
    on = D(2026, 1, 20)
    assert due_actions(days_on(on), on, taken, not_before=resumed) == (
        Proposal(K.INVOICE_INVALIDATION, resumed, 121),
        Proposal(K.DEBT_NOTICE, resumed, 31),
    )
    # Without it every step would be weeks late already.
    assert next_action(days_on(on), on, taken) == Proposal(K.DEBT_NOTICE, D(2025, 10, 2), 31)


def test_stalled_across_a_holiday() -> None:
    # The first notice falls due Sunday 31 Aug 2025; 1 and 2 Sep are National Day holidays.
    is_working_day = WorkingCalendar().is_working_day
    taken = take((K.REMINDER, D(2025, 8, 4)))
    on = D(2025, 9, 9)
    proposal = next_action(days_on(on), on, taken)
    assert proposal == Proposal(K.DEBT_NOTICE, D(2025, 8, 31), 31)
    # 3, 4, 5, 8, 9 Sep: five working days late on Tuesday 9 Sep, nine calendar days: not yet stalled.
    assert working_days_late(proposal.due_on, on, is_working_day) == 5
    assert not is_stalled(proposal, on, is_working_day)
    on = D(2025, 9, 10)
    proposal = next_action(days_on(on), on, taken)
    assert working_days_late(proposal.due_on if proposal else on, on, is_working_day) == 6
    assert is_stalled(proposal, on, is_working_day)


def test_stalled_across_a_weekend_with_a_working_saturday() -> None:
    proposal = Proposal(K.WARNING_LETTER, D(2025, 10, 3), 61)  # Friday
    plain = WorkingCalendar().is_working_day
    assert not is_stalled(proposal, D(2025, 10, 10), plain)  # 6, 7, 8, 9, 10 Oct
    assert is_stalled(proposal, D(2025, 10, 13), plain)  # the 6th working day, Monday
    assert not is_stalled(proposal, D(2025, 10, 12), plain)  # Sunday adds nothing
    saturday = WorkingCalendar({D(2025, 10, 11): False}).is_working_day  # a compensatory working Saturday
    assert is_stalled(proposal, D(2025, 10, 11), saturday)
    assert not is_stalled(None, D(2025, 10, 13), plain)
    assert not is_stalled(proposal, D(2025, 10, 1), plain)  # not due yet


def test_working_days_late_stops_counting_past_the_limit() -> None:
    seen: list[datetime.date] = []

    def every_day(day: datetime.date) -> bool:
        seen.append(day)
        return True

    assert working_days_late(D(2020, 1, 1), D(2025, 1, 1), every_day, limit=5) == 6
    assert len(seen) == 6


TEST_RULES = (
    RULES[0],
    LadderRules(
        valid_from=D(2026, 1, 1),
        stages=(Stage(K.REMINDER, 1), Stage(K.DEBT_NOTICE, 15, repeat_months=2), Stage(K.ENFORCEMENT, 45)),
        stall_after_working_days=2,
        publish_over_days=45,
    ),
)


def test_rules_are_dated() -> None:
    assert rules_on(D(2025, 12, 31), TEST_RULES) is RULES[0]
    assert rules_on(D(2026, 1, 1), TEST_RULES) is TEST_RULES[1]
    with pytest.raises(LookupError, match="2020-06-30"):
        rules_on(D(2020, 6, 30))
    due = D(2025, 12, 1)
    on = D(2026, 1, 20)  # 50 days: under the new table enforcement has started and the debtor is published
    days = days_overdue(due, on)
    stage = stage_of(days, on, TEST_RULES)
    assert stage is not None
    assert stage.kind is K.ENFORCEMENT
    assert on_public_list(days, on, TEST_RULES)
    assert not on_public_list(days, on)
    taken = take((K.DEBT_NOTICE, D(2025, 12, 20)))
    assert due_actions(days, on, taken, rules=TEST_RULES) == (
        Proposal(K.ENFORCEMENT, D(2026, 1, 15), 45),
        Proposal(K.DEBT_NOTICE, D(2026, 2, 20), 15),
    )
    # Three working days late (16, 19, 20 Jan) is stalled under a 2-day grace.
    proposal = next_action(days, on, taken, rules=TEST_RULES)
    assert is_stalled(proposal, on, WorkingCalendar().is_working_day, TEST_RULES)
    assert not is_stalled(proposal, on, WorkingCalendar().is_working_day)


@pytest.mark.parametrize(
    "stages",
    [
        (),
        (Stage(K.REMINDER, 0),),
        (Stage(K.REMINDER, 1), Stage(K.DEBT_NOTICE, 1)),
        (Stage(K.DEBT_NOTICE, 31), Stage(K.REMINDER, 1)),
        (Stage(K.DEBT_NOTICE, 31, repeat_months=-1),),
    ],
)
def test_invalid_ladders_are_refused(stages: tuple[Stage, ...]) -> None:
    with pytest.raises(ValueError, match="ladder rules from 2026-01-01"):
        LadderRules(valid_from=D(2026, 1, 1), stages=stages)


def test_negative_grace_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        LadderRules(valid_from=D(2026, 1, 1), stages=(Stage(K.REMINDER, 1),), stall_after_working_days=-1)
