"""Assessing returns: every 01/GTGT formula with hand-computed figures, every rule passing and failing, and the
office's own findings (types, unknown and missing indicators, negatives, carried-forward credit)."""

import dataclasses
from collections.abc import Mapping

import pytest

from filings.forms import (
    CIT_03_TNDN,
    MAX_AMOUNT,
    PIT_05_KK_TNCN,
    VAT_01_GTGT,
    Assessment,
    Finding,
    FormVersion,
    Severity,
    assess,
)
from filings.parameters import return_parameters
from filings.periods import Period, PeriodKind

M = 1_000_000

# A month with tax to pay. By hand:
#   [27] = 10 + 40 + 300 + 3 = 353 M        [28] = 2 + 30 = 32 M
#   [34] = 5 + 353 = 358 M                  [35] = 32 M        [36] = 32 - 17.5 = 14.5 M
#   x = 14.5 - 1 + 0.5 - 0.2 - 0.3 = 13.5 M → [40a] = 13.5 M, [40] = 13.5 - 1 = 12.5 M, [41] = 0, [43] = 0
PAYABLE = {
    "ct21": 0, "ct22": 1 * M, "ct23": 200 * M, "ct24": 18 * M, "ct25": 17_500_000, "ct26": 5 * M,
    "ct29": 10 * M, "ct30": 40 * M, "ct31": 2 * M, "ct32": 300 * M, "ct32a": 3 * M, "ct33": 30 * M,
    "ct37": 500_000, "ct38": 200_000, "ct39a": 300_000, "ct40b": 1 * M, "ct42": 0,
}  # fmt: skip
PAYABLE_COMPUTED = {
    "ct27": 353 * M, "ct28": 32 * M, "ct34": 358 * M, "ct35": 32 * M, "ct36": 14_500_000,
    "ct40a": 13_500_000, "ct40": 12_500_000, "ct41": 0, "ct43": 0,
}  # fmt: skip

# A month with credit to carry forward (x < 0). By hand:
#   [27] = 50 M, [28] = 5 M, [34] = 50 M, [35] = 5 M, [36] = 5 - 12 = -7 M (allowed negative)
#   x = -7 - 4 + 0 - 1 - 0 = -12 M → [40a] = 0, [40] = 0, [41] = 12 M, [42] = 2 M claimed, [43] = 10 M
CREDIT = {
    "ct22": 4 * M, "ct23": 120 * M, "ct24": 12 * M, "ct25": 12 * M, "ct32": 50 * M, "ct33": 5 * M,
    "ct38": 1 * M, "ct42": 2 * M,
}  # fmt: skip
CREDIT_COMPUTED = {
    "ct27": 50 * M, "ct28": 5 * M, "ct34": 50 * M, "ct35": 5 * M, "ct36": -7 * M,
    "ct40a": 0, "ct40": 0, "ct41": 12 * M, "ct43": 10 * M,
}  # fmt: skip


def rules(assessment: Assessment) -> list[str]:
    return [f.rule for f in assessment.findings]


def only(assessment: Assessment, rule: str) -> Finding:
    found = [f for f in assessment.findings if f.rule == rule]
    assert len(found) == 1, assessment.findings
    return found[0]


def test_payable_month() -> None:
    result = assess(VAT_01_GTGT, PAYABLE)
    assert result.findings == []
    assert result.accepted
    assert result.computed == PAYABLE_COMPUTED
    assert result.tax_payable == 12_500_000
    # Missing optional inputs count as 0; computed indicators not filed are not in ``values``.
    assert result.values == PAYABLE | {"ct23a": 0, "ct24a": 0}
    assert assess(VAT_01_GTGT, {k: v for k, v in PAYABLE.items() if v}).values == PAYABLE | {"ct23a": 0, "ct24a": 0}


def test_payable_month_with_every_computed_figure_filed() -> None:
    result = assess(VAT_01_GTGT, PAYABLE | PAYABLE_COMPUTED)
    assert result.findings == []
    assert result.values == PAYABLE | PAYABLE_COMPUTED | {"ct23a": 0, "ct24a": 0}
    assert result.tax_payable == 12_500_000


def test_credit_carried_forward() -> None:
    result = assess(VAT_01_GTGT, CREDIT | CREDIT_COMPUTED)
    assert result.findings == []
    assert result.computed == CREDIT_COMPUTED
    assert result.tax_payable == 0
    assert result.values["ct21"] == 0
    assert result.values["ct26"] == 0


def test_empty_vat_return_is_nil() -> None:
    result = assess(VAT_01_GTGT, {"ct21": 1})
    assert result.accepted
    assert set(result.computed.values()) == {0}
    assert result.tax_payable == 0


