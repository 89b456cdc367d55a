"""HTKK XML: round trips, the layouts accounting software sends, and documents refused before anything is read."""

import re
from pathlib import Path

import pytest

from filings.forms import VAT_01_GTGT, assess
from filings.htkk import NAMESPACE, HtkkError, HtkkReturn, Producer, parse_htkk, render_htkk, repeated_error
from filings.periods import Period, PeriodKind, parse_period

M = 1_000_000
VAT: dict[str, int | str] = {
    "ct21": 0, "ct22": 0, "ct23": 100 * M, "ct24": 10 * M, "ct25": 10 * M, "ct26": 0, "ct27": 300 * M,
    "ct28": 30 * M, "ct29": 0, "ct30": 0, "ct31": 0, "ct32": 300 * M, "ct32a": 0, "ct33": 30 * M, "ct34": 300 * M,
    "ct35": 30 * M, "ct36": 20 * M, "ct37": 0, "ct38": 0, "ct39a": 0, "ct40a": 20 * M, "ct40b": 0, "ct40": 20 * M,
    "ct41": 0, "ct42": 0, "ct43": 0,
}  # fmt: skip


def document(figures: str, *, header: str | None = None, namespace: bool = True, extra: str = "") -> bytes:
    header = header or (
        "<TKhaiThue><maTKhai>842</maTKhai><loaiTKhai>C</loaiTKhai><soLan>0</soLan>"
        "<KyKKhaiThue><kieuKy>M</kieuKy><kyKKhai>07/2024</kyKKhai></KyKKhaiThue></TKhaiThue>"
    )
    xmlns = f' xmlns="{NAMESPACE}"' if namespace else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><HSoThueDTu{xmlns}><HSoKhaiThue><TTinChung><TTinTKhaiThue>'
        f"{header}<NNT><mst>0100109106</mst><tenNNT>Công ty Cổ phần Ví Dụ</tenNNT></NNT></TTinTKhaiThue></TTinChung>"
        f"<CTieuTKhaiChinh>{figures}</CTieuTKhaiChinh></HSoKhaiThue>{extra}</HSoThueDTu>"
    ).encode()


def error(data: bytes, *, max_bytes: int = 2_000_000) -> HtkkError:
    with pytest.raises(HtkkError) as caught:
        parse_htkk(data, max_bytes=max_bytes)
    return caught.value


@pytest.mark.parametrize(
    ("kind", "amendment", "period"),
    [("C", 0, "2026-02"), ("B", 2, "2026-Q3"), ("C", 0, "2025")],
)
def test_round_trip(kind: str, amendment: int, period: str) -> None:
    data = render_htkk("842", kind, amendment, parse_period(period), "0109555001", "Công ty TNHH Khai Thuế", VAT)
    parsed = parse_htkk(data)
    assert parsed == HtkkReturn(
        htkk_code="842",
        kind=kind,
        amendment=amendment,
        period=parse_period(period),
        tax_code="0109555001",
        taxpayer_name="Công ty TNHH Khai Thuế",
        values=VAT,
        producer=Producer("TAXOFFICE", "Back office của cơ quan thuế"),
    )
    assert b'xmlns="http://kekhaithue.gdt.gov.vn/TKhaiThue"' in data


def test_parsed_return_is_assessed() -> None:
    data = render_htkk("842", "C", 0, Period(2026, PeriodKind.MONTH, 2), "0109555001", "X", VAT)
    result = assess(VAT_01_GTGT, parse_htkk(data).values)
    assert result.findings == []
    assert result.tax_payable == 20 * M


def test_without_namespace() -> None:
    parsed = parse_htkk(document("<ct22>5</ct22><ct40>-3</ct40>", namespace=False))
    assert parsed.values == {"ct22": 5, "ct40": -3}
    assert parsed.period == Period(2024, PeriodKind.MONTH, 7)
    assert (parsed.htkk_code, parsed.kind, parsed.amendment) == ("842", "C", 0)
    assert (parsed.tax_code, parsed.taxpayer_name) == ("0100109106", "Công ty Cổ phần Ví Dụ")


def test_nested_groups_are_found_by_tag() -> None:
    figures = (
        "<ct21>0</ct21><ct22>1000</ct22>"
        "<GiaTriVaThueGTGTHHDVMuaVao><ct23>200</ct23><ct24>20</ct24></GiaTriVaThueGTGTHHDVMuaVao>"
        "<HHDVBRaChiuThueGTGT><ct29>0</ct29><ct30><!-- blank --></ct30>"
        "<Nhom><ct32a> 7 </ct32a><ct32>+100</ct32></Nhom></HHDVBRaChiuThueGTGT>"
    )
    parsed = parse_htkk(document(figures))
    assert parsed.values == {"ct21": 0, "ct22": 1000, "ct23": 200, "ct24": 20, "ct29": 0, "ct32a": 7, "ct32": 100}


