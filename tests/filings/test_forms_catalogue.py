"""The shipped forms: lookups by slug, code, HTKK code and tax type, by date."""

import dataclasses
import datetime

import pytest

from filings.forms import (
    CATALOGUE,
    CIT_03_TNDN,
    CIT_03_TNDN_TT80,
    PIT_05_KK_TNCN,
    PIT_05_KK_TNCN_TT92,
    VAT_01_GTGT,
    VAT_01_GTGT_TT26,
    FormVersion,
    IndicatorType,
    UnknownFormError,
    all_forms,
    find_by_htkk,
    find_filed_version,
    find_form,
    forms_for_tax_type,
)
from filings.periods import DeadlineRule, PeriodKind

D = datetime.date
TODAY = D(2026, 11, 24)


@pytest.mark.parametrize("key", ["01-GTGT", "01/GTGT", "01-gtgt", " 01/gtgt "])
def test_find_vat_form_by_slug_or_code(key: str) -> None:
    assert find_form(key, TODAY) is VAT_01_GTGT


@pytest.mark.parametrize(("htkk", "form"), [("842", VAT_01_GTGT), ("864", PIT_05_KK_TNCN), ("892", CIT_03_TNDN)])
def test_find_by_htkk(htkk: str, form: FormVersion) -> None:
    assert find_by_htkk(htkk, TODAY) is form
    assert find_by_htkk(f" {htkk}", D(2025, 12, 31)) is form


def test_vat_generations_by_period() -> None:
    # Circular 26's 01/GTGT (HTKK code 01) up to December 2021, Circular 80's (842) from January 2022.
    assert find_form("01-GTGT", D(2021, 12, 31)) is VAT_01_GTGT_TT26
    assert find_form("01-GTGT", D(2022, 1, 31)) is VAT_01_GTGT
    assert find_by_htkk("01", D(2021, 3, 31)) is VAT_01_GTGT_TT26
    assert find_filed_version("01", D(2021, 3, 31)) == (VAT_01_GTGT_TT26, None)
    assert find_filed_version("842", D(2024, 9, 30)) == (VAT_01_GTGT, None)
    # A file on the wrong generation is resolved to its own version and the one in force, to be rejected by rule.
    assert find_filed_version("01", D(2024, 9, 30)) == (VAT_01_GTGT_TT26, VAT_01_GTGT)
    assert find_filed_version("842", D(2021, 3, 31)) == (VAT_01_GTGT, VAT_01_GTGT_TT26)
    with pytest.raises(UnknownFormError, match="no form '683'"):
        find_filed_version("683", D(2024, 12, 31))
    with pytest.raises(UnknownFormError, match="no version in force on 2014-12-31"):
        find_filed_version("842", D(2014, 12, 31))
    tt26 = {i.code for i in VAT_01_GTGT_TT26.indicators}
    tt80 = {i.code for i in VAT_01_GTGT.indicators}
    assert tt80 - tt26 == {
        "ct09", "ct10", "ct11a_phuongXa_ma", "ct11a_phuongXa_ten", "ct11b_quanHuyen_ma", "ct11b_quanHuyen_ten",
        "ct11c_tinhTP_ma", "ct11c_tinhTP_ten", "ct23a", "ct24a", "ct39a",
    }  # fmt: skip
    assert tt26 - tt80 == {"ct39"}
    assert VAT_01_GTGT_TT26.indicator("ct40a").formula == "max(ct36 - ct22 + ct37 - ct38 - ct39, 0)"


def test_cit_generations_by_tax_year() -> None:
    # Circular 80's form for the tax years 2021-2024 (the 2021 finalisation is the first filed on it), the 2025
    # layout from the 2025 tax year; both are HTKK code 892.
    for year in (2021, 2024):
        assert find_form("03-TNDN", D(year, 12, 31)) is CIT_03_TNDN_TT80
        assert find_by_htkk("892", D(year, 12, 31)) is CIT_03_TNDN_TT80
    assert find_form("03-TNDN", D(2025, 12, 31)) is CIT_03_TNDN
    with pytest.raises(UnknownFormError, match="no version in force on 2020-12-31"):
        find_form("03-TNDN", D(2020, 12, 31))
    # What tells the generations apart in a file is [C7]: one box at 20 %, or the income and its rate.
    old = {i.code for i in CIT_03_TNDN_TT80.indicators}
    new = {i.code for i in CIT_03_TNDN.indicators}
    assert (old - new, new - old) == ({"ctC7"}, {"ctC7_thuNhap", "ctC7_thueSuat", "ctC7_tenThueSuat"})
    assert CIT_03_TNDN_TT80.indicator("ctC9").formula == "round_half_up(ctC7 * cit_rate / 100 + ctC8 * ctC8a / 100)"
    old_layout, new_layout = {"ctA1", "ctC7"}, {"ctA1", "ctC7_thuNhap", "ctC7_thueSuat"}
    assert find_filed_version("892", D(2023, 12, 31), filed=old_layout) == (CIT_03_TNDN_TT80, None)
    assert find_filed_version("892", D(2025, 12, 31), filed=new_layout) == (CIT_03_TNDN, None)
    assert find_filed_version("892", D(2025, 12, 31), filed=old_layout) == (CIT_03_TNDN_TT80, CIT_03_TNDN)
    assert find_filed_version("892", D(2024, 12, 31), filed=new_layout) == (CIT_03_TNDN, CIT_03_TNDN_TT80)
    # A file naming neither generation's own boxes, or both, is taken as the version in force (and its stray
    # boxes found by the form's checks).
    assert find_filed_version("892", D(2025, 12, 31), filed={"ctA1"}) == (CIT_03_TNDN, None)
    assert find_filed_version("892", D(2025, 12, 31), filed=old_layout | new_layout) == (CIT_03_TNDN, None)
    assert find_filed_version("892", D(2025, 12, 31)) == (CIT_03_TNDN, None)


