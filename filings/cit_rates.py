"""Corporate income tax rates by tax year, as dated data. Pure.

- Law 14/2008/QH12 Art. 10 as amended by Law 32/2013/QH13 Art. 1 §7: 22 % for the years 2014 and 2015, 20 % from
  2016.
- Law 67/2025/QH15 on CIT (in force 1 October 2025, applied from the 2025 tax year, Art. 35) Art. 10: 20 % in
  general; 15 % for an enterprise whose total revenue of the previous year was at most 3 billion đồng, 17 % above
  that up to 50 billion đồng.
"""

from dataclasses import dataclass

BILLION = 1_000_000_000


@dataclass(frozen=True)
class CitRate:
    """The rates from tax year ``from_year`` on (until the next row).

    ``small`` lists ``(revenue ceiling in đồng, rate in per cent)`` by ascending ceiling: an enterprise whose total
    revenue of the previous year is at most the ceiling pays that rate.
    """

    from_year: int
    standard: int
    small: tuple[tuple[int, int], ...] = ()
    basis: str = ""


RATES: tuple[CitRate, ...] = (
    CitRate(2014, 22, basis="Luật 32/2013/QH13, Điều 1 khoản 7"),
    CitRate(2016, 20, basis="Luật 32/2013/QH13, Điều 1 khoản 7"),
    CitRate(2025, 20, ((3 * BILLION, 15), (50 * BILLION, 17)), basis="Luật 67/2025/QH15, Điều 10"),
)


def cit_parameters(year: int, table: tuple[CitRate, ...] = RATES) -> dict[str, int]:
    """The rates a 03/TNDN of the year may apply: ``cit_rate`` (general) and ``cit_rate_small_1``/``_2``.

    Before the table begins, its first row's; a year without small-enterprise rates repeats the general one.
    """
    rows = [r for r in table if r.from_year <= year] or [table[0]]
    row = rows[-1]
    small = [rate for _, rate in row.small] + [row.standard, row.standard]
    return {"cit_rate": row.standard, "cit_rate_small_1": small[0], "cit_rate_small_2": small[1]}
