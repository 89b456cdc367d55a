"""HTKK XML returns, as exported by the tax authority's HTKK software and accounting packages (DOMAIN.md §3). Pure.

Parsing goes through ``defusedxml`` with DTDs forbidden, so no entity expansion and no network access: a document
carrying a ``<!DOCTYPE>`` is refused outright. Layout::

    HSoThueDTu
      HSoKhaiThue
        TTinChung/TTinTKhaiThue/TKhaiThue  maTKhai, loaiTKhai (C|B), soLan, KyKKhaiThue/{kieuKy, kyKKhai}
        TTinChung/TTinTKhaiThue/NNT        mst, tenNNT
        CTieuTKhaiChinh                    ct21, ct22, ct23a … (possibly nested in group elements)
      CKyDTu                               the signature (ignored)
"""

import re
import xml.etree.ElementTree as ET  # building documents only: parsing goes through defusedxml
from collections.abc import Mapping
from dataclasses import dataclass

import defusedxml
import defusedxml.ElementTree

from filings.periods import Period, PeriodError, parse_htkk_period

NAMESPACE = "http://kekhaithue.gdt.gov.vn/TKhaiThue"
MAX_BYTES = 2_000_000
KINDS = frozenset({"C", "B"})
# Longer digit strings stay text (and fail validation as such) rather than becoming huge integers.
MAX_DIGITS = 30
_INTEGER = re.compile(r"[+-]?[0-9]{1,%d}" % MAX_DIGITS)  # noqa: UP031 - a regex with braces reads worse as an f-string
_INDICATOR_TAG = re.compile(r"ct[A-Za-z0-9_]*")
_AMENDMENT = re.compile(r"[0-9]{1,3}")


class HtkkError(ValueError):
    """An HTKK document that cannot be read; ``code`` says why.

    Codes: ``xml.too_large``, ``xml.malformed``, ``xml.forbidden`` (DTD or entities), ``xml.structure`` (an
    element missing or repeated), ``xml.value`` (a header value that cannot be read).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class HtkkReturn:
    """What an HTKK document declares.

    ``values`` maps each indicator tag to an ``int`` when its text is a whole number, else to the stripped text
    (which validation then reports); empty elements are left out, as HTKK writes them for blank boxes.
    """

    htkk_code: str
    kind: str
    amendment: int
    period: Period
    tax_code: str
    taxpayer_name: str
    values: dict[str, int | str]


class _Reader:
    """Finds elements by local name, in the document's namespace (or none)."""

    def __init__(self, root: ET.Element) -> None:
        if root.tag == f"{{{NAMESPACE}}}HSoThueDTu":
            self.prefix = f"{{{NAMESPACE}}}"
        elif root.tag == "HSoThueDTu":
            self.prefix = ""
        else:
            raise HtkkError("xml.structure", f"the root element is {root.tag!r}, not HSoThueDTu")
        self.root = root

    def element(self, parent: ET.Element, path: str, where: str) -> ET.Element:
        current = parent
        for step in path.split("/"):
            found = current.findall(self.prefix + step)
            if not found:
                raise HtkkError("xml.structure", f"missing element {where}/{path}")
            if len(found) > 1:
                raise HtkkError("xml.structure", f"element {where}/{path} appears {len(found)} times")
            current = found[0]
        return current

    def text(self, parent: ET.Element, path: str, where: str) -> str:
        return (self.element(parent, path, where).text or "").strip()

    def local(self, tag: object) -> str | None:
        """The local name of a tag in the document's namespace, else None (comments, other namespaces)."""
        if not isinstance(tag, str):
            return None
        if self.prefix:
            return tag[len(self.prefix) :] if tag.startswith(self.prefix) else None
        return None if tag.startswith("{") else tag


def _parse_xml(data: bytes, max_bytes: int) -> ET.Element:
    if len(data) > max_bytes:
        raise HtkkError("xml.too_large", f"the document has {len(data):,} bytes; at most {max_bytes:,} are accepted")
    try:
        return defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise HtkkError("xml.forbidden", f"DTDs, entities and external references are not accepted ({exc})") from None
    except ET.ParseError as exc:
        raise HtkkError("xml.malformed", f"the document is not well-formed XML: {exc}") from None


