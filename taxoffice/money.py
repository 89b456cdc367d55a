"""Integer-đồng arithmetic and the one rounding rule (DOMAIN.md §5, DESIGN.md §3). Pure.

Money is an ``int`` of đồng everywhere. A computed amount is kept as an exact fraction (a numerator and a
denominator, both integers) until the end and rounded once, here.
"""


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, halves away from zero.

    Half up for non-negative values and symmetric for negative ones: 2.5 → 3, 2.4999 → 2, -2.5 → -3. Exact for
    integers of any size: no float, no Decimal.

    Args:
        numerator: the dividend.
        denominator: the divisor, not 0 (a negative divisor flips the sign of the result, as in division).

    Returns:
        The rounded quotient.

    Raises:
        ZeroDivisionError: ``denominator`` is 0.
    """
    if denominator == 0:
        raise ZeroDivisionError("round_half_up: denominator is 0")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    # floor((2|n| + d) / 2d) = floor(|n|/d + 1/2): the magnitude rounded half up.
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def format_dong(amount: int) -> str:
    """``amount`` with Vietnamese digit grouping, for notices: ``1234567`` → ``"1.234.567"``, ``-5000`` → ``"-5.000"``.

    The currency sign is the caller's (``f"{format_dong(x)} đ"``).
    """
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"-{grouped}" if amount < 0 else grouped
