"""03/TNDN as HTKK lays it out for the 2025 CIT law: tax years from 2025. Pure.

Law 67/2025/QH15 has three rates for ordinary income (15 %, 17 % or 20 %, ``filings/cit_rates.py``), so HTKK's
layout of the form (its stylesheet, and the template of pbanTKhaiXML 2.9.4) files [C7] as three elements: the income
``ctC7_thuNhap``, the rate applied ``ctC7_thueSuat`` and its caption ``ctC7_tenThueSuat``; [C9] = [C7] x that rate +
[C8] x [C8a]. Every other box is the earlier generation's (``filings/forms/cit.py``). The law applies from the 2025
tax year.
"""

import datetime

from filings.forms.cit import cit_version, money
from filings.forms.model import Indicator, IndicatorType, Rule, Severity

CIT_FROM_2025 = datetime.date(2025, 1, 1)

CIT_03_TNDN = cit_version(
    valid_from=CIT_FROM_2025,
    valid_to=None,
    c7=(
        money(
            "C7_thuNhap",
            "Thu nhập tính thuế áp dụng thuế suất 15%, 17% hoặc 20%",
            "Assessable income at 15, 17 or 20 %",
        ),
        Indicator(
            "ctC7_thueSuat",
            "Thuế suất áp dụng cho [C7] (%)",
            "The rate of [C7] (%)",
            required=True,
            type=IndicatorType.INTEGER,
        ),
        Indicator(
            "ctC7_tenThueSuat",
            "Tên chỉ tiêu [C7] theo thuế suất áp dụng",
            "The caption of [C7] for its rate",
            type=IndicatorType.TEXT,
        ),
    ),
    c9_formula="round_half_up(ctC7_thuNhap * ctC7_thueSuat / 100 + ctC8 * ctC8a / 100)",
    rules=(
        Rule(
            "TNDN-C7",
            Severity.REJECT,
            "ctC7_thueSuat == cit_rate or ctC7_thueSuat == cit_rate_small_1 or ctC7_thueSuat == cit_rate_small_2",
            ("ctC7_thueSuat",),
            "Thuế suất [C7] ({ctC7_thueSuat}%) không phải thuế suất của năm tính thuế ({cit_rate_small_1}%, "
            "{cit_rate_small_2}% hoặc {cit_rate}%).",
            "The rate of [C7] ({ctC7_thueSuat} %) is not a rate of the tax year ({cit_rate_small_1}, "
            "{cit_rate_small_2} or {cit_rate} %).",
        ),
    ),
    basis="Thông tư 80/2021/TT-BTC, Phụ lục II, mẫu 03/TNDN (Luật 67/2025/QH15)",
)
