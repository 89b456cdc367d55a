"""The forms the office receives, as dated versions (DOMAIN.md §0, §3). Pure.

A new version of a form is a new :class:`FormVersion` with a later ``valid_from`` (and the old one's ``valid_to``
set to the day before): returns are checked against the version in force at the end of their period.
"""

import datetime
from collections.abc import Sequence
from types import MappingProxyType

from filings.forms.model import FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.periods import DeadlineRule, PeriodKind

# Decree 126/2020 and Circular 80/2021 forms, as used from 2021 on.
SINCE_2021 = datetime.date(2021, 1, 1)
# How far declared output VAT may stray from the rate times the sales (đồng) before it is rejected [open]:
# VAT is rounded invoice by invoice, so the total drifts from the rate times the total sales by a few đồng per invoice.
VAT_RATE_TOLERANCE = 10_000
PIT_RATE_TOLERANCE = 10_000
CIT_RATE_TOLERANCE = 0

_MONTHLY_OR_QUARTERLY = MappingProxyType(
    {
        PeriodKind.MONTH: DeadlineRule.MONTHLY_20TH,
        PeriodKind.QUARTER: DeadlineRule.QUARTER_END_OF_FIRST_MONTH,
    }
)
_NOTHING_CARRIED: MappingProxyType[str, str] = MappingProxyType({})
_X = "ct36 - ct22 + ct37 - ct38 - ct39a"

