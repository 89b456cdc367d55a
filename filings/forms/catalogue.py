"""The forms the office receives, as dated versions (DOMAIN.md §0, §3). Pure.

A new version of a form is a new :class:`FormVersion` with a later ``valid_from`` (and the old one's ``valid_to``
set to the day before): returns are checked against the version in force at the end of their period.
"""

import datetime
from collections.abc import Sequence
from types import MappingProxyType

from filings.forms.model import FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.forms.vat import MONTHLY_OR_QUARTERLY, VAT_01_GTGT_TT26, VAT_01_GTGT_TT80
from filings.periods import DeadlineRule, PeriodKind

# Decree 126/2020 and Circular 80/2021 forms, as used from 2021 on.
SINCE_2021 = datetime.date(2021, 1, 1)
PIT_RATE_TOLERANCE = 10_000
CIT_RATE_TOLERANCE = 0

_NOTHING_CARRIED: MappingProxyType[str, str] = MappingProxyType({})

VAT_01_GTGT = VAT_01_GTGT_TT80

PIT_05_KK_TNCN = FormVersion(
    code="05/KK-TNCN",
    slug="05-KK-TNCN",
    htkk_code="864",
    name_vi="Tờ khai khấu trừ thuế thu nhập cá nhân (tổ chức, cá nhân trả thu nhập từ tiền lương, tiền công)",
    name_en="PIT withheld from wages and salaries",
    tax_type="PIT",
    period_kinds=(PeriodKind.MONTH, PeriodKind.QUARTER),
    deadline_rules=MONTHLY_OR_QUARTERLY,
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
            "Thuế TNDN phải nộp (theo thuế suất của năm tính thuế)",
            "CIT payable (at the year's rate, filings/cit_rates.py)",
            formula="round_half_up(ct02 * cit_rate / 100)",
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

CATALOGUE: tuple[FormVersion, ...] = (VAT_01_GTGT_TT26, VAT_01_GTGT_TT80, PIT_05_KK_TNCN, CIT_03_TNDN)


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


def find_filed_version(
    htkk_code: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE
) -> tuple[FormVersion, FormVersion | None]:
    """The version a file's form code names, for a period ending ``on``, and the version in force when it is another.

    ``(version, None)`` when a version of that code is in force on ``on``; otherwise ``(the code's version nearest in
    time, the form's version in force)``, so that the return can be rejected with a rule naming both, as the
    authority does, rather than refused as unreadable.

    Raises:
        UnknownFormError: no version has that code, or no version of its form is in force on ``on``.
    """
    key = htkk_code.strip()
    versions = sorted((f for f in catalogue if f.htkk_code == key), key=lambda f: f.valid_from)
    if not versions:
        raise UnknownFormError(f"there is no form {htkk_code!r}")
    for version in versions:
        if version.in_force_on(on):
            return version, None
    current = find_form(versions[0].code, on, catalogue)
    nearest = versions[-1] if versions[-1].valid_from <= on else versions[0]
    return nearest, current


def forms_for_tax_type(
    tax_type: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE
) -> list[FormVersion]:
    """The versions in force on ``on`` of the forms for a tax type (``VAT``, ``PIT``, ``CIT``)."""
    key = tax_type.strip().upper()
    return sorted((f for f in catalogue if f.tax_type == key and f.in_force_on(on)), key=lambda f: f.code)
