"""03/TNDN as HTKK writes it: the header's boxes [04] and [05], the list of exempt income by kind and the row [H]
are boxes of the form, read and accepted; an element that is not on the form is still refused.

No real 03/TNDN file is stored anywhere we could find (``tests/fixtures/htkk/real/SOURCES.md``); the layout here is
HTKK's (its 03/TNDN stylesheet and the 2.9.4 template), filled with this module's own figures."""

import pytest

from filings.forms import CIT_03_TNDN, CIT_03_TNDN_TT80, Severity, assess
from filings.htkk import parse_htkk, render_htkk
from filings.parameters import return_parameters
from filings.periods import parse_period
from tests.filings.test_forms_generations import CIT_2023, CIT_2023_COMPUTED, YEAR_2023, M

# HTKK's header block and its list of exempt income (two kinds, 30 M + 20 M = [C2] 50 M), as in the 2.9.4 layout.
HEADER = (
    "<Header><kyTaiChinh_Tu>01/01</kyTaiChinh_Tu><kyTaiChinh_Den>31/12</kyTaiChinh_Den>"
    "<ma_THQuyetToan>01</ma_THQuyetToan><ten_THQuyetToan>QT định kỳ</ten_THQuyetToan>"
    "<ct04_ma>G46</ct04_ma><ct04_ten>G46 - Bán buôn</ct04_ten><ct05>100.00</ct05></Header>"
)
EXEMPT = (
    "<dsThMienThue>"
    '<thMienThue id="ID_1"><ma_loaiMien>01</ma_loaiMien><ten_loaiMien>A</ten_loaiMien>'
    "<ctC2_soThuNhap>30000000</ctC2_soThuNhap></thMienThue>"
    '<thMienThue id="ID_2"><ma_loaiMien>02</ma_loaiMien><ten_loaiMien>B</ten_loaiMien>'
    "<ctC2_soThuNhap>20000000</ctC2_soThuNhap></thMienThue>"
    "</dsThMienThue>"
)
PAID = "<thueTNDN_tamnop_sxkd>255000000</thueTNDN_tamnop_sxkd><thueTNDN_tamnop_bds>30000000</thueTNDN_tamnop_bds>"


def htkk_layout(extra: str = "", *, exempt: str = EXEMPT) -> bytes:
    """The 2023 return of ``test_forms_generations`` with HTKK's header, exempt-income list and [H] row."""
    plain = render_htkk("892", "C", 0, parse_period("2023"), "0109555002", "Công ty TNHH Quyết Toán", {})
    boxes = "".join(f"<{k}>{v}</{k}>" for k, v in (CIT_2023 | CIT_2023_COMPUTED | {"ctH": 0}).items())
    main = f"<CTieuTKhaiChinh>{HEADER}{exempt}{boxes}{PAID}{extra}</CTieuTKhaiChinh>"
    return plain.replace(b"<CTieuTKhaiChinh />", main.encode()).replace(b"<CTieuTKhaiChinh/>", main.encode())


def test_the_header_and_the_exempt_list_are_boxes_of_the_form() -> None:
    document = parse_htkk(htkk_layout())
    assert document.repeated == ()
    assert (document.values["ct04_ma"], document.values["ct04_ten"], document.values["ct05"]) == (
        "G46",
        "G46 - Bán buôn",
        "100.00",
    )
    assert document.values["ctC2_soThuNhap"] == 50 * M == document.values["ctC2"]  # the rows' total
    assert document.details["thueTNDN_tamnop_sxkd"] == "255000000"  # a subtotal line without a box: kept
    result = assess(CIT_03_TNDN_TT80, document.values, parameters=YEAR_2023)
    assert result.findings == []
    assert result.tax_payable == 41 * M


def test_one_row_is_read_as_it_is() -> None:
    one = '<dsThMienThue><thMienThue id="ID_1"><ctC2_soThuNhap>0</ctC2_soThuNhap></thMienThue></dsThMienThue>'
    assert parse_htkk(htkk_layout(exempt=one)).values["ctC2_soThuNhap"] == 0


@pytest.mark.parametrize("stray", ["<ctC99>1</ctC99>", "<ct06>X</ct06>", "<Header><ct04a>1</ct04a></Header>"])
def test_an_element_not_on_the_form_is_still_refused(stray: str) -> None:
    document = parse_htkk(htkk_layout(stray))
    result = assess(CIT_03_TNDN_TT80, document.values, parameters=YEAR_2023)
    assert [(f.rule, f.severity) for f in result.findings] == [("UNKNOWN-INDICATOR", Severity.REJECT)]


def test_a_box_repeated_outside_a_list_is_still_repeated() -> None:
    # [C2] twice in the main section (not rows of a list): a structure error on a known form, as before.
    assert parse_htkk(htkk_layout("<ctC2>1</ctC2>")).repeated == ("ctC2",)
    # A list's rows whose figure is not a number are not totalled either.
    bad = (
        '<dsThMienThue><thMienThue id="ID_1"><ctC2_soThuNhap>x</ctC2_soThuNhap></thMienThue>'
        '<thMienThue id="ID_2"><ctC2_soThuNhap>1</ctC2_soThuNhap></thMienThue></dsThMienThue>'
    )
    assert parse_htkk(htkk_layout(exempt=bad)).repeated == ("ctC2_soThuNhap",)


def test_every_generation_knows_the_header() -> None:
    for version in (CIT_03_TNDN_TT80, CIT_03_TNDN):
        assert all(version.has_indicator(c) for c in ("ct04_ma", "ct04_ten", "ct05", "ctC2_soThuNhap", "ctH"))
    assert return_parameters(CIT_03_TNDN, parse_period("2025"), ())["cit_rate"] == 20
