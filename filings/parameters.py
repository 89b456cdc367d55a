"""What a return's own rules read besides its figures: its appendices and the law for its period. Pure.

- ``vat_reduction``: the output VAT the reduced rate took off, as the return's reduced-rate appendices total it
  (``tongCongThueGTGTDuocGiam``); ``reduced_rate_in_force``: 1 when an act applied the 8 % rate on some day of the
  period (``filings/vat_reduction.py``).
- ``cit_rate``, ``cit_rate_small_1``, ``cit_rate_small_2``: the general CIT rate in per cent for the return's year
  and the small-enterprise rates (the general rate where the year has none) (``filings/cit_rates.py``).
"""

from collections.abc import Sequence

from filings.cit_rates import cit_parameters
from filings.forms import FormVersion
from filings.htkk import Appendix
from filings.periods import Period
from filings.vat_reduction import REDUCTION_TOTAL, is_reduction_appendix, reductions_in


def return_parameters(form: FormVersion, period: Period, appendices: Sequence[Appendix]) -> dict[str, int]:
    """The parameters of one return's checks."""
    if form.tax_type == "CIT":
        return cit_parameters(period.year)
    return {
        "vat_reduction": sum(a.figure(REDUCTION_TOTAL) for a in appendices if is_reduction_appendix(a.name)),
        "reduced_rate_in_force": int(bool(reductions_in(period.start, period.end))),
    }
