"""Reading an HTKK XML return as accounting software and the portal write it: tolerant of layout, strict on figures.

Parsing goes through ``defusedxml`` with DTDs forbidden, so no entity expansion and no network access. Layout::

    HSoThueDTu
      HSoKhaiThue
        TTinChung/TTinDVu                  maDVu, tenDVu, pbanDVu, ttinNhaCCapDVu (the program that wrote it)
        TTinChung/TTinTKhaiThue/TKhaiThue  maTKhai, tenTKhai, pbanTKhaiXML, loaiTKhai (C|B), soLan,
                                           KyKKhaiThue/{kieuKy, kyKKhai, kyKKhaiTuNgay, kyKKhaiDenNgay},
                                           maCQTNoiNop, ngayLapTKhai, nguoiKy
        TTinChung/TTinTKhaiThue/NNT        mst, tenNNT
        CTieuTKhaiChinh                    ct21, ct22, ct23a … (possibly nested in group elements)
        PLuc/<appendix>                    appendices, e.g. PL_NQ142_GTGT
      CKyDTu                               the signature

Optional elements may be missing: no ``loaiTKhai`` is an original, no (or an empty) ``soLan`` is 0, no
``kieuKy`` is read from the period's first and last days. Pure.
"""

import re
import xml.etree.ElementTree as ET  # the Element type only: parsing goes through defusedxml

from filings.htkk._model import Appendix, HtkkReturn, Producer, parse_htkk_date
from filings.htkk._xml import MAX_BYTES, HtkkError, Reader, parse_xml
from filings.periods import Period, PeriodError, PeriodKind, parse_htkk_period

KINDS = frozenset({"C", "B"})
# Longer digit strings stay text (and fail validation as such) rather than becoming huge integers.
MAX_DIGITS = 30
_INTEGER = re.compile(r"[+-]?[0-9]{1,%d}" % MAX_DIGITS)  # noqa: UP031 - a regex with braces reads worse as an f-string
INDICATOR_TAG = re.compile(r"ct[A-Za-z0-9_]*")
_AMENDMENT = re.compile(r"[0-9]{1,3}")
# Months spanned by a period of each kind, to read the kind from kyKKhaiTuNgay/kyKKhaiDenNgay when kieuKy is absent.
_KIND_BY_MONTHS = {1: PeriodKind.MONTH, 3: PeriodKind.QUARTER, 12: PeriodKind.YEAR}
_HEADER = "HSoThueDTu/HSoKhaiThue/TTinChung/TTinTKhaiThue"
_RETURN_INFO = f"{_HEADER}/TKhaiThue"
_FILING = "HSoThueDTu/HSoKhaiThue"


# Tick boxes as the eTax portal writes them (``<ct21>false</ct21>``); HTKK writes 0 and 1.
_BOOLEANS = {"true": 1, "false": 0}


def _number_or_text(text: str) -> int | str:
    if _INTEGER.fullmatch(text):
        return int(text)
    return _BOOLEANS.get(text.lower(), text)


def _leaves(reader: Reader, top: ET.Element) -> list[tuple[str, str]]:
    """``(local name, stripped text)`` of every filled leaf element under ``top`` in the document's namespace."""
    found: list[tuple[str, str]] = []
    for element in top.iter():
        name = reader.local(element.tag)
        if element is top or name is None or len(element):
            continue
        text = (element.text or "").strip()
        if text:
            found.append((name, text))
    return found


def _figures(reader: Reader, main: ET.Element) -> tuple[dict[str, int | str], dict[str, str], tuple[str, ...]]:
    """The indicators, the other filled elements, and the indicators that appear more than once (first kept)."""
    values: dict[str, int | str] = {}
    details: dict[str, str] = {}
    repeated: list[str] = []
    for name, text in _leaves(reader, main):
        if not INDICATOR_TAG.fullmatch(name):
            details.setdefault(name, text)
        elif name in values:
            repeated.append(name)
        else:
            values[name] = _number_or_text(text)
    return values, details, tuple(dict.fromkeys(repeated))


def repeated_error(name: str) -> HtkkError:
    """The error for an indicator that appears more than once in a return on a known form."""
    return HtkkError(
        "xml.structure",
        f"indicator {name} appears more than once in CTieuTKhaiChinh",
        f"{_FILING}/CTieuTKhaiChinh/{name}",
    )


def _appendices(reader: Reader, filing: ET.Element) -> tuple[Appendix, ...]:
    appendices: list[Appendix] = []
    for container in reader.children(filing, "PLuc"):
        for element in container:
            name = reader.local(element.tag)
            if name is None:
                continue
            counts: dict[str, int] = {}
            texts: dict[str, str] = {}
            for leaf, text in _leaves(reader, element):
                counts[leaf] = counts.get(leaf, 0) + 1
                texts[leaf] = text
            totals = {leaf: _number_or_text(texts[leaf]) for leaf, count in counts.items() if count == 1}
            appendices.append(Appendix(name, totals, max((c for c in counts.values() if c > 1), default=0)))
    return tuple(appendices)