@pytest.mark.parametrize("code", sorted(PAYABLE_COMPUTED))
def test_each_computed_figure_is_checked(code: str) -> None:
    filed = PAYABLE | PAYABLE_COMPUTED | {code: PAYABLE_COMPUTED[code] + 1}
    result = assess(VAT_01_GTGT, filed)
    finding = only(result, f"GTGT-{code}")
    assert rules(result) == [f"GTGT-{code}"]
    assert finding.severity is Severity.REJECT
    assert finding.indicators == (code,)
    assert finding.value == str(PAYABLE_COMPUTED[code] + 1)
    office = f"{PAYABLE_COMPUTED[code]:,}"
    assert office in finding.message_en
    assert office.replace(",", ".") in finding.message_vi
    # The office's figures stand, whatever was filed.
    assert result.computed == PAYABLE_COMPUTED
    assert not result.accepted


def test_filed_payable_differs() -> None:
    result = assess(VAT_01_GTGT, PAYABLE | {"ct40": 12_000_000})
    finding = only(result, "GTGT-ct40")
    assert finding.message_en == "[40] was filed as 12,000,000; the office computes 12,500,000 (ct40a - ct40b)."
    assert finding.message_vi == "Chỉ tiêu [40] khai 12.000.000, cơ quan thuế tính lại 12.500.000 (ct40a - ct40b)."
    assert result.tax_payable == 12_500_000


def test_40b_limit() -> None:
    # [40b] may equal [40a]: nothing left to pay.
    equal = assess(VAT_01_GTGT, PAYABLE | {"ct40b": 13_500_000})
    assert equal.accepted
    assert equal.tax_payable == 0
    # One đồng more is refused; [40] would be negative, the tax payable stays 0.
    over = assess(VAT_01_GTGT, PAYABLE | {"ct40b": 13_500_001})
    finding = only(over, "GTGT-040B")
    assert finding.severity is Severity.REJECT
    assert finding.indicators == ("ct40b", "ct40a")
    assert finding.value == "13500001"
    assert finding.message_en == "[40b] (13,500,001) may not exceed [40a] (13,500,000)."
    assert over.computed["ct40"] == -1
    assert over.tax_payable == 0


def test_42_limit() -> None:
    # The whole unused credit may be claimed back: nothing carried forward.
    whole = assess(VAT_01_GTGT, CREDIT | {"ct42": 12 * M})
    assert whole.accepted
    assert whole.computed["ct43"] == 0
    over = assess(VAT_01_GTGT, CREDIT | {"ct42": 12 * M + 1})
    finding = only(over, "GTGT-042")
    assert finding.indicators == ("ct42", "ct41")
    assert finding.message_vi == (
        "Thuế đề nghị hoàn [42] (12.000.001) không được lớn hơn thuế chưa khấu trừ hết [41] (12.000.000)."
    )


@pytest.mark.parametrize(
    ("sales", "vat", "rule", "accepted"),
    [
        # 5 %: 40 M of sales → 2 M; the tolerance is 10 000 đồng either way.
        ("ct30", {"ct31": 2_010_000}, "GTGT-031", True),
        ("ct30", {"ct31": 1_990_000}, "GTGT-031", True),
        ("ct30", {"ct31": 2_010_001}, "GTGT-031", False),
        ("ct30", {"ct31": 1_989_999}, "GTGT-031", False),
        ("ct30", {"ct31": 2_200_000}, "GTGT-031", False),
        # 10 %: 300 M of sales → 30 M.
        ("ct32", {"ct33": 30_010_000}, "GTGT-033", True),
        ("ct32", {"ct33": 29_989_999}, "GTGT-033", False),
        ("ct32", {"ct33": 24 * M}, "GTGT-033", False),
    ],
)
def test_output_vat_must_match_the_rate(sales: str, vat: dict[str, int], rule: str, accepted: bool) -> None:
    result = assess(VAT_01_GTGT, PAYABLE | vat)
    assert result.accepted is accepted
    if accepted:
        assert result.findings == []
    else:
        finding = only(result, rule)
        assert finding.indicators == (next(iter(vat)), sales)
        assert finding.severity is Severity.REJECT


def test_rate_rounding_half_up() -> None:
    # 5 % of 1 010 đồng is 50.5 → 51; with no tolerance 51 passes and 50 fails.
    strict = _with_tolerance(VAT_01_GTGT, 0)
    assert assess(strict, {"ct30": 1_010, "ct31": 51}).accepted
    assert rules(assess(strict, {"ct30": 1_010, "ct31": 50})) == ["GTGT-031"]


def _with_tolerance(form: FormVersion, tolerance: int) -> FormVersion:
    return dataclasses.replace(form, rate_tolerance=tolerance)