def _figures(reader: _Reader, main: ET.Element) -> dict[str, int | str]:
    values: dict[str, int | str] = {}
    for element in main.iter():
        name = reader.local(element.tag)
        if element is main or name is None or not _INDICATOR_TAG.fullmatch(name) or len(element):
            continue
        if name in values:
            raise HtkkError("xml.structure", f"indicator {name} appears more than once in CTieuTKhaiChinh")
        text = (element.text or "").strip()
        if not text:
            continue
        values[name] = int(text) if _INTEGER.fullmatch(text) else text
    return values


def parse_htkk(data: bytes, *, max_bytes: int = MAX_BYTES) -> HtkkReturn:
    """Read an HTKK XML return.

    Raises:
        HtkkError: the document is too large, malformed, carries a DTD or entities, lacks a required element, or
            has a header value that cannot be read.
    """
    reader = _Reader(_parse_xml(data, max_bytes))
    filing = reader.element(reader.root, "HSoKhaiThue", "HSoThueDTu")
    header_path = "HSoThueDTu/HSoKhaiThue/TTinChung/TTinTKhaiThue"
    header = reader.element(filing, "TTinChung/TTinTKhaiThue", "HSoThueDTu/HSoKhaiThue")
    return_info = reader.element(header, "TKhaiThue", header_path)
    where = f"{header_path}/TKhaiThue"
    htkk_code = reader.text(return_info, "maTKhai", where)
    if not htkk_code:
        raise HtkkError("xml.value", "maTKhai (the form code) is empty")
    kind = reader.text(return_info, "loaiTKhai", where).upper()
    if kind not in KINDS:
        raise HtkkError("xml.value", f"loaiTKhai is {kind[:20]!r}: C (original) or B (supplementary)")
    amendment_text = reader.text(return_info, "soLan", where)
    if not _AMENDMENT.fullmatch(amendment_text):
        raise HtkkError("xml.value", f"soLan is {amendment_text[:20]!r}, not a whole number 0-999")
    try:
        period = parse_htkk_period(
            reader.text(return_info, "KyKKhaiThue/kieuKy", where),
            reader.text(return_info, "KyKKhaiThue/kyKKhai", where),
        )
    except PeriodError as exc:
        raise HtkkError("xml.value", f"the tax period cannot be read: {exc}") from None
    tax_code = reader.text(header, "NNT/mst", header_path)
    if not tax_code:
        raise HtkkError("xml.value", "NNT/mst (the tax code) is empty")
    name = reader.text(header, "NNT/tenNNT", header_path)
    main = reader.element(filing, "CTieuTKhaiChinh", "HSoThueDTu/HSoKhaiThue")
    return HtkkReturn(
        htkk_code=htkk_code,
        kind=kind,
        amendment=int(amendment_text),
        period=period,
        tax_code=tax_code,
        taxpayer_name=name,
        values=_figures(reader, main),
    )


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def render_htkk(
    htkk_code: str,
    kind: str,
    amendment: int,
    period: Period,
    tax_code: str,
    name: str,
    values: Mapping[str, int | str],
) -> bytes:
    """An HTKK XML return in the layout :func:`parse_htkk` reads (UTF-8, with the HTKK namespace).

    Raises:
        ValueError: an indicator tag that is not ``ct…``, or a kind other than C or B.
    """
    if kind not in KINDS:
        raise ValueError(f"kind is C (original) or B (supplementary), not {kind!r}")
    # Plain tags under a default-namespace declaration: how HTKK itself writes the document.
    root = ET.Element("HSoThueDTu", {"xmlns": NAMESPACE})
    filing = _add(root, "HSoKhaiThue")
    filing.set("id", "_NODE_TO_SIGN")
    header = _add(_add(filing, "TTinChung"), "TTinTKhaiThue")
    info = _add(header, "TKhaiThue")
    _add(info, "maTKhai", htkk_code)
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
        if not _INDICATOR_TAG.fullmatch(tag):
            raise ValueError(f"indicator tags look like ct40 or ct32a, not {tag!r}")
        _add(main, tag, str(value))
    _add(root, "CKyDTu")
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
