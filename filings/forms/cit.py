"""03/TNDN, the annual CIT return (revenue-cost method): what its generations share. Pure.

Circular 80/2021 Appendix II form 03/TNDN as HTKK lays it out (``maTKhai`` 892): A accounting profit, B adjustments
to taxable income, C tax on business income, D tax on real-estate transfers, E tax payable for the year, G tax paid
provisionally, H the difference per activity, I tax still due ([I] = [E] - [G]). The generations differ only in
how [C7] is filed and taxed (``filings/forms/cit_2021.py``, ``filings/forms/cit_2025.py``).
"""

import datetime
from types import MappingProxyType

from filings.forms.model import FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.periods import DeadlineRule, PeriodKind

CIT_RATE_TOLERANCE = 1_000


def money(code: str, vi: str, en: str, formula: str | None = None, *, signed: bool = False) -> Indicator:
    """A money box ``ct<code>``, computed when it has a formula, negative only when ``signed``."""
    return Indicator(f"ct{code}", vi, en, formula=formula, allow_negative=signed)


def _sum(parts: str) -> str:
    return " + ".join(f"ct{p}" for p in parts.split())


# The header's filled boxes, as HTKK writes them in ``CTieuTKhaiChinh/Header``: [04] the trade with the largest share
# of revenue (its code and name) and [05] that share in per cent, written with two decimals (``100.00``).
_HEADER = (
    Indicator(
        "ct04_ma",
        "Ngành nghề có tỷ lệ doanh thu cao nhất (mã)",
        "Trade with the largest share of revenue (code)",
        type=IndicatorType.TEXT,
    ),
    Indicator(
        "ct04_ten",
        "Ngành nghề có tỷ lệ doanh thu cao nhất (tên)",
        "Trade with the largest share of revenue (name)",
        type=IndicatorType.TEXT,
    ),
    Indicator("ct05", "Tỷ lệ (%)", "Its share of revenue (%)", type=IndicatorType.TEXT),
)
_A_B = (
    money("A1", "Tổng lợi nhuận kế toán trước thuế thu nhập doanh nghiệp", "Accounting profit before CIT", signed=True),
    money(
        "B1", "Điều chỉnh tăng tổng lợi nhuận trước thuế", "Adjustments increasing profit", _sum("B2 B3 B4 B5 B6 B7")
    ),
    money("B2", "Các khoản điều chỉnh tăng doanh thu", "Revenue adjusted upwards"),
    money("B3", "Chi phí của phần doanh thu điều chỉnh giảm", "Costs of revenue adjusted downwards"),
    money("B4", "Các khoản chi không được trừ khi xác định thu nhập chịu thuế", "Non-deductible expenses"),
    money("B5", "Thuế thu nhập đã nộp cho phần thu nhập nhận được ở nước ngoài", "Income tax paid abroad"),
    money(
        "B6",
        "Điều chỉnh tăng lợi nhuận do xác định giá thị trường đối với giao dịch liên kết",
        "Transfer-pricing adjustment",
    ),
    money("B7", "Các khoản điều chỉnh làm tăng lợi nhuận trước thuế khác", "Other increases"),
    money("B8", "Điều chỉnh giảm tổng lợi nhuận trước thuế", "Adjustments decreasing profit", _sum("B9 B10 B11 B12")),
    money("B9", "Giảm trừ các khoản doanh thu đã tính thuế năm trước", "Revenue taxed in an earlier year"),
    money("B10", "Chi phí của phần doanh thu điều chỉnh tăng", "Costs of revenue adjusted upwards"),
    money(
        "B11",
        "Chi phí lãi vay không được trừ kỳ trước được chuyển sang kỳ này",
        "Interest carried over from earlier years",
    ),
    money("B12", "Các khoản điều chỉnh làm giảm lợi nhuận trước thuế khác", "Other decreases"),
    money("B13", "Tổng thu nhập chịu thuế", "Total taxable income", "ctA1 + ctB1 - ctB8", signed=True),
    money("B14", "Thu nhập chịu thuế từ hoạt động sản xuất kinh doanh", "Taxable business income", signed=True),
    money(
        "B15", "Thu nhập chịu thuế từ hoạt động chuyển nhượng bất động sản", "Taxable real-estate income", signed=True
    ),
)
_C_TO_C6 = (
    money("C1", "Thu nhập chịu thuế", "Taxable income", "ctB14", signed=True),
    money("C2", "Thu nhập miễn thuế", "Exempt income"),
    # HTKK's list of [C2] by kind of exempt income (``dsThMienThue/thMienThue``), read as the rows' total.
    money("C2_soThuNhap", "Thu nhập miễn thuế theo loại thu nhập", "Exempt income by kind (the list's total)"),
    money("C3", "Chuyển lỗ và bù trừ lãi, lỗ", "Losses carried forward and offset", _sum("C3a C3b")),
    money("C3a", "Lỗ từ hoạt động sản xuất kinh doanh được chuyển trong kỳ", "Business losses carried forward"),
    money(
        "C3b",
        "Lỗ từ chuyển nhượng bất động sản được bù trừ với lãi của hoạt động sản xuất kinh doanh",
        "Real-estate losses offset",
    ),
    money("C4", "Thu nhập tính thuế", "Assessable income", "ctC1 - ctC2 - ctC3", signed=True),
    money("C5", "Trích lập quỹ khoa học công nghệ", "Science and technology fund"),
    money(
        "C6",
        "Thu nhập tính thuế sau khi đã trích lập quỹ khoa học công nghệ",
        "Assessable income after the fund",
        "ctC4 - ctC5",
        signed=True,
    ),
)