def test_deductible_input_above_purchases_is_a_warning() -> None:
    result = assess(VAT_01_GTGT, PAYABLE | {"ct25": 18_000_001})
    finding = only(result, "GTGT-025")
    assert finding.severity is Severity.WARNING
    assert result.accepted
    assert assess(VAT_01_GTGT, PAYABLE | {"ct25": 18 * M}).findings == []


def test_no_activity_flag_is_0_or_1() -> None:
    assert assess(VAT_01_GTGT, {"ct21": 1}).accepted
    result = assess(VAT_01_GTGT, {"ct21": 2})
    assert rules(result) == ["GTGT-021"]
    assert only(result, "GTGT-021").message_en == "[21] is a tick box: 0 or 1 (filed 2)."


def test_carried_forward_credit_must_match_the_previous_period() -> None:
    assert assess(VAT_01_GTGT, PAYABLE, previous=PAYABLE_COMPUTED | {"ct43": 1 * M}).accepted
    result = assess(VAT_01_GTGT, PAYABLE, previous={"ct43": 900_000})
    finding = only(result, "GTGT-022")
    assert finding.severity is Severity.REJECT
    assert finding.indicators == ("ct22",)
    assert finding.value == "1000000"
    assert finding.message_en == "[22] must equal [43] of the previous period (900,000); filed 1,000,000."
    assert finding.message_vi == "Chỉ tiêu [22] phải bằng chỉ tiêu [43] của kỳ trước (900.000), đã khai 1.000.000."
    # Forgetting the credit (ct22 missing = 0) is caught too.
    forgot = assess(VAT_01_GTGT, {k: v for k, v in PAYABLE.items() if k != "ct22"}, previous={"ct43": 1 * M})
    assert "GTGT-022" in rules(forgot)
    # Without a previous accepted return, whatever is carried forward is accepted.
    assert assess(VAT_01_GTGT, PAYABLE | {"ct22": 7 * M}).accepted


@pytest.mark.parametrize(
    ("value", "type_name"),
    [("300000000", "str"), (300_000_000.0, "float"), (True, "bool"), ([1], "list"), ({"a": 1}, "dict")],
)
def test_money_must_be_an_int(value: object, type_name: str) -> None:
    result = assess(VAT_01_GTGT, PAYABLE | {"ct32": value})
    finding = only(result, "TYPE")
    assert finding.indicators == ("ct32",)
    assert finding.severity is Severity.REJECT
    assert finding.message_en == f"Indicator [32] must be a whole number of đồng, not {type_name}."
    # The rules and totals that depend on the unreadable figure are not reported on top of it.
    assert rules(result) == ["TYPE"]
    assert result.values["ct32"] == 0


def test_counts_must_be_whole_numbers() -> None:
    result = assess(VAT_01_GTGT, {"ct21": "1"})
    assert rules(result) == ["TYPE"]
    assert only(result, "TYPE").value == "1"
    assert only(result, "TYPE").message_en == "Indicator [21] must be a whole number, not str."


def test_computed_figure_of_the_wrong_type() -> None:
    result = assess(VAT_01_GTGT, PAYABLE | {"ct40": "12500000"})
    assert rules(result) == ["TYPE"]
    assert "ct40" not in result.values
    assert result.tax_payable == 12_500_000


def test_unknown_indicators_are_rejected() -> None:
    result = assess(VAT_01_GTGT, PAYABLE | {"ct99": 5, "ct40c": "x"})
    assert rules(result) == ["UNKNOWN-INDICATOR", "UNKNOWN-INDICATOR"]
    first = result.findings[0]
    assert first.indicators == ("ct99",)
    assert first.value == "5"
    basis = "Thông tư 80/2021/TT-BTC, Phụ lục II, mẫu 01/GTGT"
    assert first.message_en == f"Indicator ct99 is not on form 01/GTGT ({basis})."
    assert first.message_vi == f"Chỉ tiêu ct99 không có trên tờ khai 01/GTGT ({basis})."


def test_negative_figures_are_rejected() -> None:
    result = assess(VAT_01_GTGT, PAYABLE | {"ct23": -5})
    finding = only(result, "NEGATIVE")
    assert finding.indicators == ("ct23",)
    assert finding.value == "-5"
    assert finding.message_en == "Indicator [23] may not be negative (filed -5)."
    # [36] may be negative: filed as the office computes it, it passes.
    assert assess(VAT_01_GTGT, CREDIT | {"ct36": -7 * M}).accepted


def test_absurd_amounts_are_rejected() -> None:
    result = assess(VAT_01_GTGT, PAYABLE | {"ct23": MAX_AMOUNT + 1})
    assert rules(result) == ["TOO-LARGE"]
    assert assess(VAT_01_GTGT, PAYABLE | {"ct23": MAX_AMOUNT}).accepted