def test_pit_generations_by_period() -> None:
    # Circular 92/2015's 05/KK-TNCN (HTKK code 394) from 30 July 2015 to December 2021, Circular 80's (864) after.
    assert find_form("05-KK-TNCN", D(2015, 7, 31)) is PIT_05_KK_TNCN_TT92
    assert find_form("05-KK-TNCN", D(2021, 12, 31)) is PIT_05_KK_TNCN_TT92
    assert find_form("05-KK-TNCN", D(2022, 1, 31)) is PIT_05_KK_TNCN
    with pytest.raises(UnknownFormError, match="no version in force on 2015-06-30"):
        find_form("05-KK-TNCN", D(2015, 6, 30))
    assert find_filed_version("394", D(2021, 9, 30)) == (PIT_05_KK_TNCN_TT92, None)
    assert find_filed_version("394", D(2024, 3, 31)) == (PIT_05_KK_TNCN_TT92, PIT_05_KK_TNCN)
    assert find_filed_version("864", D(2021, 3, 31)) == (PIT_05_KK_TNCN, PIT_05_KK_TNCN_TT92)
    tt92 = PIT_05_KK_TNCN_TT92
    assert (tt92.htkk_code, tt92.sub_item, tt92.payable_indicator, tt92.tax_type) == ("394", "1001", "ct32", "PIT")
    assert [i.code for i in tt92.indicators] == [f"ct{n}" for n in range(21, 37)]
    assert {i.code: i.formula for i in tt92.indicators if i.formula} == {
        "ct23": "ct24 + ct25", "ct26": "ct27 + ct28", "ct29": "ct30 + ct31", "ct32": "ct33 + ct34",
    }  # fmt: skip
    assert [i.code for i in tt92.indicators if i.type is IndicatorType.INTEGER] == [
        "ct21",
        "ct22",
        "ct23",
        "ct24",
        "ct25",
    ]
    assert (tt92.valid_from, tt92.valid_to) == (D(2015, 7, 30), D(2021, 12, 31))


def test_unknown_forms() -> None:
    with pytest.raises(UnknownFormError, match="no form '99-XYZ'"):
        find_form("99-XYZ", TODAY)
    with pytest.raises(KeyError):
        find_by_htkk("999", TODAY)
    # Before Circular 26's version there is nothing in force.
    with pytest.raises(UnknownFormError, match="no version in force on 2014-12-31"):
        find_form("01-GTGT", D(2014, 12, 31))


def test_versions_are_picked_by_date() -> None:
    old = dataclasses.replace(VAT_01_GTGT, valid_to=D(2026, 12, 31))
    new = dataclasses.replace(VAT_01_GTGT, valid_from=D(2027, 1, 1), rate_tolerance=0)
    catalogue = (new, old)
    assert find_form("01-GTGT", D(2026, 12, 31), catalogue) is old
    assert find_form("01/GTGT", D(2027, 1, 1), catalogue) is new
    assert find_by_htkk("842", D(2027, 6, 1), catalogue) is new
    assert all_forms(catalogue) == [old, new]
    assert forms_for_tax_type("VAT", D(2026, 6, 1), catalogue) == [old]


def test_all_forms_and_tax_types() -> None:
    assert [f.code for f in all_forms()] == ["01/GTGT", "01/GTGT", "03/TNDN", "03/TNDN", "05/KK-TNCN", "05/KK-TNCN"]
    assert forms_for_tax_type("VAT", TODAY) == [VAT_01_GTGT]
    assert forms_for_tax_type("pit", TODAY) == [PIT_05_KK_TNCN]
    assert forms_for_tax_type("CIT", TODAY) == [CIT_03_TNDN]
    assert forms_for_tax_type("CIT", D(2020, 1, 1)) == []
    assert forms_for_tax_type("CIT", D(2023, 12, 31)) == [CIT_03_TNDN_TT80]
    assert forms_for_tax_type("PIT", D(2021, 12, 31)) == [PIT_05_KK_TNCN_TT92]
    assert forms_for_tax_type("XYZ", TODAY) == []


