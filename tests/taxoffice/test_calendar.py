"""Working days and deadline shifting, with DOMAIN.md §3's examples."""

import datetime

from taxoffice.calendar import WorkingCalendar

D = datetime.date


def test_domain_deadline_examples() -> None:
    calendar = WorkingCalendar()
    # VAT for 07/2024: Tue 20 Aug 2024 stays.
    assert calendar.next_working_day(D(2024, 8, 20)) == D(2024, 8, 20)
    # VAT for 03/2025: Sun 20 Apr 2025 → Mon 21 Apr 2025.
    assert calendar.next_working_day(D(2025, 4, 20)) == D(2025, 4, 21)
    # VAT Q4/2024: Fri 31 Jan 2025 is inside Tết → Mon 3 Feb 2025.
    assert calendar.next_working_day(D(2025, 1, 31)) == D(2025, 2, 3)


def test_add_working_days() -> None:
    calendar = WorkingCalendar()
    assert calendar.add_working_days(D(2026, 11, 13), 1) == D(2026, 11, 16)
    assert calendar.add_working_days(D(2026, 11, 13), 0) == D(2026, 11, 13)
    # 2 Sep 2025 (National Day) and 1 Sep are holidays.
    assert calendar.add_working_days(D(2025, 8, 29), 1) == D(2025, 9, 3)


def test_overrides_both_ways() -> None:
    worked_saturday = WorkingCalendar({D(2025, 4, 26): False})
    assert worked_saturday.is_working_day(D(2025, 4, 26))
    assert not WorkingCalendar().is_working_day(D(2025, 4, 26))
    extra = WorkingCalendar({D(2026, 11, 16): True})
    assert not extra.is_working_day(D(2026, 11, 16))
    assert extra.next_working_day(D(2026, 11, 14)) == D(2026, 11, 17)
    worked_holiday = WorkingCalendar({D(2025, 9, 1): False})
    assert worked_holiday.is_working_day(D(2025, 9, 1))


def test_holiday_names() -> None:
    calendar = WorkingCalendar()
    assert (D(2025, 1, 29), "Lunar New Year") in calendar.holidays_in(2025)