def test_every_finding_is_bilingual() -> None:
    messy = PAYABLE | {"ct99": 1, "ct23": -1, "ct32": "x", "ct40": 1, "ct21": 3, "ct40b": 10**9}
    result = assess(VAT_01_GTGT, messy, previous={"ct43": 5})
    assert {"UNKNOWN-INDICATOR", "NEGATIVE", "TYPE", "GTGT-022", "GTGT-ct40", "GTGT-021", "GTGT-040B"} <= set(
        rules(result)
    )
    for finding in result.findings:
        assert finding.message_vi
        assert finding.message_en
        assert finding.message_vi != finding.message_en


# 05/KK-TNCN. By hand: [22] = 150 + 20 = 170 M; [27] = 9.5 + 4 = 13.5 M (4 M = 20 % of the non-residents' 20 M).
WAGES = {"ct21": 12, "ct23": 150 * M, "ct24": 20 * M, "ct25": 9_500_000, "ct26": 4 * M}


def test_pit_withheld() -> None:
    result = assess(PIT_05_KK_TNCN, WAGES)
    assert result.findings == []
    assert result.computed == {"ct22": 170 * M, "ct27": 13_500_000}
    assert result.tax_payable == 13_500_000


def test_pit_required_indicators() -> None:
    result = assess(PIT_05_KK_TNCN, {k: v for k, v in WAGES.items() if k not in {"ct21", "ct23"}})
    assert rules(result)[:2] == ["REQUIRED", "REQUIRED"]
    assert [f.indicators for f in result.findings[:2]] == [("ct21",), ("ct23",)]
    assert result.findings[0].message_en == "The required indicator [21] (Number of employees) is missing."
    assert result.findings[0].value is None
    assert not result.accepted


@pytest.mark.parametrize(
    ("changes", "rule", "severity"),
    [
        ({"ct21": 0}, "TNCN-021", Severity.WARNING),
        ({"ct23": 9 * M}, "TNCN-025", Severity.REJECT),
        ({"ct26": 4_010_001}, "TNCN-026", Severity.WARNING),
        ({"ct24": 1_000, "ct26": 4 * M, "ct23": 9_500_000}, "TNCN-027", Severity.REJECT),
    ],
)
def test_pit_rules(changes: Mapping[str, int], rule: str, severity: Severity) -> None:
    assert assess(PIT_05_KK_TNCN, WAGES).findings == []
    finding = only(assess(PIT_05_KK_TNCN, WAGES | dict(changes)), rule)
    assert finding.severity is severity


# 03/TNDN. By hand: 20 % of 1 234 567 891 = 246 913 578.2 → 246 913 578; less 200 M paid → 46 913 578 due.
PROFIT = {"ct01": 10_000 * M, "ct02": 1_234_567_891, "ct04": 200 * M}
# The standard rate of the year (filings/cit_rates.py), as the filing service passes it.
YEAR_2024 = return_parameters(CIT_03_TNDN, Period(2024, PeriodKind.YEAR, 1), ())


def test_cit_at_the_rate_of_its_year() -> None:
    assert YEAR_2024 == {"cit_rate": 20}
    year_2015 = return_parameters(CIT_03_TNDN, Period(2015, PeriodKind.YEAR, 1), ())
    # 22 % in 2015: 1 234 567 891 * 22 % = 271 604 936.02 -> 271 604 936.
    assert assess(CIT_03_TNDN, PROFIT, parameters=year_2015).computed["ct03"] == 271_604_936


def test_cit_annual() -> None:
    result = assess(CIT_03_TNDN, PROFIT, parameters=YEAR_2024)
    assert result.findings == []
    assert result.computed == {"ct03": 246_913_578, "ct05": 46_913_578, "ct06": 0}
    assert result.tax_payable == 46_913_578
    # 246 913 578.6 rounds up.
    assert assess(CIT_03_TNDN, PROFIT | {"ct02": 1_234_567_893}, parameters=YEAR_2024).computed["ct03"] == 246_913_579
    # Provisional payments above the tax: nothing due, the excess overpaid.
    overpaid = assess(CIT_03_TNDN, PROFIT | {"ct04": 300 * M}, parameters=YEAR_2024)
    assert overpaid.computed == {"ct03": 246_913_578, "ct05": 0, "ct06": 53_086_422}
    assert overpaid.tax_payable == 0


def test_cit_rules_and_required() -> None:
    warning = only(assess(CIT_03_TNDN, PROFIT | {"ct02": 10_000 * M + 1}, parameters=YEAR_2024), "TNDN-002")
    assert warning.severity is Severity.WARNING
    assert rules(assess(CIT_03_TNDN, {"ct04": 0}, parameters=YEAR_2024)) == ["REQUIRED", "REQUIRED"]
    assert rules(assess(CIT_03_TNDN, PROFIT | {"ct05": 46_913_579}, parameters=YEAR_2024)) == ["TNDN-ct05"]
