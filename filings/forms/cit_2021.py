"""03/TNDN on Circular 80/2021's form as first issued: tax years 2021 to 2024. Pure.

Circular 80/2021/TT-BTC, Appendix II, form 03/TNDN (HTKK ``maTKhai`` 892). Circular 80 is in force from 1 January
2022 (its Art. 87), and the CIT finalisation of the 2021 tax year, due by 31 March 2022, is the first filed on it.
One general rate: [C7] (``ctC7``) is the assessable income taxed at 20 % and [C9] = [C7] x 20 % + [C8] x [C8a], the
20 % being the rate of the tax year (``cit_rate``, Law 32/2013/QH13; ``filings/cit_rates.py``). From the 2025 tax
year Law 67/2025/QH15's three rates replace [C7] (``filings/forms/cit_2025.py``); every other box is shared
(``filings/forms/cit.py``).
"""

import datetime

from filings.forms.cit import cit_version, money

CIT_TT80_FROM = datetime.date(2021, 1, 1)
CIT_TT80_TO = datetime.date(2024, 12, 31)

CIT_03_TNDN_TT80 = cit_version(
    valid_from=CIT_TT80_FROM,
    valid_to=CIT_TT80_TO,
    c7=(money("C7", "Thu nhập tính thuế áp dụng thuế suất 20%", "Assessable income at 20 %"),),
    c9_formula="round_half_up(ctC7 * cit_rate / 100 + ctC8 * ctC8a / 100)",
    basis="Thông tư 80/2021/TT-BTC, Phụ lục II, mẫu 03/TNDN",
)
