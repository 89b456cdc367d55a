"""Payment extensions: the yearly decrees' extended dates (as the decrees state them) and Art. 62's limits."""

import datetime

import pytest

from taxoffice.accounts.extensions import (
    DECREES,
    Beneficiary,
    decree,
    extended_due,
    latest_case_extension,
    pause_of,
    request_is_late,
)
from taxoffice.accounts.interest import Pause

D = datetime.date
E, H = Beneficiary.ENTERPRISE, Beneficiary.HOUSEHOLD


def test_the_decrees_known() -> None:
    assert [item.number for item in DECREES] == [
        "52/2021/NĐ-CP",
        "34/2022/NĐ-CP",
        "12/2023/NĐ-CP",
        "64/2024/NĐ-CP",
        "82/2025/NĐ-CP",
    ]
    assert decree("12/2023").signed_on == D(2023, 4, 14)
    with pytest.raises(KeyError):
        decree("41/2020")


@pytest.mark.parametrize(
    ("number", "period", "due_on", "extended"),
    [
        # Decree 12/2023 Art. 4.1: March 2023 by 20 Oct, April by 20 Nov, May-August by 20 Dec, Q1 by 31 Oct,
        # Q2 by 31 Dec 2023.
        ("12/2023", "2023-03", D(2023, 4, 20), D(2023, 10, 20)),
        ("12/2023", "2023-04", D(2023, 5, 22), D(2023, 11, 20)),
        ("12/2023", "2023-08", D(2023, 9, 20), D(2023, 12, 20)),
        ("12/2023", "2023-Q1", D(2023, 5, 4), D(2023, 10, 31)),
        ("12/2023", "2023-Q2", D(2023, 7, 31), D(2023, 12, 31)),
        # Decree 52/2021: 5 months for March-June and the first two quarters (March 2021: 20 Sep 2021).
        ("52/2021", "2021-03", D(2021, 4, 20), D(2021, 9, 20)),
        ("52/2021", "2021-Q1", D(2021, 5, 4), D(2021, 9, 30)),
        # Decree 34/2022: Q1 2022 by 30 Oct 2022.
        ("34/2022", "2022-Q1", D(2022, 5, 4), D(2022, 10, 30)),
        # Decree 64/2024: May 2024 by 20 Nov, June-September by 20 Dec, Q2 and Q3 by 31 Dec 2024.
        ("64/2024", "2024-05", D(2024, 6, 20), D(2024, 11, 20)),
        ("64/2024", "2024-09", D(2024, 10, 21), D(2024, 12, 20)),
        ("64/2024", "2024-Q3", D(2024, 10, 31), D(2024, 12, 31)),
        # Decree 82/2025: 6 months for February, March and Q1, 5 for April-June and Q2, from the deadline.
        ("82/2025", "2025-02", D(2025, 3, 20), D(2025, 9, 20)),
        ("82/2025", "2025-06", D(2025, 7, 21), D(2025, 12, 21)),
    ],
)
def test_vat_of_enterprises(number: str, period: str, due_on: datetime.date, extended: datetime.date) -> None:
    assert extended_due(decree(number), "VAT", period, E, due_on) == extended


def test_cit_by_months_from_the_deadline() -> None:
    # Provisional CIT of Q2 2024 due 30 Jul 2024, 3 months (Decree 64/2024): 30 Oct 2024.
    assert extended_due(decree("64/2024"), "CIT", "2024-Q2", E, D(2024, 7, 30)) == D(2024, 10, 30)
    # Q1 2023 due 31 May would go to 31 Aug (the month's last day).
    assert extended_due(decree("12/2023"), "CIT", "2023-Q1", E, D(2023, 5, 31)) == D(2023, 8, 31)
    # Q3 is not extended by Decree 64/2024.
    assert extended_due(decree("64/2024"), "CIT", "2024-Q3", E, D(2024, 10, 30)) is None


def test_households_all_year_enterprises_only_the_listed_periods() -> None:
    # Business households: VAT and PIT arising in 2023 until 30 Dec 2023 (Decree 12/2023 Art. 4.3).
    assert extended_due(decree("12/2023"), "PIT", "2023-11", H, D(2023, 12, 20)) == D(2023, 12, 30)
    assert extended_due(decree("12/2023"), "VAT", "2023-Q4", H, D(2024, 1, 30)) is None  # later than the date
    # An enterprise's VAT of November 2023 is not extended, nor is its PIT withheld.
    assert extended_due(decree("12/2023"), "VAT", "2023-11", E, D(2023, 12, 20)) is None
    assert extended_due(decree("12/2023"), "PIT", "2023-03", E, D(2023, 4, 20)) is None


def test_request_deadline() -> None:
    assert not request_is_late(decree("12/2023"), D(2023, 9, 30))
    assert request_is_late(decree("12/2023"), D(2023, 10, 1))
    # Decree 64/2024's date could not be verified: never refused for lateness here.
    assert not request_is_late(decree("64/2024"), D(2025, 1, 1))


def test_article_62_limits() -> None:
    # Force majeure: at most 2 years from the deadline; relocation: 1 year (Art. 62.3).
    assert latest_case_extension("force_majeure", D(2024, 2, 29)) == D(2026, 2, 28)
    assert latest_case_extension("relocation", D(2025, 7, 21)) == D(2026, 7, 21)
    with pytest.raises(KeyError):
        latest_case_extension("hardship", D(2025, 7, 21))


def test_pause_covers_the_day_after_the_deadline_to_the_extended_date() -> None:
    assert pause_of(D(2023, 4, 20), D(2023, 10, 20)) == Pause(D(2023, 4, 21), D(2023, 10, 21))
