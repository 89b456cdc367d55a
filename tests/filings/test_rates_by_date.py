"""The dated rate tables: the reduced VAT rate by legal act, CIT rates by tax year."""

import datetime

import pytest

from filings.cit_rates import BILLION, RATES, cit_parameters
from filings.vat_reduction import is_reduction_appendix, reductions_in

D = datetime.date


@pytest.mark.parametrize(
    ("first", "last", "decrees"),
    [
        (D(2022, 1, 1), D(2022, 1, 31), []),  # Decree 15/2022 applies from 1 February 2022
        (D(2022, 1, 1), D(2022, 3, 31), ["15/2022/NĐ-CP"]),  # Q1/2022 holds February and March
        (D(2023, 1, 1), D(2023, 6, 30), []),  # no reduction in the first half of 2023
        (D(2023, 7, 1), D(2023, 9, 30), ["44/2023/NĐ-CP"]),
        (D(2024, 1, 1), D(2024, 3, 31), ["94/2023/NĐ-CP"]),
        (D(2024, 6, 1), D(2024, 7, 31), ["94/2023/NĐ-CP", "72/2024/NĐ-CP"]),
        (D(2025, 1, 1), D(2025, 3, 31), ["180/2024/NĐ-CP"]),
        (D(2026, 10, 1), D(2026, 12, 31), ["174/2025/NĐ-CP"]),  # Decree 174/2025: 1 Jul 2025 - 31 Dec 2026
        (D(2027, 1, 1), D(2027, 1, 31), []),
    ],
)
def test_reduced_rate_acts_by_period(first: datetime.date, last: datetime.date, decrees: list[str]) -> None:
    assert [r.decree for r in reductions_in(first, last)] == decrees


def test_reduction_appendices_are_recognised_by_name() -> None:
    assert is_reduction_appendix("PL_NQ43_GTGT")
    assert is_reduction_appendix("PL_NQ101_GTGT")
    assert is_reduction_appendix("PL_NQ142_GTGT")
    assert not is_reduction_appendix("PL_KQHDSXKD")
    assert not is_reduction_appendix("PL_NQ142_GTGT_X")


def test_cit_rates_by_year() -> None:
    assert cit_parameters(2015) == {"cit_rate": 22, "cit_rate_small_1": 22, "cit_rate_small_2": 22}
    assert cit_parameters(2016)["cit_rate"] == cit_parameters(2024)["cit_rate"] == 20
    # Law 67/2025/QH15 Art. 10: 20 % in general, 15 % up to 3 billion đồng of last year's revenue, 17 % up to 50.
    assert cit_parameters(2025) == {"cit_rate": 20, "cit_rate_small_1": 15, "cit_rate_small_2": 17}
    assert dict(RATES[-1].small) == {3 * BILLION: 15, 50 * BILLION: 17}
    assert cit_parameters(2013) == cit_parameters(2014)  # before the table: its first row
