"""Periods and deadlines, property by property: labels read back, periods tile the calendar, and a deadline is
never before the period ends and always on a working day, whatever the holidays."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from filings.periods import (
    MAX_YEAR,
    DeadlineRule,
    Period,
    PeriodKind,
    days_late,
    effective_deadline,
    nominal_deadline,
    parse_htkk_period,
    parse_period,
    periods_in_year,
)
from taxoffice.calendar import SATURDAY, WorkingCalendar

ONE_DAY = datetime.timedelta(days=1)
_LAST = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}


@st.composite
def periods(draw: st.DrawFn, *, max_year: int = MAX_YEAR) -> Period:
    kind = draw(st.sampled_from(PeriodKind))
    return Period(draw(st.integers(2000, max_year)), kind, draw(st.integers(1, _LAST[kind])))


# Days off near a deadline: any set of the 60 days after the nominal one (a long Tết, a run of overrides).
days_off = st.sets(st.integers(0, 59), max_size=40)
dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2101, 12, 31))


@given(periods())
def test_labels_read_back(period: Period) -> None:
    assert parse_period(period.label) == period
    assert parse_period(f" {period.label.lower()} ") == period
    assert parse_htkk_period(period.kind.value, period.htkk) == period
    assert str(period) == period.label


@given(periods(max_year=MAX_YEAR - 1))
def test_periods_tile_the_calendar(period: Period) -> None:
    following = period.next()
    assert period.start <= period.end
    assert following.start == period.end + ONE_DAY
    assert following.previous() == period
    assert period in periods_in_year(period.kind, period.year)


@given(periods(), st.sampled_from(DeadlineRule), days_off)
def test_a_deadline_is_after_the_period_and_on_the_first_working_day(
    period: Period, rule: DeadlineRule, off: set[int]
) -> None:
    nominal = nominal_deadline(rule, period)
    holidays = {nominal + datetime.timedelta(days=n) for n in off}

    def is_working_day(day: datetime.date) -> bool:
        return day.weekday() < SATURDAY and day not in holidays

    due = effective_deadline(rule, period, is_working_day)
    assert nominal > period.end
    assert due >= nominal
    assert is_working_day(due)
    assert not any(is_working_day(nominal + n * ONE_DAY) for n in range((due - nominal).days))


@given(periods(), st.sampled_from(DeadlineRule), days_off)
def test_the_office_calendar_with_any_overrides_gives_a_working_day(
    period: Period, rule: DeadlineRule, off: set[int]
) -> None:
    nominal = nominal_deadline(rule, period)
    calendar = WorkingCalendar({nominal + datetime.timedelta(days=n): True for n in off})
    due = effective_deadline(rule, period, calendar.is_working_day)
    assert period.end < nominal <= due
    assert calendar.is_working_day(due)
    assert calendar.next_working_day(nominal) == due


@given(dates, dates)
def test_days_late_counts_only_days_after_the_deadline(received: datetime.date, due: datetime.date) -> None:
    late = days_late(received, due)
    assert late >= 0
    assert (late == 0) == (received <= due)
    assert late == 0 or received == due + late * ONE_DAY
