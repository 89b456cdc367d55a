"""The reduced VAT rate of 2022-2026: goods and services taxed at 10 % taxed at 8 % for a time, by legal act. Pure.

Each act sets the periods in which a business on the credit method may invoice eligible goods and services at 8 %
instead of 10 %, and declares them on the 10 % lines of 01/GTGT ([32], [33]) with the reduction listed in an
appendix (``PLuc/PL_NQ<n>_GTGT``, totalled in ``tongCongThueGTGTDuocGiam``). The office accepts
10 % * [32] - the appendix's reduction ≤ [33] ≤ 10 % * [32], within the rounding tolerance (``docs/filings.md``).
"""

import datetime
import re
from dataclasses import dataclass

D = datetime.date
# The appendix total that says how much output VAT the reduced rate took off.
REDUCTION_TOTAL = "tongCongThueGTGTDuocGiam"
# Percentage points the reduced rate takes off the 10 % rate.
REDUCTION_POINTS = 2


@dataclass(frozen=True)
class VatReduction:
    """One legal act's reduction: in force for invoices dated ``valid_from`` … ``valid_to`` (inclusive)."""

    resolution: str
    decree: str
    valid_from: datetime.date
    valid_to: datetime.date

    def overlaps(self, first: datetime.date, last: datetime.date) -> bool:
        """Whether the act was in force on any day from ``first`` to ``last``."""
        return self.valid_from <= last and first <= self.valid_to


REDUCTIONS: tuple[VatReduction, ...] = (
    # Resolution 43/2022/QH15 Art. 3 §1.1(a); Decree 15/2022/NĐ-CP Art. 1, Art. 3: 1 Feb - 31 Dec 2022.
    VatReduction("43/2022/QH15", "15/2022/NĐ-CP", D(2022, 2, 1), D(2022, 12, 31)),
    # Resolution 101/2023/QH15; Decree 44/2023/NĐ-CP Art. 1, Art. 3: 1 Jul - 31 Dec 2023.
    VatReduction("101/2023/QH15", "44/2023/NĐ-CP", D(2023, 7, 1), D(2023, 12, 31)),
    # Resolution 110/2023/QH15; Decree 94/2023/NĐ-CP Art. 1, Art. 3: 1 Jan - 30 Jun 2024.
    VatReduction("110/2023/QH15", "94/2023/NĐ-CP", D(2024, 1, 1), D(2024, 6, 30)),
    # Resolution 142/2024/QH15; Decree 72/2024/NĐ-CP Art. 1, Art. 3: 1 Jul - 31 Dec 2024.
    VatReduction("142/2024/QH15", "72/2024/NĐ-CP", D(2024, 7, 1), D(2024, 12, 31)),
    # Resolution 174/2024/QH15; Decree 180/2024/NĐ-CP Art. 1, Art. 3: 1 Jan - 30 Jun 2025.
    VatReduction("174/2024/QH15", "180/2024/NĐ-CP", D(2025, 1, 1), D(2025, 6, 30)),
    # Resolution 204/2025/QH15; Decree 174/2025/NĐ-CP Art. 1, Art. 3: 1 Jul 2025 - 31 Dec 2026.
    VatReduction("204/2025/QH15", "174/2025/NĐ-CP", D(2025, 7, 1), D(2026, 12, 31)),
)
# HTKK names the appendix after a resolution, not always the act in force: real files for 1/2024 and 2/2024 (Decree
# 94/2023) carry PL_NQ101_GTGT, for 1/2025 (Decree 180/2024) PL_NQ142_GTGT. Any such name is read.
_APPENDIX_NAME = re.compile(r"PL_NQ[0-9]+_GTGT")


def reductions_in(
    first: datetime.date, last: datetime.date, table: tuple[VatReduction, ...] = REDUCTIONS
) -> list[VatReduction]:
    """The acts in force on some day of the period ``first`` … ``last``."""
    return [r for r in table if r.overlaps(first, last)]


def is_reduction_appendix(name: str) -> bool:
    """Whether an appendix name is one of the reduced-rate appendices (``PL_NQ43_GTGT`` …)."""
    return _APPENDIX_NAME.fullmatch(name) is not None