def test_vat_form_definition() -> None:
    form = VAT_01_GTGT
    assert (form.code, form.slug, form.htkk_code, form.tax_type, form.sub_item) == (
        "01/GTGT",
        "01-GTGT",
        "842",
        "VAT",
        "1701",
    )
    assert form.period_kinds == (PeriodKind.MONTH, PeriodKind.QUARTER)
    assert form.deadline_rules[PeriodKind.MONTH] is DeadlineRule.MONTHLY_20TH
    assert form.deadline_rules[PeriodKind.QUARTER] is DeadlineRule.QUARTER_END_OF_FIRST_MONTH
    assert form.payable_indicator == "ct40"
    assert dict(form.carry_forward) == {"ct22": "ct43"}
    assert (form.valid_from, form.valid_to) == (D(2022, 1, 1), None)
    codes = [i.code for i in form.indicators if i.is_numeric]
    assert codes == [
        "ct21", "ct22", "ct23", "ct24", "ct23a", "ct24a", "ct25", "ct26", "ct27", "ct28", "ct29", "ct30", "ct31", "ct32", "ct32a",
        "ct33", "ct34", "ct35", "ct36", "ct37", "ct38", "ct39a", "ct40a", "ct40b", "ct40", "ct41", "ct42", "ct43",
    ]  # fmt: skip
    formulas = {i.code: i.formula for i in form.indicators if i.formula}
    assert formulas == {
        "ct27": "ct29 + ct30 + ct32 + ct32a",
        "ct28": "ct31 + ct33",
        "ct34": "ct26 + ct27",
        "ct35": "ct28",
        "ct36": "ct35 - ct25",
        "ct40a": "max(ct36 - ct22 + ct37 - ct38 - ct39a, 0)",
        "ct40": "ct40a - ct40b",
        "ct41": "max(-(ct36 - ct22 + ct37 - ct38 - ct39a), 0)",
        "ct43": "ct41 - ct42",
    }
    assert form.indicator("ct21").type is IndicatorType.INTEGER
    assert form.indicator("ct36").allow_negative
    assert [i.code for i in form.indicators if i.allow_negative] == ["ct36"]
    assert {r.code for r in form.rules} == {
        "GTGT-021", "GTGT-025", "GTGT-031", "GTGT-033", "GTGT-040B", "GTGT-042", "GTGT-023A", "GTGT-PL-GIAM",
        "GTGT-PL-GIAM-KY",
    }  # fmt: skip
    assert form.rule_prefix == "GTGT"


def test_pit_and_cit_definitions() -> None:
    pit, cit = PIT_05_KK_TNCN, CIT_03_TNDN
    assert (pit.htkk_code, pit.sub_item, pit.payable_indicator, pit.tax_type) == ("864", "1001", "ct29", "PIT")
    assert pit.period_kinds == (PeriodKind.MONTH, PeriodKind.QUARTER)
    assert [i.code for i in pit.indicators] == [f"ct{n}" for n in range(15, 33)]
    assert {i.code: i.formula for i in pit.indicators if i.formula} == {
        "ct18": "ct19 + ct20", "ct21": "ct22 + ct23", "ct26": "ct27 + ct28", "ct29": "ct30 + ct31",
    }  # fmt: skip
    assert pit.indicator("ct16").type is IndicatorType.INTEGER
    assert pit.valid_from == D(2022, 1, 1)
    assert pit.rule_prefix == "TNCN"
    assert (cit.htkk_code, cit.sub_item, cit.payable_indicator, cit.tax_type) == ("892", "1052", "ctI", "CIT")
    assert cit.period_kinds == (PeriodKind.YEAR,)
    assert cit.deadline_rules[PeriodKind.YEAR] is DeadlineRule.YEAR_END_OF_THIRD_MONTH
    assert cit.indicator("ctC9").formula == "round_half_up(ctC7_thuNhap * ctC7_thueSuat / 100 + ctC8 * ctC8a / 100)"
    assert cit.indicator("ctI").formula == "ctE - ctG"
    assert cit.valid_from == D(2025, 1, 1)
    assert cit.rule_prefix == "TNDN"


@pytest.mark.parametrize("version", CATALOGUE, ids=lambda f: f.slug)
def test_every_text_is_bilingual_and_every_code_unique(version: FormVersion) -> None:
    assert version.name_vi
    assert version.name_en
    for indicator in version.indicators:
        assert indicator.label_vi
        assert indicator.label_en
        assert indicator.code.startswith("ct")
    for rule in version.rules:
        assert rule.message_vi
        assert rule.message_en
        assert rule.code.startswith(f"{version.rule_prefix}-")
        assert set(rule.indicators) <= {i.code for i in version.indicators}
    assert len({r.code for r in version.rules}) == len(version.rules)
    # Every deadline rule yields a date for every period kind of the form.
    assert set(version.deadline_rules) == set(version.period_kinds)
