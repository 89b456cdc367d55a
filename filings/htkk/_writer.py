"""Writing an HTKK XML return in the layout the reader reads (UTF-8, the HTKK namespace). Pure."""

import xml.etree.ElementTree as ET  # building documents only: parsing is filings/htkk/_xml.py's
from collections.abc import Mapping, Sequence

from filings.htkk._model import Appendix
from filings.htkk._reader import INDICATOR_TAG, KINDS
from filings.htkk._xml import NAMESPACE
from filings.periods import Period

# Who wrote the file, as its TTinDVu says.
PRODUCER_CODE = "TAXOFFICE"
PRODUCER_NAME = "Back office của cơ quan thuế"


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _appendix(parent: ET.Element, appendix: Appendix) -> None:
    element = _add(parent, appendix.name)
    for name, value in appendix.totals.items():
        _add(element, name, str(value))


def render_htkk(
    htkk_code: str,
    kind: str,
    amendment: int,
    period: Period,
    tax_code: str,
    name: str,
    values: Mapping[str, int | str],
    *,
    form_name: str = "",
    form_version: str = "",
    appendices: Sequence[Appendix] = (),
) -> bytes:
    """An HTKK XML return.

    Raises:
        ValueError: an indicator tag that is not ``ct…``, or a kind other than C or B.
    """
    if kind not in KINDS:
        raise ValueError(f"kind is C (original) or B (supplementary), not {kind!r}")
    # Plain tags under a default-namespace declaration: how HTKK itself writes the document.
    root = ET.Element("HSoThueDTu", {"xmlns": NAMESPACE})
    filing = _add(root, "HSoKhaiThue")
    filing.set("id", "_NODE_TO_SIGN")
    common = _add(filing, "TTinChung")
    service = _add(common, "TTinDVu")
    _add(service, "maDVu", PRODUCER_CODE)
    _add(service, "tenDVu", PRODUCER_NAME)
    header = _add(common, "TTinTKhaiThue")
    info = _add(header, "TKhaiThue")
    _add(info, "maTKhai", htkk_code)
    if form_name:
        _add(info, "tenTKhai", form_name)
    if form_version:
        _add(info, "pbanTKhaiXML", form_version)
    _add(info, "loaiTKhai", kind)
    _add(info, "soLan", str(amendment))
    period_element = _add(info, "KyKKhaiThue")
    _add(period_element, "kieuKy", period.kind.value)
    _add(period_element, "kyKKhai", period.htkk)
    _add(period_element, "kyKKhaiTuNgay", f"{period.start:%d/%m/%Y}")
    _add(period_element, "kyKKhaiDenNgay", f"{period.end:%d/%m/%Y}")
    taxpayer = _add(header, "NNT")
    _add(taxpayer, "mst", tax_code)
    _add(taxpayer, "tenNNT", name)
    main = _add(filing, "CTieuTKhaiChinh")
    for tag, value in values.items():
        if not INDICATOR_TAG.fullmatch(tag):
            raise ValueError(f"indicator tags look like ct40 or ct32a, not {tag!r}")
        _add(main, tag, str(value))
    if appendices:
        container = _add(filing, "PLuc")
        for appendix in appendices:
            _appendix(container, appendix)
    _add(root, "CKyDTu")
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
