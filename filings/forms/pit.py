"""05/KK-TNCN, PIT withheld from wages and salaries, on Circular 80/2021's form (HTKK ``maTKhai`` 864). Pure.

Boxes [15]-[32] as Circular 80/2021 Appendix II lays them out and HTKK writes and prints them (its stylesheet for
the form, and the real return in tests/fixtures/htkk/real): [15] is the tick box for tax allocated to dependent
units in other provinces, [16]-[20] count people, [21]-[32] are amounts; the tax withheld [29] is what is payable.
"""

from types import MappingProxyType

from filings.forms.model import FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.forms.vat import MONTHLY_OR_QUARTERLY, TT80_FROM
from filings.periods import PeriodKind

PIT_RATE_TOLERANCE = 10_000
_RESIDENT, _NON_RESIDENT = "Cá nhân cư trú", "Cá nhân không cư trú"
_INSURANCE_VI = (
    "tiền phí mua bảo hiểm nhân thọ, bảo hiểm không bắt buộc khác của doanh nghiệp bảo hiểm không thành lập tại "
    "Việt Nam cho người lao động"
)


def _count(code: str, vi: str, en: str, *, required: bool = False) -> Indicator:
    return Indicator(code, vi, en, IndicatorType.INTEGER, required=required)


def _split(
    total: str, vi: str, en: str, resident: str, non_resident: str, *, count: bool = False
) -> tuple[Indicator, ...]:
    """A total and its resident and non-resident parts, the total computed as their sum."""
    kind = IndicatorType.INTEGER if count else IndicatorType.MONEY
    return (
        Indicator(total, vi, en, kind, formula=f"{resident} + {non_resident}"),
        Indicator(resident, _RESIDENT, "Residents", kind),
        Indicator(non_resident, _NON_RESIDENT, "Non-residents", kind),
    )


PIT_05_KK_TNCN = FormVersion(
    code="05/KK-TNCN",
    slug="05-KK-TNCN",
    htkk_code="864",
    name_vi="Tờ khai khấu trừ thuế thu nhập cá nhân (tổ chức, cá nhân trả thu nhập từ tiền lương, tiền công)",
    name_en="PIT withheld from wages and salaries",
    tax_type="PIT",
    period_kinds=(PeriodKind.MONTH, PeriodKind.QUARTER),
    deadline_rules=MONTHLY_OR_QUARTERLY,
    valid_from=TT80_FROM,
    valid_to=None,
    indicators=(
        _count(
            "ct15",
            "Phân bổ thuế do có đơn vị phụ thuộc tại địa bàn khác (đánh dấu 1)",
            "Tax allocated to units in other provinces (1 = ticked)",
        ),
        _count("ct16", "Tổng số người lao động", "Number of employees", required=True),
        _count("ct17", "Trong đó: cá nhân cư trú có hợp đồng lao động", "Of which: residents with a labour contract"),
        *_split(
            "ct18", "Tổng số cá nhân đã khấu trừ thuế", "Individuals whose tax was withheld", "ct19", "ct20", count=True
        ),
        *_split("ct21", "Tổng thu nhập chịu thuế (TNCT) trả cho cá nhân", "Taxable income paid", "ct22", "ct23"),
        Indicator(
            "ct24", f"Trong đó: tổng TNCT từ {_INSURANCE_VI}", "Of which: from life and other insurance bought abroad"
        ),
        Indicator(
            "ct25",
            "Trong đó: tổng TNCT được miễn theo quy định của Hợp đồng dầu khí",
            "Of which: exempt under an oil and gas contract",
        ),
        *_split(
            "ct26",
            "Tổng TNCT trả cho cá nhân thuộc diện phải khấu trừ thuế",
            "Taxable income subject to withholding",
            "ct27",
            "ct28",
        ),
        *_split("ct29", "Tổng số thuế thu nhập cá nhân đã khấu trừ", "PIT withheld", "ct30", "ct31"),
        Indicator(
            "ct32",
            f"Trong đó: tổng số thuế TNCN đã khấu trừ trên {_INSURANCE_VI}",
            "Of which: withheld on insurance bought abroad",
        ),
    ),
    rules=(
        Rule(
            "TNCN-015",
            Severity.REJECT,
            "ct15 == 0 or ct15 == 1",
            ("ct15",),
            "Chỉ tiêu [15] chỉ nhận giá trị 0 hoặc 1 (đã khai {ct15}).",
            "[15] is a tick box: 0 or 1 (filed {ct15}).",
        ),
        Rule(
            "TNCN-017",
            Severity.WARNING,
            "ct17 <= ct16",
            ("ct17", "ct16"),
            "Số cá nhân cư trú có hợp đồng lao động [17] ({ct17}) lớn hơn tổng số người lao động [16] ({ct16}).",
            "Residents with a labour contract [17] ({ct17}) exceed the number of employees [16] ({ct16}).",
        ),
        Rule(
            "TNCN-026",
            Severity.REJECT,
            "ct26 <= ct21 and ct27 <= ct22 and ct28 <= ct23",
            ("ct26", "ct21"),
            "Thu nhập thuộc diện khấu trừ [26] ({ct26}) lớn hơn tổng thu nhập chịu thuế [21] ({ct21}).",
            "Income subject to withholding [26] ({ct26}) exceeds the taxable income paid [21] ({ct21}).",
        ),
        Rule(
            "TNCN-029",
            Severity.REJECT,
            "ct30 <= ct27 and ct31 <= ct28",
            ("ct29", "ct26"),
            "Thuế đã khấu trừ [30] ({ct30}), [31] ({ct31}) lớn hơn thu nhập thuộc diện khấu trừ [27] ({ct27}), [28] ({ct28}).",
            "Tax withheld [30] ({ct30}), [31] ({ct31}) exceeds the income subject to withholding [27] ({ct27}), [28] ({ct28}).",
        ),
        Rule(
            "TNCN-031",
            Severity.WARNING,
            "abs(ct31 - round_half_up(ct28 * 20 / 100)) <= tolerance",
            ("ct31", "ct28"),
            "Thuế khấu trừ của cá nhân không cư trú [31] ({ct31}) không khớp 20% thu nhập [28] ({ct28}).",
            "PIT withheld from non-residents [31] ({ct31}) does not match 20 % of their income [28] ({ct28}).",
        ),
        Rule(
            "TNCN-032",
            Severity.WARNING,
            "ct24 <= ct21 and ct25 <= ct21 and ct32 <= ct29",
            ("ct24", "ct25", "ct32"),
            'Các chỉ tiêu "trong đó" [24] ({ct24}), [25] ({ct25}), [32] ({ct32}) lớn hơn tổng của chúng.',
            'The "of which" boxes [24] ({ct24}), [25] ({ct25}), [32] ({ct32}) exceed their totals.',
        ),
    ),
    payable_indicator="ct29",
    sub_item="1001",
    carry_forward=MappingProxyType({}),
    rate_tolerance=PIT_RATE_TOLERANCE,
    basis="Thông tư 80/2021/TT-BTC, Phụ lục II, mẫu 05/KK-TNCN",
)
