"""01/GTGT, the VAT return of the credit method, in its two generations (DOMAIN.md §3; docs/filings.md). Pure.

- Circular 26/2015/TT-BTC, Appendix 1 (HTKK ``maTKhai`` 01): periods up to December 2021. Box [39] is VAT paid in
  other provinces for construction, installation and sales there.
- Circular 80/2021/TT-BTC, Appendix II (``maTKhai`` 842): periods from January 2022 (Art. 87: in force from
  1 January 2022). Adds the imports within purchases ([23a], [24a]), replaces [39] by [39a] (VAT credit received on
  a transfer), and the header boxes [09]-[11] naming a dependent unit or a business place in another province
  whose return it is.
"""

import datetime
from types import MappingProxyType

from filings.forms.model import FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.periods import DeadlineRule, PeriodKind

# How far declared output VAT may stray from the rate times the sales (đồng) before it is rejected [open]:
# VAT is rounded invoice by invoice, so the total drifts from the rate times the total sales by a few đồng per invoice.
VAT_RATE_TOLERANCE = 10_000
TT26_FROM = datetime.date(2015, 1, 1)
TT80_FROM = datetime.date(2022, 1, 1)

MONTHLY_OR_QUARTERLY = MappingProxyType(
    {
        PeriodKind.MONTH: DeadlineRule.MONTHLY_20TH,
        PeriodKind.QUARTER: DeadlineRule.QUARTER_END_OF_FIRST_MONTH,
    }
)


def _text(code: str, vi: str, en: str) -> Indicator:
    return Indicator(code, vi, en, IndicatorType.TEXT)


# The header boxes of a return filed for a dependent unit or a business place in another province (Circular 80).
_PLACE = (
    _text(
        "ct09",
        "Tên đơn vị phụ thuộc/địa điểm kinh doanh của hoạt động sản xuất kinh doanh khác tỉnh nơi đóng trụ sở chính",
        "Dependent unit or business place in another province than the head office",
    ),
    _text("ct10", "Mã số thuế đơn vị phụ thuộc/Mã số địa điểm kinh doanh", "Tax code of the dependent unit or place"),
    _text("ct11a_phuongXa_ma", "[11a] Mã phường/xã", "[11a] Ward code"),
    _text("ct11a_phuongXa_ten", "[11a] Phường/xã", "[11a] Ward"),
    _text("ct11b_quanHuyen_ma", "[11b] Mã quận/huyện", "[11b] District code"),
    _text("ct11b_quanHuyen_ten", "[11b] Quận/huyện", "[11b] District"),
    _text("ct11c_tinhTP_ma", "[11c] Mã tỉnh/thành phố", "[11c] Province code"),
    _text("ct11c_tinhTP_ten", "[11c] Tỉnh/thành phố", "[11c] Province"),
)
_PURCHASES = (
    Indicator("ct23", "Giá trị hàng hoá, dịch vụ mua vào", "Value of goods and services purchased"),
    Indicator("ct24", "Thuế GTGT của hàng hoá, dịch vụ mua vào", "Input VAT on purchases"),
)
_IMPORTS = (
    Indicator("ct23a", "Trong đó: giá trị hàng hoá, dịch vụ nhập khẩu", "Of which: value of imports"),
    Indicator("ct24a", "Trong đó: thuế GTGT của hàng hoá, dịch vụ nhập khẩu", "Of which: VAT on imports"),
)
_SALES = (
    Indicator("ct25", "Thuế GTGT được khấu trừ kỳ này", "Deductible input VAT of the period"),
    Indicator("ct26", "Hàng hoá, dịch vụ bán ra không chịu thuế GTGT", "Sales not subject to VAT"),
    Indicator(
        "ct27", "Hàng hoá, dịch vụ bán ra chịu thuế GTGT", "Sales subject to VAT", formula="ct29 + ct30 + ct32 + ct32a"
    ),
    Indicator("ct28", "Thuế GTGT của hàng hoá, dịch vụ bán ra", "Output VAT", formula="ct31 + ct33"),
    Indicator("ct29", "Hàng hoá, dịch vụ bán ra chịu thuế suất 0%", "Sales at 0 %"),
    Indicator("ct30", "Hàng hoá, dịch vụ bán ra chịu thuế suất 5%", "Sales at 5 %"),
    Indicator("ct31", "Thuế GTGT của hàng hoá, dịch vụ bán ra chịu thuế suất 5%", "Output VAT on sales at 5 %"),
    Indicator("ct32", "Hàng hoá, dịch vụ bán ra chịu thuế suất 10%", "Sales at 10 %"),
    Indicator(
        "ct32a",
        "Hàng hoá, dịch vụ bán ra không phải kê khai, tính nộp thuế GTGT",
        "Sales not required to declare VAT",
    ),
    Indicator("ct33", "Thuế GTGT của hàng hoá, dịch vụ bán ra chịu thuế suất 10%", "Output VAT on sales at 10 %"),
    Indicator("ct34", "Tổng doanh thu hàng hoá, dịch vụ bán ra", "Total sales", formula="ct26 + ct27"),
    Indicator("ct35", "Tổng thuế GTGT của hàng hoá, dịch vụ bán ra", "Total output VAT", formula="ct28"),
    Indicator(
        "ct36", "Thuế GTGT phát sinh trong kỳ", "VAT arising in the period", formula="ct35 - ct25", allow_negative=True
    ),
    Indicator(
        "ct37",
        "Điều chỉnh giảm thuế GTGT còn được khấu trừ của các kỳ trước",
        "Adjustment decreasing the VAT credit of earlier periods",
    ),
    Indicator(
        "ct38",
        "Điều chỉnh tăng thuế GTGT còn được khấu trừ của các kỳ trước",
        "Adjustment increasing the VAT credit of earlier periods",
    ),
)


