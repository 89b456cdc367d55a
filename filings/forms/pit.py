"""05/KK-TNCN, PIT withheld from wages and salaries, in its two generations (docs/filings.md). Pure.

- Circular 92/2015/TT-BTC (HTKK ``maTKhai`` 394): periods up to December 2021. Boxes [21]-[36] as HTKK's
  stylesheet for the form prints them: [21], [22] count employees, [23]-[25] the individuals withheld from, [26]-[34]
  are amounts; the tax withheld [32] is what is payable; [35], [36] the income and tax on insurance bought abroad.
- Circular 80/2021/TT-BTC Appendix II (``maTKhai`` 864): periods from January 2022. Boxes [15]-[32] as HTKK writes
  and prints them (its stylesheet, and the real return in tests/fixtures/htkk/real): [15] is the tick box for tax
  allocated to dependent units in other provinces, [16]-[20] count people, [21]-[32] are amounts; adds the income
  exempt under an oil and gas contract [25]; the tax withheld [29] is what is payable.
"""

import datetime
from dataclasses import dataclass
from types import MappingProxyType

from filings.forms.model import FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.forms.vat import MONTHLY_OR_QUARTERLY, TT80_FROM
from filings.periods import PeriodKind

PIT_RATE_TOLERANCE = 10_000
# Circular 92/2015/TT-BTC took effect on 30 July 2015.
TT92_FROM = datetime.date(2015, 7, 30)
_RESIDENT, _NON_RESIDENT = "Cá nhân cư trú", "Cá nhân không cư trú"
_INSURANCE_VI = (
    "tiền phí mua bảo hiểm nhân thọ, bảo hiểm không bắt buộc khác của doanh nghiệp bảo hiểm không thành lập tại "
    "Việt Nam cho người lao động"
)


def _count(code: str, vi: str, en: str, *, required: bool = False) -> Indicator:
    return Indicator(code, vi, en, IndicatorType.INTEGER, required=required)


def _split(boxes: tuple[int, int, int], vi: str, en: str, *, count: bool = False) -> tuple[Indicator, ...]:
    """A total and its resident and non-resident parts (boxes in that order), the total computed as their sum."""
    kind = IndicatorType.INTEGER if count else IndicatorType.MONEY
    total, resident, non_resident = (f"ct{box}" for box in boxes)
    return (
        Indicator(total, vi, en, kind, formula=f"{resident} + {non_resident}"),
        Indicator(resident, _RESIDENT, "Residents", kind),
        Indicator(non_resident, _NON_RESIDENT, "Non-residents", kind),
    )


@dataclass(frozen=True)
class _Boxes:
    """Where a generation puts the boxes both have: a number, or (total, residents, non-residents)."""

    employees: int
    with_contract: int
    people: tuple[int, int, int]
    paid: tuple[int, int, int]
    subject: tuple[int, int, int]
    withheld: tuple[int, int, int]
    insurance_income: int
    insurance_tax: int


def _ct(box: int) -> str:
    return f"ct{box}"


def _indicators(b: _Boxes, oil_and_gas: tuple[Indicator, ...] = ()) -> tuple[Indicator, ...]:
    """The boxes in the form's order; ``oil_and_gas`` follows the insurance income (Circular 80's [25])."""
    insurance = (
        Indicator(
            _ct(b.insurance_income),
            f"Trong đó: tổng TNCT từ {_INSURANCE_VI}",
            "Of which: from life and other insurance bought abroad",
        ),
        *oil_and_gas,
    )
    # Circular 80 puts the insurance income under the income paid; Circular 92 after the tax withheld.
    early, late = (insurance, ()) if b.insurance_income < b.subject[0] else ((), insurance)
    return (
        _count(_ct(b.employees), "Tổng số người lao động", "Number of employees", required=True),
        _count(
            _ct(b.with_contract),
            "Trong đó: cá nhân cư trú có hợp đồng lao động",
            "Of which: residents with a labour contract",
        ),
        *_split(b.people, "Tổng số cá nhân đã khấu trừ thuế", "Individuals whose tax was withheld", count=True),
        *_split(b.paid, "Tổng thu nhập chịu thuế (TNCT) trả cho cá nhân", "Taxable income paid"),
        *early,
        *_split(
            b.subject,
            "Tổng TNCT trả cho cá nhân thuộc diện phải khấu trừ thuế",
            "Taxable income subject to withholding",
        ),
        *_split(b.withheld, "Tổng số thuế thu nhập cá nhân đã khấu trừ", "PIT withheld"),
        *late,
        Indicator(
            _ct(b.insurance_tax),
            f"Trong đó: tổng số thuế TNCN đã khấu trừ trên {_INSURANCE_VI}",
            "Of which: withheld on insurance bought abroad",
        ),
    )