def _c8_to_c17(c9_formula: str) -> tuple[Indicator, ...]:
    return (
        money("C8", "Thu nhập tính thuế tính theo thuế suất không ưu đãi khác", "Assessable income at another rate"),
        Indicator("ctC8a", "Thuế suất không ưu đãi khác (%)", "The other rate (%)", type=IndicatorType.INTEGER),
        money(
            "C9",
            "Thuế TNDN từ hoạt động sản xuất kinh doanh tính theo thuế suất không ưu đãi",
            "CIT on business income at non-preferential rates",
            c9_formula,
        ),
        money("C10", "Thuế TNDN được ưu đãi theo Luật thuế TNDN", "CIT relief under the CIT law", _sum("C11 C12 C13")),
        money("C11", "Thuế TNDN chênh lệch do áp dụng mức thuế suất ưu đãi", "Relief from preferential rates"),
        money("C12", "Thuế TNDN được miễn trong kỳ", "CIT exempted"),
        money("C13", "Thuế TNDN được giảm trong kỳ", "CIT reduced"),
        money("C14", "Thuế TNDN được miễn, giảm theo Hiệp định thuế", "Relief under tax treaties"),
        money("C15", "Thuế TNDN được miễn, giảm theo từng thời kỳ", "Relief granted for a time"),
        money("C16", "Thuế thu nhập đã nộp ở nước ngoài được trừ trong kỳ tính thuế", "Foreign tax credited"),
        money(
            "C17",
            "Thuế TNDN phải nộp của hoạt động sản xuất kinh doanh",
            "CIT payable on business income",
            "ctC9 - ctC10 - ctC14 - ctC15 - ctC16",
            signed=True,
        ),
    )


_D = (
    money("D1", "Thu nhập chịu thuế từ chuyển nhượng bất động sản", "Taxable real-estate income", "ctB15", signed=True),
    money(
        "D2", "Lỗ từ hoạt động chuyển nhượng bất động sản được chuyển trong kỳ", "Real-estate losses carried forward"
    ),
    money("D3", "Thu nhập tính thuế", "Assessable real-estate income", "ctD1 - ctD2", signed=True),
    money("D4", "Trích lập quỹ khoa học công nghệ", "Science and technology fund"),
    money(
        "D5",
        "Thu nhập tính thuế sau khi đã trích lập quỹ khoa học công nghệ",
        "After the fund",
        "ctD3 - ctD4",
        signed=True,
    ),
    money("D6", "Thuế TNDN phải nộp của hoạt động chuyển nhượng bất động sản trong kỳ", "CIT on real-estate transfers"),
    money("D7", "Thuế TNDN chênh lệch do ưu đãi đối với dự án nhà ở xã hội", "Relief for social housing projects"),
    money(
        "D8",
        "Thuế TNDN của hoạt động chuyển nhượng bất động sản còn phải nộp kỳ này",
        "Real-estate CIT payable",
        "ctD6 - ctD7",
        signed=True,
    ),
)
_E_TO_I = (
    money("E", "Số thuế TNDN phải nộp quyết toán trong kỳ", "CIT payable for the year", _sum("E1 E2 E5"), signed=True),
    money("E1", "Thuế TNDN của hoạt động sản xuất kinh doanh", "Business CIT", signed=True),
    money("E2", "Thuế TNDN từ hoạt động chuyển nhượng bất động sản", "Real-estate CIT", _sum("E3 E4")),
    money("E3", "Thuế TNDN từ hoạt động chuyển nhượng bất động sản", "Real-estate transfers"),
    money(
        "E4",
        "Thuế TNDN từ chuyển nhượng cơ sở hạ tầng, nhà có thu tiền theo tiến độ",
        "Infrastructure and homes paid in stages",
    ),
    money("E5", "Thuế TNDN phải nộp khác", "Other CIT payable"),
    money("E6", "Trong đó thuế TNDN từ xử lý Quỹ phát triển khoa học công nghệ", "Of which: from the science fund"),
    money("G", "Số thuế TNDN đã tạm nộp", "CIT paid provisionally", _sum("G1 G2 G3 G4 G5")),
    money("G1", "Thuế TNDN nộp thừa kỳ trước chuyển sang kỳ này", "Overpayment brought forward"),
    money("G2", "Thuế TNDN đã tạm nộp trong năm", "Provisional business CIT paid"),
    money(
        "G3",
        "Thuế TNDN nộp thừa kỳ trước chuyển sang của hoạt động chuyển nhượng bất động sản",
        "Real-estate overpayment brought forward",
    ),
    money(
        "G4",
        "Thuế TNDN đã tạm nộp trong năm của hoạt động chuyển nhượng bất động sản",
        "Provisional real-estate CIT paid",
    ),
    money(
        "G5",
        "Thuế TNDN đã tạm nộp của chuyển nhượng cơ sở hạ tầng, nhà có thu tiền theo tiến độ",
        "Provisional CIT on staged sales",
    ),
    money("H", "Chênh lệch giữa số thuế phải nộp và số thuế đã tạm nộp", "Difference payable less paid", signed=True),
    money(
        "H1",
        "Chênh lệch số thuế phải nộp và đã tạm nộp của hoạt động sản xuất kinh doanh",
        "Business difference",
        "ctE1 + ctE5 - ctG2",
        signed=True,
    ),
    money(
        "H2",
        "Chênh lệch số thuế phải nộp và đã tạm nộp của chuyển nhượng bất động sản",
        "Real-estate difference",
        "ctE3 - ctG4",
        signed=True,
    ),
    money(
        "H3",
        "Chênh lệch số thuế phải nộp và đã tạm nộp của chuyển nhượng theo tiến độ",
        "Staged-sales difference",
        "ctE4 - ctG5",
        signed=True,
    ),
    money(
        "I",
        "Số thuế TNDN còn phải nộp đến thời hạn nộp hồ sơ khai quyết toán thuế",
        "CIT still due",
        "ctE - ctG",
        signed=True,
    ),
    money(
        "I1",
        "Thuế TNDN còn phải nộp của hoạt động sản xuất kinh doanh",
        "Business CIT still due",
        "ctE1 + ctE5 - ctG1 - ctG2",
        signed=True,
    ),
    money(
        "I2",
        "Thuế TNDN còn phải nộp của hoạt động chuyển nhượng bất động sản",
        "Real-estate CIT still due",
        "ctE2 - ctG3 - ctG4 - ctG5",
        signed=True,
    ),
)


