"""VAT filing frequency per calendar year (Decree 126/2020/NĐ-CP Art. 8(1)(a), Art. 9). Pure.

VAT is declared monthly, or quarterly by a taxpayer whose previous year's revenue was at most 50 billion đồng; the
frequency holds for the **whole calendar year**: a change made in the course of a year applies from the next
1 January. A change notified by ``SAME_YEAR_NOTICE_BY`` applies to the year it is notified in: the request to declare
quarterly is sent "no later than 31 January" of that year, else the taxpayer stays monthly for the whole calendar year
(Art. 8(1)(a) and Art. 9 as restated in a tax adviser's summary; the official Vietnamese not read, docs/filings.md).

A taxpayer's frequencies are rows ``(year_from, frequency)``: the frequency of year Y is that of the latest row whose
``year_from`` is at most Y; before the first row, the one the taxpayer registered with.
"""

import datetime
from collections.abc import Iterable

SAME_YEAR_NOTICE_BY = (1, 31)  # (month, day): 31 January, Decree 126/2020 Art. 9 as restated


def first_year_of_change(changed_on: datetime.date, registered_on: datetime.date) -> int:
    """The first calendar year a frequency changed on ``changed_on`` applies to.

    The registration year's own choice and a change notified by 31 January apply to the same year; any other change
    from the next year on.
    """
    if changed_on.year <= registered_on.year:
        return registered_on.year
    if (changed_on.month, changed_on.day) <= SAME_YEAR_NOTICE_BY:
        return changed_on.year
    return changed_on.year + 1


def frequency_in(year: int, rows: Iterable[tuple[int, str]], registered: str) -> str:
    """The frequency of ``year`` from the rows ``(year_from, frequency)``; ``registered`` before the first."""
    found, since = registered, None
    for year_from, frequency in rows:
        if year_from <= year and (since is None or year_from > since):
            found, since = frequency, year_from
    return found