def _rules(b: _Boxes, of_which: tuple[tuple[int, int], ...]) -> tuple[Rule, ...]:
    """The checks both generations make, each named by that generation's box.

    ``of_which`` pairs each "of which" box with its total; the last pair names the rule.
    """
    employees, contract = b.employees, b.with_contract
    (paid, paid_r, paid_n), (subj, subj_r, subj_n), (tax, tax_r, tax_n) = b.paid, b.subject, b.withheld
    parts = [f"[{box}] ({{ct{box}}})" for box, _ in of_which]
    return (
        Rule(
            f"TNCN-{contract:03d}",
            Severity.WARNING,
            f"ct{contract} <= ct{employees}",
            (_ct(contract), _ct(employees)),
            f"Số cá nhân cư trú có hợp đồng lao động [{contract}] ({{ct{contract}}}) lớn hơn tổng số người lao động "
            f"[{employees}] ({{ct{employees}}}).",
            f"Residents with a labour contract [{contract}] ({{ct{contract}}}) exceed the number of employees "
            f"[{employees}] ({{ct{employees}}}).",
        ),
        Rule(
            f"TNCN-{subj:03d}",
            Severity.REJECT,
            f"ct{subj} <= ct{paid} and ct{subj_r} <= ct{paid_r} and ct{subj_n} <= ct{paid_n}",
            (_ct(subj), _ct(paid)),
            f"Thu nhập thuộc diện khấu trừ [{subj}] ({{ct{subj}}}) lớn hơn tổng thu nhập chịu thuế [{paid}] "
            f"({{ct{paid}}}).",
            f"Income subject to withholding [{subj}] ({{ct{subj}}}) exceeds the taxable income paid [{paid}] "
            f"({{ct{paid}}}).",
        ),
        Rule(
            f"TNCN-{tax:03d}",
            Severity.REJECT,
            f"ct{tax_r} <= ct{subj_r} and ct{tax_n} <= ct{subj_n}",
            (_ct(tax), _ct(subj)),
            f"Thuế đã khấu trừ [{tax_r}] ({{ct{tax_r}}}), [{tax_n}] ({{ct{tax_n}}}) lớn hơn thu nhập thuộc diện khấu "
            f"trừ [{subj_r}] ({{ct{subj_r}}}), [{subj_n}] ({{ct{subj_n}}}).",
            f"Tax withheld [{tax_r}] ({{ct{tax_r}}}), [{tax_n}] ({{ct{tax_n}}}) exceeds the income subject to "
            f"withholding [{subj_r}] ({{ct{subj_r}}}), [{subj_n}] ({{ct{subj_n}}}).",
        ),
        Rule(
            f"TNCN-{tax_n:03d}",
            Severity.WARNING,
            f"abs(ct{tax_n} - round_half_up(ct{subj_n} * 20 / 100)) <= tolerance",
            (_ct(tax_n), _ct(subj_n)),
            f"Thuế khấu trừ của cá nhân không cư trú [{tax_n}] ({{ct{tax_n}}}) không khớp 20% thu nhập [{subj_n}] "
            f"({{ct{subj_n}}}).",
            f"PIT withheld from non-residents [{tax_n}] ({{ct{tax_n}}}) does not match 20 % of their income "
            f"[{subj_n}] ({{ct{subj_n}}}).",
        ),
        Rule(
            f"TNCN-{of_which[-1][0]:03d}",
            Severity.WARNING,
            " and ".join(f"ct{box} <= ct{total}" for box, total in of_which),
            tuple(_ct(box) for box, _ in of_which),
            f'Các chỉ tiêu "trong đó" {", ".join(parts)} lớn hơn tổng của chúng.',
            f'The "of which" boxes {", ".join(parts)} exceed their totals.',
        ),
    )


def _version(
    *,
    htkk_code: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    indicators: tuple[Indicator, ...],
    rules: tuple[Rule, ...],
    payable: int,
    basis: str,
) -> FormVersion:
    return FormVersion(
        code="05/KK-TNCN",
        slug="05-KK-TNCN",
        htkk_code=htkk_code,
        name_vi="Tờ khai khấu trừ thuế thu nhập cá nhân (tổ chức, cá nhân trả thu nhập từ tiền lương, tiền công)",
        name_en="PIT withheld from wages and salaries",
        tax_type="PIT",
        period_kinds=(PeriodKind.MONTH, PeriodKind.QUARTER),
        deadline_rules=MONTHLY_OR_QUARTERLY,
        valid_from=valid_from,
        valid_to=valid_to,
        indicators=indicators,
        rules=rules,
        payable_indicator=_ct(payable),
        sub_item="1001",
        carry_forward=MappingProxyType({}),
        rate_tolerance=PIT_RATE_TOLERANCE,
        basis=basis,
    )


_TT92 = _Boxes(21, 22, (23, 24, 25), (26, 27, 28), (29, 30, 31), (32, 33, 34), insurance_income=35, insurance_tax=36)
_TT80 = _Boxes(16, 17, (18, 19, 20), (21, 22, 23), (26, 27, 28), (29, 30, 31), insurance_income=24, insurance_tax=32)

PIT_05_KK_TNCN_TT92 = _version(
    htkk_code="394",
    valid_from=TT92_FROM,
    valid_to=TT80_FROM - datetime.timedelta(days=1),
    indicators=_indicators(_TT92),
    rules=_rules(_TT92, ((35, 26), (36, 32))),
    payable=32,
    basis="Thông tư 92/2015/TT-BTC, mẫu 05/KK-TNCN",
)
PIT_05_KK_TNCN = _version(
    htkk_code="864",
    valid_from=TT80_FROM,
    valid_to=None,
    indicators=(
        _count(
            "ct15",
            "Phân bổ thuế do có đơn vị phụ thuộc tại địa bàn khác (đánh dấu 1)",
            "Tax allocated to units in other provinces (1 = ticked)",
        ),
        *_indicators(
            _TT80,
            oil_and_gas=(
                Indicator(
                    "ct25",
                    "Trong đó: tổng TNCT được miễn theo quy định của Hợp đồng dầu khí",
                    "Of which: exempt under an oil and gas contract",
                ),
            ),
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
        *_rules(_TT80, ((24, 21), (25, 21), (32, 29))),
    ),
    payable=29,
    basis="Thông tư 80/2021/TT-BTC, Phụ lục II, mẫu 05/KK-TNCN",
)