def test_text_figures_stay_text_and_fail_validation() -> None:
    parsed = parse_htkk(document("<ct32>1.000.000</ct32><ct33>12,5</ct33><ct34>" + "9" * 40 + "</ct34>"))
    assert parsed.values == {"ct32": "1.000.000", "ct33": "12,5", "ct34": "9" * 40}
    findings = assess(VAT_01_GTGT, parsed.values).findings
    assert [(f.rule, f.indicators) for f in findings] == [("TYPE", ("ct32",)), ("TYPE", ("ct33",)), ("TYPE", ("ct34",))]


def test_signature_and_foreign_elements_are_ignored() -> None:
    signature = (
        '<CKyDTu><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><ct99>1</ct99>'
        "<SignatureValue>abc</SignatureValue></Signature></CKyDTu>"
    )
    figures = '<ct22>1</ct22><x:ct23 xmlns:x="urn:other">5</x:ct23><note>ct</note>'
    assert parse_htkk(document(figures, extra=signature)).values == {"ct22": 1}


def test_repeated_indicator_is_listed() -> None:
    parsed = parse_htkk(document("<ct22>1</ct22><Nhom><ct22>2</ct22><ct23>3</ct23><ct22>4</ct22></Nhom>"))
    assert parsed.values == {"ct22": 1, "ct23": 3}
    assert parsed.repeated == ("ct22",)
    assert "ct22 appears more than once" in str(repeated_error("ct22"))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml",
        b"<HSoThueDTu><HSoKhaiThue>",
        b"<HSoThueDTu></hsothuedtu>",
        document("<ct22>1</ct23>"),
        "<HSoThueDTu>é</HSoThueDTu>".encode("utf-16")[:-3],
    ],
)
def test_malformed(data: bytes) -> None:
    caught = error(data)
    assert caught.code == "xml.malformed"
    assert "not well-formed" in str(caught)


@pytest.mark.parametrize(
    "data",
    [
        # Billion laughs.
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b"<HSoThueDTu>&lol3;</HSoThueDTu>"
        ),
        # An external entity.
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><HSoThueDTu>&xxe;</HSoThueDTu>',
        # An external DTD.
        b'<?xml version="1.0"?><!DOCTYPE HSoThueDTu SYSTEM "http://example.com/x.dtd"><HSoThueDTu/>',
        # Any DTD at all.
        b"<!DOCTYPE HSoThueDTu><HSoThueDTu/>",
    ],
)
def test_dtds_and_entities_are_forbidden(data: bytes) -> None:
    caught = error(data)
    assert caught.code == "xml.forbidden"
    assert "DTDs, entities and external references are not accepted" in str(caught)


def test_oversize_is_refused_before_parsing() -> None:
    data = document("<ct22>1</ct22>")
    assert parse_htkk(data, max_bytes=len(data)).values == {"ct22": 1}
    caught = error(data, max_bytes=len(data) - 1)
    assert caught.code == "xml.too_large"
    assert f"{len(data):,} bytes" in str(caught)
    assert error(b"<a>" + b"x" * 2_000_000 + b"</a>").code == "xml.too_large"


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (b"<TKhai/>", "the root element is 'TKhai'"),
        (b'<HSoThueDTu xmlns="urn:elsewhere"/>', "not HSoThueDTu"),
        (f'<HSoThueDTu xmlns="{NAMESPACE}"/>'.encode(), "missing element HSoThueDTu/HSoKhaiThue"),
        (document("", header="<Khac/>"), "missing element HSoThueDTu/HSoKhaiThue/TTinChung/TTinTKhaiThue/TKhaiThue"),
        (
            document("", header="<TKhaiThue><maTKhai>842</maTKhai></TKhaiThue>"),
            "missing element HSoThueDTu/HSoKhaiThue/TTinChung/TTinTKhaiThue/TKhaiThue/KyKKhaiThue",
        ),
        (
            document("").replace(b"<mst>0100109106</mst>", b""),
            "missing element HSoThueDTu/HSoKhaiThue/TTinChung/TTinTKhaiThue/NNT/mst",
        ),
        (
            document("").replace(b"<CTieuTKhaiChinh></CTieuTKhaiChinh>", b""),
            "missing element HSoThueDTu/HSoKhaiThue/CTieuTKhaiChinh",
        ),
        (document("", extra="<HSoKhaiThue/>"), "HSoThueDTu/HSoKhaiThue appears 2 times"),
    ],
)
def test_structure(data: bytes, names: str) -> None:
    caught = error(data)
    assert caught.code == "xml.structure"
    assert names in str(caught)