VAT_01_GTGT = FormVersion(
    code="01/GTGT",
    slug="01-GTGT",
    htkk_code="842",
    name_vi="Tờ khai thuế giá trị gia tăng (phương pháp khấu trừ)",
    name_en="VAT return (credit method)",
    tax_type="VAT",
    period_kinds=(PeriodKind.MONTH, PeriodKind.QUARTER),
    deadline_rules=_MONTHLY_OR_QUARTERLY,
    valid_from=SINCE_2021,
    valid_to=None,
    indicators=(
        Indicator(
            "ct21",
            "Không phát sinh hoạt động mua, bán trong kỳ (đánh dấu 1)",
            "No purchases or sales in the period (1 = ticked)",
            IndicatorType.INTEGER,
        ),
        Indicator("ct22", "Thuế GTGT còn được khấu trừ kỳ trước chuyển sang", "VAT credit brought forward"),
        Indicator("ct23", "Giá trị hàng hoá, dịch vụ mua vào", "Value of goods and services purchased"),
        Indicator("ct24", "Thuế GTGT của hàng hoá, dịch vụ mua vào", "Input VAT on purchases"),
        Indicator("ct25", "Thuế GTGT được khấu trừ kỳ này", "Deductible input VAT of the period"),
        Indicator("ct26", "Hàng hoá, dịch vụ bán ra không chịu thuế GTGT", "Sales not subject to VAT"),
        Indicator(
            "ct27",
            "Hàng hoá, dịch vụ bán ra chịu thuế GTGT",
            "Sales subject to VAT",
            formula="ct29 + ct30 + ct32 + ct32a",
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
            "ct36",
            "Thuế GTGT phát sinh trong kỳ",
            "VAT arising in the period",
            formula="ct35 - ct25",
            allow_negative=True,
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
        Indicator("ct39a", "Thuế GTGT nhận bàn giao được khấu trừ trong kỳ", "VAT credit received on transfer"),
        Indicator(
            "ct40a",
            "Thuế GTGT phải nộp của hoạt động sản xuất kinh doanh trong kỳ",
            "VAT payable on business activity",
            formula=f"max({_X}, 0)",
        ),
        Indicator(
            "ct40b",
            "Thuế GTGT mua vào của dự án đầu tư được bù trừ với thuế GTGT còn phải nộp",
            "Input VAT of investment projects offset against VAT payable",
        ),
        Indicator("ct40", "Thuế GTGT còn phải nộp trong kỳ", "VAT payable for the period", formula="ct40a - ct40b"),
        Indicator(
            "ct41", "Thuế GTGT chưa khấu trừ hết kỳ này", "VAT credit not used this period", formula=f"max(-({_X}), 0)"
        ),
        Indicator("ct42", "Thuế GTGT đề nghị hoàn", "VAT refund claimed"),
        Indicator(
            "ct43", "Thuế GTGT còn được khấu trừ chuyển kỳ sau", "VAT credit carried forward", formula="ct41 - ct42"
        ),
    ),
    rules=(
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
            "GTGT-033",
            Severity.REJECT,
            "abs(ct33 - round_half_up(ct32 * 10 / 100)) <= tolerance",
            ("ct33", "ct32"),
            "Thuế GTGT [33] ({ct33}) không khớp 10% doanh thu [32] ({ct32}).",
            "Output VAT [33] ({ct33}) does not match 10 % of the sales [32] ({ct32}).",
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
    ),
    payable_indicator="ct40",
    sub_item="1701",
    carry_forward=MappingProxyType({"ct22": "ct43"}),
    rate_tolerance=VAT_RATE_TOLERANCE,
)

PIT_05_KK_TNCN = FormVersion(
    code="05/KK-TNCN",
    slug="05-KK-TNCN",
    htkk_code="864",
    name_vi="Tờ khai khấu trừ thuế thu nhập cá nhân (tổ chức, cá nhân trả thu nhập từ tiền lương, tiền công)",
    name_en="PIT withheld from wages and salaries",
    tax_type="PIT",
    period_kinds=(PeriodKind.MONTH, PeriodKind.QUARTER),
    deadline_rules=_MONTHLY_OR_QUARTERLY,
    valid_from=SINCE_2021,
    valid_to=None,
    indicators=(
        Indicator("ct21", "Tổng số người lao động", "Number of employees", IndicatorType.INTEGER, required=True),
        Indicator(
            "ct22", "Tổng thu nhập chịu thuế trả cho cá nhân", "Total taxable income paid", formula="ct23 + ct24"
        ),
        Indicator(
            "ct23", "Thu nhập chịu thuế trả cho cá nhân cư trú", "Taxable income paid to residents", required=True
        ),
        Indicator("ct24", "Thu nhập chịu thuế trả cho cá nhân không cư trú", "Taxable income paid to non-residents"),
        Indicator("ct25", "Thuế TNCN đã khấu trừ của cá nhân cư trú", "PIT withheld from residents"),
        Indicator(
            "ct26", "Thuế TNCN đã khấu trừ của cá nhân không cư trú (20%)", "PIT withheld from non-residents (20 %)"
        ),
        Indicator("ct27", "Tổng số thuế TNCN đã khấu trừ", "Total PIT withheld", formula="ct25 + ct26"),
    ),
    rules=(
        Rule(
            "TNCN-021",
            Severity.WARNING,
            "ct22 == 0 or ct21 >= 1",
            ("ct21", "ct22"),
            "Có thu nhập trả cho cá nhân [22] ({ct22}) nhưng số người lao động [21] là {ct21}.",
            "Taxable income was paid [22] ({ct22}) but the number of employees [21] is {ct21}.",
        ),
        Rule(
            "TNCN-025",
            Severity.REJECT,
            "ct25 <= ct23",
            ("ct25", "ct23"),
            "Thuế đã khấu trừ của cá nhân cư trú [25] ({ct25}) lớn hơn thu nhập chịu thuế [23] ({ct23}).",
            "PIT withheld from residents [25] ({ct25}) exceeds their taxable income [23] ({ct23}).",
        ),
        Rule(
            "TNCN-026",
            Severity.WARNING,
            "abs(ct26 - round_half_up(ct24 * 20 / 100)) <= tolerance",
            ("ct26", "ct24"),
            "Thuế khấu trừ của cá nhân không cư trú [26] ({ct26}) không khớp 20% thu nhập [24] ({ct24}).",
            "PIT withheld from non-residents [26] ({ct26}) does not match 20 % of their income [24] ({ct24}).",
        ),
        Rule(
            "TNCN-027",
            Severity.REJECT,
            "ct27 <= ct22",
            ("ct27", "ct22"),
            "Tổng thuế đã khấu trừ [27] ({ct27}) lớn hơn tổng thu nhập chịu thuế [22] ({ct22}).",
            "Total PIT withheld [27] ({ct27}) exceeds the total taxable income paid [22] ({ct22}).",
        ),
    ),
    payable_indicator="ct27",
    sub_item="1001",
    carry_forward=_NOTHING_CARRIED,
    rate_tolerance=PIT_RATE_TOLERANCE,
)

CIT_03_TNDN = FormVersion(
    code="03/TNDN",
    slug="03-TNDN",
    htkk_code="892",
    name_vi="Tờ khai quyết toán thuế thu nhập doanh nghiệp",
    name_en="Annual corporate income tax return",
    tax_type="CIT",
    period_kinds=(PeriodKind.YEAR,),
    deadline_rules=MappingProxyType({PeriodKind.YEAR: DeadlineRule.YEAR_END_OF_THIRD_MONTH}),
    valid_from=SINCE_2021,
    valid_to=None,
    indicators=(
        Indicator("ct01", "Doanh thu bán hàng hoá, cung cấp dịch vụ", "Revenue", required=True),
        Indicator("ct02", "Thu nhập tính thuế", "Taxable income", required=True),
        Indicator(
            "ct03",
            "Thuế TNDN phải nộp (thuế suất 20%)",
            "CIT payable (20 % rate)",
            formula="round_half_up(ct02 * 20 / 100)",
        ),
        Indicator("ct04", "Thuế TNDN đã tạm nộp trong năm", "Provisional CIT paid during the year"),
        Indicator("ct05", "Thuế TNDN còn phải nộp", "CIT still due", formula="max(ct03 - ct04, 0)"),
        Indicator("ct06", "Thuế TNDN nộp thừa", "CIT overpaid", formula="max(ct04 - ct03, 0)"),
    ),
    rules=(
        Rule(
            "TNDN-002",
            Severity.WARNING,
            "ct02 <= ct01",
            ("ct02", "ct01"),
            "Thu nhập tính thuế [02] ({ct02}) lớn hơn doanh thu [01] ({ct01}).",
            "Taxable income [02] ({ct02}) exceeds the revenue [01] ({ct01}).",
        ),
    ),
    payable_indicator="ct05",
    sub_item="1052",
    carry_forward=_NOTHING_CARRIED,
    rate_tolerance=CIT_RATE_TOLERANCE,
)

CATALOGUE: tuple[FormVersion, ...] = (VAT_01_GTGT, PIT_05_KK_TNCN, CIT_03_TNDN)


class UnknownFormError(KeyError):
    """No such form, or no version of it in force on the date asked."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown form"


def all_forms(catalogue: Sequence[FormVersion] = CATALOGUE) -> list[FormVersion]:
    """Every version of every form: past, current and announced."""
    return sorted(catalogue, key=lambda f: (f.code, f.valid_from))


def _in_force(matches: list[FormVersion], asked: str, on: datetime.date) -> FormVersion:
    if not matches:
        raise UnknownFormError(f"there is no form {asked!r}")
    for version in matches:
        if version.in_force_on(on):
            return version
    raise UnknownFormError(f"form {asked!r} has no version in force on {on.isoformat()}")


def find_form(slug_or_code: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE) -> FormVersion:
    """The version of a form in force on ``on``, by slug (``01-GTGT``) or code (``01/GTGT``), in any case.

    Raises:
        UnknownFormError: no such form, or no version of it in force that day.
    """
    key = slug_or_code.strip().upper()
    return _in_force([f for f in catalogue if key in {f.code.upper(), f.slug.upper()}], slug_or_code, on)


def find_by_htkk(htkk_code: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE) -> FormVersion:
    """The version of a form in force on ``on``, by its HTKK code (``maTKhai``, e.g. ``842``).

    Raises:
        UnknownFormError: no such form, or no version of it in force that day.
    """
    key = htkk_code.strip()
    return _in_force([f for f in catalogue if f.htkk_code == key], htkk_code, on)


def forms_for_tax_type(
    tax_type: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE
) -> list[FormVersion]:
    """The versions in force on ``on`` of the forms for a tax type (``VAT``, ``PIT``, ``CIT``)."""
    key = tax_type.strip().upper()
    return sorted((f for f in catalogue if f.tax_type == key and f.in_force_on(on)), key=lambda f: f.code)