def _rules(c7: str) -> tuple[Rule, ...]:
    """The checks every generation makes; ``c7`` is its box for the income at the general rate."""
    return (
        Rule(
            "TNDN-B13",
            Severity.WARNING,
            "ctB14 + ctB15 == ctB13",
            ("ctB14", "ctB15"),
            "[B14] ({ctB14}) + [B15] ({ctB15}) khác tổng thu nhập chịu thuế [B13] ({ctB13}).",
            "[B14] ({ctB14}) + [B15] ({ctB15}) differ from the total taxable income [B13] ({ctB13}).",
        ),
        Rule(
            "TNDN-C6",
            Severity.WARNING,
            f"ctC6 <= 0 or {c7} + ctC8 == ctC6",
            (c7, "ctC8"),
            f"[C7] ({{{c7}}}) + [C8] ({{ctC8}}) khác thu nhập tính thuế [C6] ({{ctC6}}).",
            f"[C7] ({{{c7}}}) + [C8] ({{ctC8}}) differ from the assessable income [C6] ({{ctC6}}).",
        ),
        Rule(
            "TNDN-E1",
            Severity.WARNING,
            "abs(ctE1 - max(ctC17, 0)) <= tolerance and ctE3 + ctE4 <= max(ctD8, 0) + tolerance",
            ("ctE1", "ctC17"),
            "Thuế TNDN phải nộp [E1] ({ctE1}) khác thuế của hoạt động sản xuất kinh doanh [C17] ({ctC17}).",
            "The business CIT payable [E1] ({ctE1}) differs from the tax computed in [C17] ({ctC17}).",
        ),
    )


def cit_version(
    *,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    c7: tuple[Indicator, ...],
    c9_formula: str,
    rules: tuple[Rule, ...] = (),
    basis: str,
) -> FormVersion:
    """A generation of 03/TNDN: the shared boxes with its own [C7] (``c7``, the income box first) and [C9]."""
    return FormVersion(
        code="03/TNDN",
        slug="03-TNDN",
        htkk_code="892",
        name_vi="Tờ khai quyết toán thuế thu nhập doanh nghiệp",
        name_en="Annual corporate income tax return",
        tax_type="CIT",
        period_kinds=(PeriodKind.YEAR,),
        deadline_rules=MappingProxyType({PeriodKind.YEAR: DeadlineRule.YEAR_END_OF_THIRD_MONTH}),
        valid_from=valid_from,
        valid_to=valid_to,
        indicators=(*_HEADER, *_A_B, *_C_TO_C6, *c7, *_c8_to_c17(c9_formula), *_D, *_E_TO_I),
        rules=(*rules, *_rules(c7[0].code)),
        payable_indicator="ctI",
        sub_item="1052",
        carry_forward=MappingProxyType({}),
        rate_tolerance=CIT_RATE_TOLERANCE,
        basis=basis,
    )
