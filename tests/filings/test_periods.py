"""Periods, deadline rules and lateness, with DOMAIN.md §3's examples."""

import datetime

import pytest

from filings.periods import (
    DeadlineRule,
    Period,
    PeriodError,
    PeriodKind,
    days_late,
    effective_deadline,
    nominal_deadline,
    parse_htkk_period,
    parse_period,
    periods_in_year,
)
from taxoffice.calendar import WorkingCalendar

D = datetime.date
M, Q, Y = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("period", "start", "end", "label", "htkk"),
    [
        (Period(2026, M, 10), D(2026, 10, 1), D(2026, 10, 31), "2026-10", "10/2026"),
        (Period(2024, M, 2), D(2024, 2, 1), D(2024, 2, 29), "2024-02", "02/2024"),
        (Period(2025, M, 2), D(2025, 2, 1), D(2025, 2, 28), "2025-02", "02/2025"),
        (Period(2026, Q, 3), D(2026, 7, 1), D(2026, 9, 30), "2026-Q3", "3/2026"),
        (Period(2026, Q, 1), D(2026, 1, 1), D(2026, 3, 31), "2026-Q1", "1/2026"),
        (Period(2026, Y, 1), D(2026, 1, 1), D(2026, 12, 31), "2026", "2026"),
    ],
)
def test_bounds_and_labels(period: Period, start: datetime.date, end: datetime.date, label: str, htkk: str) -> None:
    assert period.start == start
    assert period.end == end
    assert period.label == label == str(period)
    assert period.htkk == htkk
    assert parse_period(label) == period
    assert parse_htkk_period(period.kind.value, htkk) == period


def test_previous_and_next_wrap_years() -> None:
    assert Period(2026, M, 1).previous() == Period(2025, M, 12)
    assert Period(2025, M, 12).next() == Period(2026, M, 1)
    assert Period(2026, M, 5).previous() == Period(2026, M, 4)
    assert Period(2026, Q, 1).previous() == Period(2025, Q, 4)
    assert Period(2025, Q, 4).next() == Period(2026, Q, 1)
    assert Period(2026, Q, 2).next() == Period(2026, Q, 3)
    assert Period(2026, Y, 1).previous() == Period(2025, Y, 1)
    assert Period(2026, Y, 1).next() == Period(2027, Y, 1)
    with pytest.raises(PeriodError, match="out of range"):
        Period(2000, M, 1).previous()