def _header(code: str = "842", kind: str = "C", amendment: str = "0", kieu_ky: str = "M", ky: str = "07/2024") -> str:
    return (
        f"<TKhaiThue><maTKhai>{code}</maTKhai><loaiTKhai>{kind}</loaiTKhai><soLan>{amendment}</soLan>"
        f"<KyKKhaiThue><kieuKy>{kieu_ky}</kieuKy><kyKKhai>{ky}</kyKKhai></KyKKhaiThue></TKhaiThue>"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (_header(code=" "), "maTKhai (the form code) is empty"),
        (_header(kind="X"), "loaiTKhai is 'X'"),
        (_header(amendment="one"), "soLan is 'one'"),
        (_header(amendment="-1"), "soLan is '-1'"),
        (_header(ky="13/2026"), "month 13 is out of range 1-12"),
        (_header(kieu_ky="Q", ky="5/2026"), "quarter 5 is out of range 1-4"),
        (_header(kieu_ky="Y", ky="1999"), "year 1999 is out of range"),
        (_header(kieu_ky="D", ky="01/07/2024"), "not a period kind"),
    ],
)
def test_header_values(header: str, message: str) -> None:
    caught = error(document("", header=header))
    assert caught.code == "xml.value"
    assert message in str(caught)


def test_header_is_normalised() -> None:
    parsed = parse_htkk(document("", header=_header(code=" 864 ", kind="b", amendment="3", kieu_ky="Q", ky="2/2026")))
    assert (parsed.htkk_code, parsed.kind, parsed.amendment) == ("864", "B", 3)
    assert parsed.period == Period(2026, PeriodKind.QUARTER, 2)
    assert parsed.values == {}
    empty_tax_code = document("").replace(b"<mst>0100109106</mst>", b"<mst> </mst>")
    assert error(empty_tax_code).code == "xml.value"


def test_render_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="indicator tags look like ct40"):
        render_htkk("842", "C", 0, parse_period("2026-01"), "0109555001", "X", {"<evil/>": 1})
    with pytest.raises(ValueError, match="kind is C"):
        render_htkk("842", "X", 0, parse_period("2026-01"), "0109555001", "X", {})
    # Text is escaped, not interpreted.
    data = render_htkk("842", "C", 0, parse_period("2026-01"), "0109555001", "A & B <Co>", {"ct22": "<x>"})
    parsed = parse_htkk(data)
    assert parsed.taxpayer_name == "A & B <Co>"
    assert parsed.values == {"ct22": "<x>"}


def test_documents_on_other_forms_are_read_only_to_their_header() -> None:
    statement = (Path(__file__).parent.parent / "fixtures" / "htkk" / "real" / "BCTC_tt200_Y_1.xml").read_bytes()
    whole = parse_htkk(statement)
    header = parse_htkk(statement, figures_for={"842"})
    assert (header.htkk_code, header.tax_code, header.period, header.form_name) == (
        whole.htkk_code, whole.tax_code, whole.period, whole.form_name,
    )  # fmt: skip
    assert whole.values
    assert (header.values, header.appendices) == ({}, ())
    # The header of a broken document is still read to its end before anything is said of it.
    assert error(statement[:200]).code == "xml.malformed"


def test_a_form_code_that_only_looks_unknown_is_read_whole() -> None:
    # A comment naming another code comes first; the header's own code is a form the caller reads.
    data = document("<ct22>7</ct22>").replace(b"<HSoKhaiThue>", b"<HSoKhaiThue><!-- <maTKhai>683</maTKhai> -->", 1)
    parsed = parse_htkk(data, figures_for={"842"})
    assert (parsed.htkk_code, parsed.values) == ("842", {"ct22": 7})


def test_a_prefixed_document_on_another_form_is_read_to_its_header() -> None:
    # Every element prefixed, the form code and NNT's end tag among them; an attribute's ">" just before the code.
    header = (
        '<TKhaiThue note="a > b"><maTKhai>683</maTKhai><KyKKhaiThue><kieuKy>Y</kieuKy><kyKKhai>2024</kyKKhai>'
        "</KyKKhaiThue></TKhaiThue>"
    )
    plain = document("<ct22>7</ct22>", header=header)
    prefixed = re.sub(rb"<(/?)(?=[A-Za-z])", rb"<\1t:", plain).replace(b"xmlns=", b"xmlns:t=")
    for data in (plain, prefixed):
        parsed = parse_htkk(data, figures_for={"842"})
        assert (parsed.htkk_code, parsed.tax_code, parsed.values) == ("683", "0100109106", {})
        assert parse_htkk(data).values == {"ct22": 7}
