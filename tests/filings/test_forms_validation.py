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


# 05/KK-TNCN (Circular 80's boxes). By hand: 12 employees, 10 of them residents with a contract; tax withheld from
# 10 residents and 1 non-resident ([18] = 11); taxable income 150 M + 20 M = 170 M ([21]); subject to withholding
# 95 M + 20 M = 115 M ([26]); withheld 9.5 M + 4 M (20 % of the non-resident's 20 M) = 13.5 M ([29]), payable.
WAGES = {
    "ct15": 0, "ct16": 12, "ct17": 10, "ct19": 10, "ct20": 1, "ct22": 150 * M, "ct23": 20 * M, "ct24": 0, "ct25": 0,
    "ct27": 95 * M, "ct28": 20 * M, "ct30": 9_500_000, "ct31": 4 * M, "ct32": 0,
}  # fmt: skip


def test_pit_withheld() -> None:
    result = assess(PIT_05_KK_TNCN, WAGES)
    assert result.findings == []
    assert result.computed == {"ct18": 11, "ct21": 170 * M, "ct26": 115 * M, "ct29": 13_500_000}
    assert result.tax_payable == 13_500_000


def test_pit_required_indicators() -> None:
    result = assess(PIT_05_KK_TNCN, {k: v for k, v in WAGES.items() if k != "ct16"})
    assert rules(result)[:1] == ["REQUIRED"]
    assert result.findings[0].indicators == ("ct16",)
    assert result.findings[0].message_en == "The required indicator [16] (Number of employees) is missing."
    assert not result.accepted


@pytest.mark.parametrize(
    ("changes", "rule", "severity"),
    [
        ({"ct15": 2}, "TNCN-015", Severity.REJECT),
        ({"ct17": 13}, "TNCN-017", Severity.WARNING),
        ({"ct27": 151 * M}, "TNCN-026", Severity.REJECT),
        ({"ct30": 96 * M}, "TNCN-029", Severity.REJECT),
        ({"ct31": 4_010_001}, "TNCN-031", Severity.WARNING),
        ({"ct32": 14 * M}, "TNCN-032", Severity.WARNING),
    ],
)
def test_pit_rules(changes: Mapping[str, int], rule: str, severity: Severity) -> None:
    assert assess(PIT_05_KK_TNCN, WAGES).findings == []
    finding = only(assess(PIT_05_KK_TNCN, WAGES | dict(changes)), rule)
    assert finding.severity is severity


# 03/TNDN for 2025 (Law 67/2025's rates). By hand: profit 1,000 M [A1], plus 50 M non-deductible [B4], less 10 M
# taxed last year [B9]: taxable 1,040 M [B13] = [B14] = [C1]; less 40 M losses carried forward [C3a]: assessable
# 1,000 M [C4] = [C6] = [C7], at 17 % (last year's revenue between 3 and 50 billion đồng): 170 M [C9] = [C17] = [E1]
# = [E]; 120 M paid provisionally [G2] = [G]: 50 M still due [I] = [I1] = [H1].
PROFIT = {
    "ctA1": 1_000 * M, "ctB4": 50 * M, "ctB9": 10 * M, "ctB14": 1_040 * M, "ctB15": 0, "ctC3a": 40 * M,
    "ctC7_thuNhap": 1_000 * M, "ctC7_thueSuat": 17, "ctE1": 170 * M, "ctG2": 120 * M,
}  # fmt: skip
YEAR_2025 = return_parameters(CIT_03_TNDN, Period(2025, PeriodKind.YEAR, 1), ())


def test_cit_annual() -> None:
    assert YEAR_2025 == {"cit_rate": 20, "cit_rate_small_1": 15, "cit_rate_small_2": 17}
    result = assess(CIT_03_TNDN, PROFIT, parameters=YEAR_2025)
    assert result.findings == []
    computed = result.computed
    assert (computed["ctB1"], computed["ctB8"], computed["ctB13"]) == (50 * M, 10 * M, 1_040 * M)
    assert (computed["ctC4"], computed["ctC6"], computed["ctC9"], computed["ctC17"]) == (
        1_000 * M,
        1_000 * M,
        170 * M,
        170 * M,
    )
    assert (computed["ctE"], computed["ctG"], computed["ctH1"], computed["ctI"], computed["ctI1"]) == (
        170 * M, 120 * M, 50 * M, 50 * M, 50 * M,
    )  # fmt: skip
    assert result.tax_payable == 50 * M


def test_cit_rates_and_rounding() -> None:
    # 20 % of 1 234 567 891 = 246 913 578.2 -> 246 913 578.
    big = PROFIT | {"ctC7_thuNhap": 1_234_567_891, "ctC7_thueSuat": 20}
    assert assess(CIT_03_TNDN, big, parameters=YEAR_2025).computed["ctC9"] == 246_913_578
    # A rate the law does not have for 2025 is rejected, naming the year's rates.
    wrong = only(assess(CIT_03_TNDN, PROFIT | {"ctC7_thueSuat": 18}, parameters=YEAR_2025), "TNDN-C7")
    assert wrong.severity is Severity.REJECT
    assert "(15, 17 or 20 %)" in wrong.message_en
    # Provisional payments above the tax: nothing due, [I] negative.
    overpaid = assess(CIT_03_TNDN, PROFIT | {"ctG2": 200 * M}, parameters=YEAR_2025)
    assert overpaid.computed["ctI"] == -30 * M
    assert overpaid.tax_payable == 0
    # [E1] must carry the tax computed in [C17].
    assert (
        only(assess(CIT_03_TNDN, PROFIT | {"ctE1": 100 * M}, parameters=YEAR_2025), "TNDN-E1").severity
        is Severity.WARNING
    )
    assert rules(assess(CIT_03_TNDN, PROFIT | {"ctI": 50_000_001}, parameters=YEAR_2025)) == ["TNDN-ctI"]
