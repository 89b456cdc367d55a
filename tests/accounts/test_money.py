"""The one rounding rule and đồng formatting (DOMAIN.md §5)."""

import random
from fractions import Fraction

import pytest

from taxoffice.money import format_dong, round_half_up


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 7, 0),
        (4, 2, 2),
        (5, 2, 3),
        (7, 2, 4),
        (1, 2, 1),
        (1, 3, 0),
        (2, 3, 1),
        (24_999, 10_000, 2),
        (25_000, 10_000, 3),
        (-1, 2, -1),
        (-5, 2, -3),
        (-7, 3, -2),
        (-8, 3, -3),
        (-24_999, 10_000, -2),
        # A negative denominator divides as usual.
        (5, -2, -3),
        (-5, -2, 3),
        # DOMAIN.md §5: 1 234 567 đ * 3 * 3 days / 10 000 = 1 111.1103 → 1 111.
        (1_234_567 * 3 * 3, 10_000, 1_111),
        # Beyond a float's precision: exact.
        (10**30 + 5 * 10**13, 10**14, 10**16 + 1),
        (10**30 + 5 * 10**13 - 1, 10**14, 10**16),
    ],
)
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert round_half_up(numerator, denominator) == expected


def test_round_half_up_matches_exact_fractions() -> None:
    rng = random.Random(20240820)  # noqa: S311 - seeded test data, not secrets
    for _ in range(5_000):
        numerator = rng.randint(-(10**15), 10**15)
        denominator = rng.choice([1, 2, 3, 10, 10_000, rng.randint(1, 10**9)]) * rng.choice([1, -1])
        value = Fraction(numerator, denominator)
        floor_of_magnitude_plus_half = int(abs(value) + Fraction(1, 2))
        expected = floor_of_magnitude_plus_half if value >= 0 else -floor_of_magnitude_plus_half
        assert round_half_up(numerator, denominator) == expected
        # Symmetric: rounding the negation negates the rounding.
        assert round_half_up(-numerator, denominator) == -expected


def test_round_half_up_rejects_zero_denominator() -> None:
    with pytest.raises(ZeroDivisionError):
        round_half_up(1, 0)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1_000, "1.000"),
        (75_000, "75.000"),
        (1_234_567, "1.234.567"),
        (100_000_000, "100.000.000"),
        (12_345_678_901_234, "12.345.678.901.234"),
        (-5_000, "-5.000"),
        (-999, "-999"),
    ],
)
def test_format_dong(amount: int, text: str) -> None:
    assert format_dong(amount) == text