def _producer(reader: Reader, filing: ET.Element) -> Producer | None:
    where = f"{_FILING}/TTinChung"
    service = reader.optional(filing, "TTinChung/TTinDVu", _FILING)
    if service is None:
        return None
    return Producer(
        code=reader.optional_text(service, "maDVu", where),
        name=reader.optional_text(service, "tenDVu", where),
        version=reader.optional_text(service, "pbanDVu", where),
        vendor=reader.optional_text(service, "ttinNhaCCapDVu", where),
    )


def _kind_and_amendment(reader: Reader, info: ET.Element) -> tuple[str, int]:
    kind = reader.optional_text(info, "loaiTKhai", _RETURN_INFO).upper() or "C"
    if kind not in KINDS:
        raise HtkkError(
            "xml.value", f"loaiTKhai is {kind[:20]!r}: C (original) or B (supplementary)", f"{_RETURN_INFO}/loaiTKhai"
        )
    amendment_text = reader.optional_text(info, "soLan", _RETURN_INFO) or "0"
    if not _AMENDMENT.fullmatch(amendment_text):
        raise HtkkError(
            "xml.value", f"soLan is {amendment_text[:20]!r}, not a whole number 0-999", f"{_RETURN_INFO}/soLan"
        )
    return kind, int(amendment_text)


def _period(reader: Reader, info: ET.Element) -> Period:
    where = f"{_RETURN_INFO}/KyKKhaiThue"
    element = reader.element(info, "KyKKhaiThue", _RETURN_INFO)
    kind = reader.optional_text(element, "kieuKy", where)
    text = reader.text(element, "kyKKhai", where)
    if not kind:
        first = parse_htkk_date(reader.optional_text(element, "kyKKhaiTuNgay", where))
        last = parse_htkk_date(reader.optional_text(element, "kyKKhaiDenNgay", where))
        months = (last.year - first.year) * 12 + last.month - first.month + 1 if first and last else 0
        inferred = _KIND_BY_MONTHS.get(months)
        if inferred is None:
            raise HtkkError(
                "xml.structure",
                f"missing element {where}/kieuKy, and kyKKhaiTuNgay/kyKKhaiDenNgay do not say the period's kind",
                f"{where}/kieuKy",
            )
        kind = inferred.value
    try:
        return parse_htkk_period(kind, text)
    except PeriodError as exc:
        raise HtkkError("xml.value", f"the tax period cannot be read: {exc}", f"{where}/kyKKhai") from None


def parse_htkk(data: bytes, *, max_bytes: int = MAX_BYTES) -> HtkkReturn:
    """Read an HTKK XML return.

    An indicator that appears more than once is listed in ``repeated`` rather than refused here: on a form the
    office knows it is an error (:func:`repeated_error`); a document of another kind (a financial statement, with
    one column of the same indicators per year) is refused as an unknown form instead.

    Raises:
        HtkkError: the document is too large, malformed, carries a DTD or entities, lacks a required element, or
            has a header value that cannot be read; ``element`` names the element concerned.
    """
    reader = Reader(parse_xml(data, max_bytes))
    filing = reader.element(reader.root, "HSoKhaiThue", "HSoThueDTu")
    header = reader.element(filing, "TTinChung/TTinTKhaiThue", _FILING)
    info = reader.element(header, "TKhaiThue", _HEADER)
    htkk_code = reader.text(info, "maTKhai", _RETURN_INFO)
    if not htkk_code:
        raise HtkkError("xml.value", "maTKhai (the form code) is empty", f"{_RETURN_INFO}/maTKhai")
    kind, amendment = _kind_and_amendment(reader, info)
    period = _period(reader, info)
    tax_code = reader.text(header, "NNT/mst", _HEADER)
    if not tax_code:
        raise HtkkError("xml.value", "NNT/mst (the tax code) is empty", f"{_HEADER}/NNT/mst")
    values, details, repeated = _figures(reader, reader.element(filing, "CTieuTKhaiChinh", _FILING))
    signature = reader.children(reader.root, "CKyDTu")
    return HtkkReturn(
        htkk_code=htkk_code,
        kind=kind,
        amendment=amendment,
        period=period,
        tax_code=tax_code,
        taxpayer_name=reader.optional_text(header, "NNT/tenNNT", _HEADER),
        values=values,
        form_name=reader.optional_text(info, "tenTKhai", _RETURN_INFO),
        form_version=reader.optional_text(info, "pbanTKhaiXML", _RETURN_INFO),
        producer=_producer(reader, filing),
        signer=reader.optional_text(info, "nguoiKy", _RETURN_INFO),
        drawn_up_on=parse_htkk_date(reader.optional_text(info, "ngayLapTKhai", _RETURN_INFO)),
        tax_office=reader.optional_text(info, "maCQTNoiNop", _RETURN_INFO),
        details=details,
        appendices=_appendices(reader, filing),
        signed=any(len(s) for s in signature),
        repeated=repeated,
    )
