"""The demo plan: on every day of a year, every date the demo uses lies in the past and follows the rules."""

import datetime

import pytest

from filings import demo_plan
from filings.demo_plan import working_day_on_or_after
from filings.periods import parse_period
from taxoffice.calendar import WorkingCalendar

CALENDAR = WorkingCalendar()
DAY = datetime.timedelta(days=1)


def _days(year: int) -> list[datetime.date]:
    first = datetime.date(year, 1, 1)
    return [first + DAY * n for n in range((datetime.date(year + 1, 1, 1) - first).days)]


def _check(plan: demo_plan.DemoPlan) -> None:
    today, working = plan.today, CALENDAR.is_working_day
    assert all(parse_period(label).end < today for label in plan.periods)
    for row in plan.filings:
        assert [p.period for p in row] == plan.periods
        for p in row:
            nominal = parse_period(p.period).end + datetime.timedelta(days=20)  # the 20th of the next month
            assert working(p.due_on), p
            assert nominal <= p.due_on < nominal + datetime.timedelta(days=12), p
            if p.received_on is None:
                assert p.paid_on is None, p
                continue
            assert parse_period(p.period).end < p.received_on < today, p
            if p.paid_on is not None:
                assert working(p.paid_on), p
                assert p.received_on <= p.paid_on < today, p
    for day in [*plan.applications, *plan.unmatched]:
        assert working(day)
        assert day < today


def _check_demo_login(plan: demo_plan.DemoPlan) -> None:
    login = plan.filings[0]
    assert login[-1].received_on is None  # the latest month is left for the taxpayer to file
    filed = [p for p in login if p.received_on is not None]
    assert len(filed) == len(plan.periods) - 1
    late = [p for p in filed if p.received_on is not None and p.received_on > p.due_on]
    if len(plan.periods) > demo_plan.LATE_MONTHS_BACK + demo_plan.UNPAID_PERIODS:
        # one return a year before the latest is nine days late (its fine decided and paid), the others on time
        assert [p.period for p in late] == [plan.periods[-1 - demo_plan.LATE_MONTHS_BACK]]
        assert late[0].received_on == late[0].due_on + demo_plan.LATE_DAYS * DAY
        assert late[0].paid_on == working_day_on_or_after(late[0].received_on, CALENDAR.is_working_day)
    else:
        assert late == []
    overdue = [p for p in filed if p.paid_on is None]
    assert len(overdue) == demo_plan.UNPAID_PERIODS
    assert all(p.due_on < plan.today for p in overdue)  # a debt past its deadline


@pytest.mark.parametrize("year", [2026, 2028])  # 2028: a leap year
def test_every_day_of_a_year(year: int) -> None:
    late_returns = late_payments = 0
    for today in _days(year):
        plan = demo_plan.plan(today, filers=12, months=24, seed=2026, is_working_day=CALENDAR.is_working_day)
        assert len(plan.periods) == 24
        _check(plan)
        _check_demo_login(plan)
        rows = [p for row in plan.filings for p in row]
        late_returns += any(p.received_on and p.received_on > p.due_on for p in rows)
        late_payments += any(p.paid_on and p.paid_on > p.due_on for p in rows)
    assert late_returns == late_payments == len(_days(year))  # every day's demo has some of each


def test_the_plan_is_a_function_of_the_day() -> None:
    day = datetime.date(2026, 2, 17)  # Tết
    first = demo_plan.plan(day, filers=5, months=3, seed=1, is_working_day=CALENDAR.is_working_day)
    again = demo_plan.plan(day, filers=5, months=3, seed=1, is_working_day=CALENDAR.is_working_day)
    assert first == again
    assert first.periods == ["2025-11", "2025-12", "2026-01"]
    # January's deadline, the 20th of February, falls in the Tết holiday (16 to 20 February 2026): the 23rd it is.
    assert first.filings[0][-1].due_on == datetime.date(2026, 2, 23)
    assert first.applications[-1] == datetime.date(2026, 2, 13)  # the last working day before Tết


def test_on_the_first_of_a_month_the_month_just_ended_is_not_filed_yet() -> None:
    plan = demo_plan.plan(
        datetime.date(2026, 6, 1), filers=30, months=2, seed=3, is_working_day=CALENDAR.is_working_day
    )
    assert all(row[-1].received_on is None for row in plan.filings)  # May ended yesterday: nothing received today