def _settlement(box39: str) -> tuple[Indicator, ...]:
    """[40a] … [43], from X = [36] - [22] + [37] - [38] - [39] (Circular 26) or - [39a] (Circular 80)."""
    x = f"ct36 - ct22 + ct37 - ct38 - {box39}"
    return (
        Indicator(
            "ct40a",
            "Thuế GTGT phải nộp của hoạt động sản xuất kinh doanh trong kỳ",
            "VAT payable on business activity",
            formula=f"max({x}, 0)",
        ),
        Indicator(
            "ct40b",
            "Thuế GTGT mua vào của dự án đầu tư được bù trừ với thuế GTGT còn phải nộp",
            "Input VAT of investment projects offset against VAT payable",
        ),
        Indicator("ct40", "Thuế GTGT còn phải nộp trong kỳ", "VAT payable for the period", formula="ct40a - ct40b"),
        Indicator(
            "ct41", "Thuế GTGT chưa khấu trừ hết kỳ này", "VAT credit not used this period", formula=f"max(-({x}), 0)"
        ),
        Indicator("ct42", "Thuế GTGT đề nghị hoàn", "VAT refund claimed"),
        Indicator(
            "ct43", "Thuế GTGT còn được khấu trừ chuyển kỳ sau", "VAT credit carried forward", formula="ct41 - ct42"
        ),
    )


_OPENING = (
    Indicator(
        "ct21",
        "Không phát sinh hoạt động mua, bán trong kỳ (đánh dấu 1)",
        "No purchases or sales in the period (1 = ticked)",
        IndicatorType.INTEGER,
    ),
    Indicator("ct22", "Thuế GTGT còn được khấu trừ kỳ trước chuyển sang", "VAT credit brought forward"),
)
_TEN_PERCENT = "round_half_up(ct32 * 10 / 100)"
_COMMON_RULES = (
    Rule(
        "GTGT-021",
        Severity.REJECT,
        "ct21 == 0 or ct21 == 1",
        ("ct21",),
        "Chỉ tiêu [21] chỉ nhận giá trị 0 hoặc 1 (đã khai {ct21}).",
        "[21] is a tick box: 0 or 1 (filed {ct21}).",
    ),
    Rule(
        "GTGT-025",
        Severity.WARNING,
        "ct25 <= ct24",
        ("ct25", "ct24"),
        "Thuế GTGT được khấu trừ [25] ({ct25}) lớn hơn thuế GTGT mua vào [24] ({ct24}).",
        "Deductible input VAT [25] ({ct25}) exceeds the input VAT on purchases [24] ({ct24}).",
    ),
    Rule(
        "GTGT-031",
        Severity.REJECT,
        "abs(ct31 - round_half_up(ct30 * 5 / 100)) <= tolerance",
        ("ct31", "ct30"),
        "Thuế GTGT [31] ({ct31}) không khớp 5% doanh thu [30] ({ct30}).",
        "Output VAT [31] ({ct31}) does not match 5 % of the sales [30] ({ct30}).",
    ),
    Rule(
        "GTGT-040B",
        Severity.REJECT,
        "ct40b <= ct40a",
        ("ct40b", "ct40a"),
        "Chỉ tiêu [40b] ({ct40b}) không được lớn hơn chỉ tiêu [40a] ({ct40a}).",
        "[40b] ({ct40b}) may not exceed [40a] ({ct40a}).",
    ),
    Rule(
        "GTGT-042",
        Severity.REJECT,
        "ct42 <= ct41",
        ("ct42", "ct41"),
        "Thuế đề nghị hoàn [42] ({ct42}) không được lớn hơn thuế chưa khấu trừ hết [41] ({ct41}).",
        "The refund claimed [42] ({ct42}) may not exceed the unused credit [41] ({ct41}).",
    ),
)
_FULL_RATE = Rule(
    "GTGT-033",
    Severity.REJECT,
    f"abs(ct33 - {_TEN_PERCENT}) <= tolerance",
    ("ct33", "ct32"),
    "Thuế GTGT [33] ({ct33}) không khớp 10% doanh thu [32] ({ct32}).",
    "Output VAT [33] ({ct33}) does not match 10 % of the sales [32] ({ct32}).",
)
# From February 2022 goods and services at 10 % may be invoiced at 8 % (filings/vat_reduction.py): [33] may then lie
# below 10 % * [32] by as much as the reduction the appendix lists, and that reduction is at most 2 % of [32].
_REDUCED_RATE = (
    Rule(
        "GTGT-033",
        Severity.REJECT,
        f"{_TEN_PERCENT} - vat_reduction - tolerance <= ct33 <= {_TEN_PERCENT} + tolerance",
        ("ct33", "ct32"),
        "Thuế GTGT [33] ({ct33}) không khớp 10% doanh thu [32] ({ct32}) trừ số thuế GTGT được giảm theo phụ lục "
        "({vat_reduction}).",
        "Output VAT [33] ({ct33}) does not match 10 % of the sales [32] ({ct32}) less the reduction the appendix "
        "lists ({vat_reduction}).",
    ),
    Rule(
        "GTGT-PL-GIAM-KY",
        Severity.REJECT,
        "vat_reduction == 0 or reduced_rate_in_force == 1",
        ("ct33",),
        "Phụ lục giảm thuế GTGT ({vat_reduction}) khai cho kỳ không thuộc thời gian áp dụng mức thuế suất 8%.",
        "The reduced-rate appendix ({vat_reduction}) is for a period in which no act applied the 8 % rate.",
    ),
    Rule(
        "GTGT-PL-GIAM",
        Severity.REJECT,
        "vat_reduction <= round_half_up(ct32 * 2 / 100) + tolerance",
        ("ct33", "ct32"),
        "Số thuế GTGT được giảm theo phụ lục ({vat_reduction}) lớn hơn 2% doanh thu [32] ({ct32}).",
        "The reduction the appendix lists ({vat_reduction}) exceeds 2 % of the sales at 10 % [32] ({ct32}).",
    ),
)
_IMPORT_RULES = (
    Rule(
        "GTGT-023A",
        Severity.WARNING,
        "ct23a <= ct23 and ct24a <= ct24",
        ("ct23a", "ct24a"),
        "Hàng nhập khẩu [23a] ({ct23a}), [24a] ({ct24a}) lớn hơn tổng mua vào [23] ({ct23}), [24] ({ct24}).",
        "Imports [23a] ({ct23a}), [24a] ({ct24a}) exceed the purchases [23] ({ct23}), [24] ({ct24}).",
    ),
)
_NAME_VI = "Tờ khai thuế giá trị gia tăng (phương pháp khấu trừ)"
_NAME_EN = "VAT return (credit method)"


