"""What a return's own rules read besides its figures: its appendices and the law for its period. Pure.

- ``vat_reduction``: the output VAT the reduced rate took off, as the return's reduced-rate appendices total it
  (``tongCongThueGTGTDuocGiam``); ``reduced_rate_in_force``: 1 when an act applied the 8 % rate on some day of the
  period (``filings/vat_reduction.py``).
- ``cit_rate``, ``cit_rate_small_1``, ``cit_rate_small_2``: the general CIT rate in per cent for the return's year
  and the small-enterprise rates (the general rate where the year has none) (``filings/cit_rates.py``).
"""

import datetime
import functools
from collections.abc import Sequence

from filings.cit_rates import cit_parameters
from filings.forms import FormVersion
from filings.htkk import Appendix
from filings.periods import Period
from filings.vat_reduction import REDUCTION_TOTAL, is_reduction_appendix, reductions_in

# The law's part depends on the period alone: read once per year or period (bounded: the office reads a few
# hundred periods, and the tables are constants of the code).
_PERIODS_KEPT = 1_024


@functools.lru_cache(maxsize=_PERIODS_KEPT)
def _cit_rates(year: int) -> tuple[tuple[str, int], ...]:
    return tuple(cit_parameters(year).items())


@functools.lru_cache(maxsize=_PERIODS_KEPT)
def _reduced_rate_in_force(first: datetime.date, last: datetime.date) -> int:
    return int(bool(reductions_in(first, last)))


def return_parameters(form: FormVersion, period: Period, appendices: Sequence[Appendix]) -> dict[str, int]:
    """The parameters of one return's checks (a new dict each call: the caller may change it)."""
    if form.tax_type == "CIT":
        return dict(_cit_rates(period.year))
    return {
        "vat_reduction": sum(a.figure(REDUCTION_TOTAL) for a in appendices if is_reduction_appendix(a.name)),
        "reduced_rate_in_force": _reduced_rate_in_force(period.start, period.end),
    }