def test_periods_in_year_and_order() -> None:
    months = periods_in_year(M, 2026)
    assert [p.label for p in months][:3] == ["2026-01", "2026-02", "2026-03"]
    assert len(months) == 12
    assert months == sorted(months)
    assert [p.label for p in periods_in_year(Q, 2026)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert periods_in_year(Y, 2026) == [Period(2026, Y, 1)]
    assert Period(2025, M, 12) < Period(2026, M, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10", Period(2026, M, 10)),
        (" 2026-01 ", Period(2026, M, 1)),
        ("2026-Q3", Period(2026, Q, 3)),
        ("2026-q4", Period(2026, Q, 4)),
        ("2026", Period(2026, Y, 1)),
        ("2000", Period(2000, Y, 1)),
        ("2100-12", Period(2100, M, 12)),
    ],
)
def test_parse_period_good(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "month 13 is out of range 1-12"),
        ("2026-00", "month 0 is out of range 1-12"),
        ("2026-Q5", "quarter 5 is out of range 1-4"),
        ("2026-Q0", "quarter 0 is out of range 1-4"),
        ("1999", "year 1999 is out of range 2000-2100"),
        ("2101-01", "year 2101 is out of range 2000-2100"),
        ("2026-1", "is not a period"),
        ("26-10", "is not a period"),
        ("10/2026", "is not a period"),
        ("", "is not a period"),
        ("2026-10-01", "is not a period"),
        ("\uff12\uff10\uff12\uff16", "is not a period"),  # full-width digits
        ("garbage", "is not a period"),
    ],
)
def test_parse_period_bad(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_period_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a period"):
        parse_period("soon")
    with pytest.raises(PeriodError, match="number 1"):
        Period(2026, Y, 2)
    with pytest.raises(PeriodError, match="unknown period kind"):
        Period(2026, "W", 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kieu_ky", "ky_kkhai", "expected"),
    [
        ("M", "07/2024", Period(2024, M, 7)),
        ("M", "7/2024", Period(2024, M, 7)),
        ("m", " 12/2025 ", Period(2025, M, 12)),
        ("Q", "3/2026", Period(2026, Q, 3)),
        ("Q", "04/2026", Period(2026, Q, 4)),
        ("Y", "2024", Period(2024, Y, 1)),
    ],
)
def test_parse_htkk_period_good(kieu_ky: str, ky_kkhai: str, expected: Period) -> None:
    assert parse_htkk_period(kieu_ky, ky_kkhai) == expected


@pytest.mark.parametrize(
    ("kieu_ky", "ky_kkhai", "message"),
    [
        ("M", "13/2026", "month 13 is out of range"),
        ("Q", "5/2026", "quarter 5 is out of range"),
        ("M", "2026-07", r"not a month \(MM/YYYY\)"),
        ("Q", "Q3/2026", r"not a quarter \(q/YYYY\)"),
        ("Y", "07/2026", r"not a year \(YYYY\)"),
        ("Y", "1999", "year 1999 is out of range"),
        ("K", "07/2026", "not a period kind"),
        ("", "07/2026", "not a period kind"),
    ],
)
def test_parse_htkk_period_bad(kieu_ky: str, ky_kkhai: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_htkk_period(kieu_ky, ky_kkhai)


@pytest.mark.parametrize(
    ("rule", "period", "nominal"),
    [
        # 20th of the next month, across a year end.
        (DeadlineRule.MONTHLY_20TH, Period(2024, M, 7), D(2024, 8, 20)),
        (DeadlineRule.MONTHLY_20TH, Period(2025, M, 12), D(2026, 1, 20)),
        # Last day of the first month of the next quarter.
        (DeadlineRule.QUARTER_END_OF_FIRST_MONTH, Period(2024, Q, 4), D(2025, 1, 31)),
        (DeadlineRule.QUARTER_END_OF_FIRST_MONTH, Period(2026, Q, 1), D(2026, 4, 30)),
        (DeadlineRule.QUARTER_END_OF_FIRST_MONTH, Period(2026, Q, 2), D(2026, 7, 31)),
        # 30th of the first month of the next quarter (provisional CIT).
        (DeadlineRule.QUARTER_30TH, Period(2026, Q, 1), D(2026, 4, 30)),
        (DeadlineRule.QUARTER_30TH, Period(2026, Q, 2), D(2026, 7, 30)),
        (DeadlineRule.QUARTER_30TH, Period(2025, Q, 4), D(2026, 1, 30)),
        # ... a month period whose next month is February: its last day.
        (DeadlineRule.QUARTER_30TH, Period(2026, M, 1), D(2026, 2, 28)),
        # Last day of the 3rd / 4th month after the year, leap year or not.
        (DeadlineRule.YEAR_END_OF_THIRD_MONTH, Period(2024, Y, 1), D(2025, 3, 31)),
        (DeadlineRule.YEAR_END_OF_FOURTH_MONTH, Period(2024, Y, 1), D(2025, 4, 30)),
        (DeadlineRule.YEAR_END_OF_FOURTH_MONTH, Period(2027, Y, 1), D(2028, 4, 30)),
    ],
)
def test_nominal_deadlines(rule: DeadlineRule, period: Period, nominal: datetime.date) -> None:
    assert nominal_deadline(rule, period) == nominal


def test_deadline_rule_values_are_stable() -> None:
    assert {r.value for r in DeadlineRule} == {
        "monthly-20th",
        "quarter-first-month-end",
        "year-third-month-end",
        "year-fourth-month-end",
        "quarter-30th",
    }
    assert DeadlineRule("monthly-20th") is DeadlineRule.MONTHLY_20TH


def test_domain_examples(calendar: WorkingCalendar) -> None:
    working = calendar.is_working_day
    # VAT 07/2024: Tue 20 Aug 2024 is a working day.
    assert effective_deadline(DeadlineRule.MONTHLY_20TH, parse_period("2024-07"), working) == D(2024, 8, 20)
    # VAT 03/2025: nominally Sun 20 Apr 2025 → Mon 21 Apr 2025.
    assert nominal_deadline(DeadlineRule.MONTHLY_20TH, parse_period("2025-03")) == D(2025, 4, 20)
    assert effective_deadline(DeadlineRule.MONTHLY_20TH, parse_period("2025-03"), working) == D(2025, 4, 21)
    # VAT Q4/2024: nominally Fri 31 Jan 2025, inside Tết → Mon 3 Feb 2025.
    q4 = parse_period("2024-Q4")
    assert effective_deadline(DeadlineRule.QUARTER_END_OF_FIRST_MONTH, q4, working) == D(2025, 2, 3)
    # CIT 2024 annual: Mon 31 Mar 2025 stays.
    assert effective_deadline(DeadlineRule.YEAR_END_OF_THIRD_MONTH, parse_period("2024"), working) == D(2025, 3, 31)


def test_effective_deadline_uses_the_callers_calendar() -> None:
    # An office override declaring 20 Aug 2024 a day off moves the deadline to Wednesday.
    calendar = WorkingCalendar({D(2024, 8, 20): True})
    assert effective_deadline(DeadlineRule.MONTHLY_20TH, Period(2024, M, 7), calendar.is_working_day) == D(2024, 8, 21)
    with pytest.raises(ValueError, match="no working day"):
        effective_deadline(DeadlineRule.MONTHLY_20TH, Period(2024, M, 7), lambda _day: False)


@pytest.mark.parametrize(
    ("received", "due", "late"),
    [
        (D(2024, 8, 19), D(2024, 8, 20), 0),
        (D(2024, 8, 20), D(2024, 8, 20), 0),
        (D(2024, 8, 21), D(2024, 8, 20), 1),
        (D(2024, 9, 20), D(2024, 8, 20), 31),
        (D(2026, 3, 10), D(2026, 2, 23), 15),
    ],
)
def test_days_late(received: datetime.date, due: datetime.date, late: int) -> None:
    assert days_late(received, due) == late