def _version(
    *,
    htkk_code: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    indicators: tuple[Indicator, ...],
    rules: tuple[Rule, ...],
    basis: str,
) -> FormVersion:
    return FormVersion(
        code="01/GTGT",
        slug="01-GTGT",
        name_vi=_NAME_VI,
        name_en=_NAME_EN,
        tax_type="VAT",
        period_kinds=(PeriodKind.MONTH, PeriodKind.QUARTER),
        deadline_rules=MONTHLY_OR_QUARTERLY,
        payable_indicator="ct40",
        sub_item="1701",
        carry_forward=MappingProxyType({"ct22": "ct43"}),
        rate_tolerance=VAT_RATE_TOLERANCE,
        htkk_code=htkk_code,
        valid_from=valid_from,
        valid_to=valid_to,
        indicators=indicators,
        rules=rules,
        basis=basis,
    )


VAT_01_GTGT_TT26 = _version(
    htkk_code="01",
    valid_from=TT26_FROM,
    valid_to=TT80_FROM - datetime.timedelta(days=1),
    indicators=(
        *_OPENING,
        *_PURCHASES,
        *_SALES,
        Indicator(
            "ct39",
            "Thuế GTGT đã nộp ở địa phương khác của hoạt động kinh doanh xây dựng, lắp đặt, bán hàng, bất động sản "
            "ngoại tỉnh",
            "VAT paid in other provinces on construction, installation and sales there",
        ),
        *_settlement("ct39"),
    ),
    rules=(*_COMMON_RULES, _FULL_RATE),
    basis="Thông tư 26/2015/TT-BTC, Phụ lục 1, mẫu 01/GTGT",
)
VAT_01_GTGT_TT80 = _version(
    htkk_code="842",
    valid_from=TT80_FROM,
    valid_to=None,
    indicators=(
        *_PLACE,
        *_OPENING,
        *_PURCHASES,
        *_IMPORTS,
        *_SALES,
        Indicator("ct39a", "Thuế GTGT nhận bàn giao được khấu trừ trong kỳ", "VAT credit received on transfer"),
        *_settlement("ct39a"),
    ),
    rules=(*_COMMON_RULES, *_REDUCED_RATE, *_IMPORT_RULES),
    basis="Thông tư 80/2021/TT-BTC, Phụ lục II, mẫu 01/GTGT",
)
