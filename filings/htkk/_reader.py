"""Reading an HTKK XML return as accounting software and the portal write it: tolerant of layout, strict on figures.

Parsing refuses DTDs and never expands entities or reaches the network (``filings/htkk/_xml.py``). Layout::

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
from collections.abc import Collection
from typing import cast

from lxml import etree

from filings.htkk._model import Appendix, HtkkReturn, Producer, parse_htkk_date
from filings.htkk._xml import MAX_BYTES, Element, HtkkError, Reader, parse_header, parse_xml, sniff_form_code
from filings.periods import Period, PeriodError, PeriodKind, parse_htkk_period

KINDS = frozenset({"C", "B"})
# Longer digit strings stay text (and fail validation as such) rather than becoming huge integers.
MAX_DIGITS = 30
INDICATOR_TAG = re.compile(r"ct[A-Za-z0-9_]*")
_AMENDMENT = re.compile(r"[0-9]{1,3}")
# Months spanned by a period of each kind, to read the kind from kyKKhaiTuNgay/kyKKhaiDenNgay when kieuKy is absent.
_KIND_BY_MONTHS = {1: PeriodKind.MONTH, 3: PeriodKind.QUARTER, 12: PeriodKind.YEAR}
_HEADER = "HSoThueDTu/HSoKhaiThue/TTinChung/TTinTKhaiThue"
_RETURN_INFO = f"{_HEADER}/TKhaiThue"
_FILING = "HSoThueDTu/HSoKhaiThue"
# The header's values read by name (the first of a repeated name; any other child is not looked at).
_RETURN_FIELDS = ("tenTKhai", "pbanTKhaiXML", "loaiTKhai", "soLan", "maCQTNoiNop", "ngayLapTKhai", "nguoiKy")
_PERIOD_FIELDS = ("kieuKy", "kyKKhai", "kyKKhaiTuNgay", "kyKKhaiDenNgay")
_PRODUCER_FIELDS = ("maDVu", "tenDVu", "pbanDVu", "ttinNhaCCapDVu")


# Tick boxes as the eTax portal writes them (``<ct21>false</ct21>``); HTKK writes 0 and 1.
_BOOLEANS = {"true": 1, "false": 0}


def _number_or_text(text: str) -> int | str:
    if text.isdigit() and text.isascii() and len(text) <= MAX_DIGITS:  # most boxes: a plain whole number
        return int(text)
    digits = text[1:] if text[:1] in "+-" else text
    # ASCII digits only (str.isdigit alone takes other scripts' digits, which int() would read too).
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_DIGITS:
        return int(text)
    return _BOOLEANS.get(text.lower(), text)


# XML's white space (what XPath's normalize-space strips): a box holding only these is empty.
_XML_SPACE = " \t\r\n"
# An appendix's totals: its filled boxes one or two levels down (``ChenhLech/ct9``, ``HH_DV_BanRaTrongKy/tongCong…``);
# its lists' rows are the elements two levels down that hold boxes of their own (``…/BangKeTenHHDV``).
_APPENDIX_TOTALS = etree.XPath("./*[not(*)][normalize-space(text())] | ./*/*[not(*)][normalize-space(text())]")
_APPENDIX_ROWS = etree.XPath("count(./*/*[*])")


def _leaves(reader: Reader, top: Element, query: etree.XPath) -> list[tuple[str, str]]:
    """``(local name, stripped text)`` of the filled leaf elements ``query`` finds, in the document's namespace."""
    prefix, cut = reader.prefix, len(reader.prefix)
    found: list[tuple[str, str]] = []
    for element in cast("list[Element]", query(top)):  # an element-set XPath gives elements
        tag = element.tag  # an element's, never a comment's: the XPath selects elements only
        if tag.startswith(prefix) if cut else not tag.startswith("{"):
            found.append((tag[cut:], (element.text or "").strip()))
    return found


# Each tag met in ``CTieuTKhaiChinh`` so far, by the document's prefix (``""`` or HTKK's ``{namespace}``): its local
# name and whether it is a box, or ``("", False)`` for another namespace's. The same few hundred tags in every file,
# looked up in the figures loop without a function call; bounded against files of odd names.
_TAG_KINDS: dict[str, dict[str, tuple[str, bool]]] = {}
_MAX_NAMES = 4_096
_FOREIGN = ("", False)


def _is_indicator(name: str) -> bool:
    """Whether an element of ``CTieuTKhaiChinh`` is a box (``ct…``) rather than another detail."""
    return name.startswith("ct") and INDICATOR_TAG.fullmatch(name) is not None


def _tag_kind(reader: Reader, kinds: dict[str, tuple[str, bool]], tag: str) -> tuple[str, bool]:
    """The local name of ``tag`` and whether it is a box; :data:`_FOREIGN` for another namespace's."""
    name = reader.local(tag)
    kind = _FOREIGN if name is None else (name, _is_indicator(name))
    if len(kinds) < _MAX_NAMES:
        kinds[tag] = kind
    return kind


def _row_total(reader: Reader, main: Element, name: str) -> int | None:
    """The total of a box written once per row of a list; None when it is repeated otherwise.

    E.g. 03/TNDN's exempt income by kind, ``dsThMienThue/thMienThue/ctC2_soThuNhap`` (a row is an element with an
    ``id`` inside a list element). None too when a row's figure is not a whole number.
    """
    total = 0
    for element in main.iter(reader.prefix + name):
        row = element.getparent()
        listing = row.getparent() if row is not None else None
        if row is None or "id" not in row.attrib or listing is None or listing is main:
            return None
        figure = _number_or_text((element.text or "").strip() or "0")
        if not isinstance(figure, int):
            return None
        total += figure
    return total


def _figures(reader: Reader, main: Element) -> tuple[dict[str, int | str], dict[str, str], tuple[str, ...]]:
    """The indicators, the other filled elements, and the indicators that appear more than once (first kept).

    The filled elements are those of the document's namespace without child elements whose text is not only XML
    white space (as XPath's ``.//*[not(*)][normalize-space(text())]``), found in one walk of lxml's tree iterator
    over elements (in C: no comment or processing instruction reaches Python); this loop is the reader's hottest. A
    box repeated in the rows of a list is read as the rows' total (:func:`_row_total`), not as repeated.
    """
    values: dict[str, int | str] = {}
    details: dict[str, str] = {}
    repeated: list[str] = []
    kinds = _TAG_KINDS.setdefault(reader.prefix, {})
    # Every element (lxml's unfiltered walk is the cheapest; comments and processing instructions left out in C);
    # another namespace's elements are told by their tag, looked up once a name.
    for element in main.iter(etree.Element):
        text = element.text
        if not text:  # a group's text is blank layout, dropped by the parser: most groups end here
            continue
        # A comment or processing instruction inside a box does not make it a group (as XPath's not(*)).
        if len(element) and next(element.iterchildren(etree.Element), None) is not None:
            continue
        filled = text.strip(_XML_SPACE)
        if not filled:
            continue
        tag = element.tag
        name, indicator = kinds.get(tag) or _tag_kind(reader, kinds, tag)
        if not indicator:
            if name:
                details.setdefault(name, filled.strip())
        elif name in values:
            repeated.append(name)
        elif filled.isdigit() and filled.isascii() and len(filled) <= MAX_DIGITS:  # most boxes: a plain whole number
            values[name] = int(filled)  # digits alone: nothing more to strip
        else:
            values[name] = _number_or_text(filled.strip())  # XML space gone; any other white space too
    return values, details, _rows_totalled(reader, main, values, repeated) if repeated else ()


def _rows_totalled(reader: Reader, main: Element, values: dict[str, int | str], repeated: list[str]) -> tuple[str, ...]:
    """Each repeated box that is a list's rows read as their total into ``values``; the truly repeated ones."""
    for name in dict.fromkeys(repeated):  # rare: only files with a list in CTieuTKhaiChinh, or broken ones
        total = _row_total(reader, main, name)
        if total is not None:
            values[name] = total
            repeated = [r for r in repeated if r != name]
    return tuple(dict.fromkeys(repeated))


def repeated_error(name: str) -> HtkkError:
    """The error for an indicator that appears more than once in a return on a known form."""
    return HtkkError(
        "xml.structure",
        f"indicator {name} appears more than once in CTieuTKhaiChinh",
        f"{_FILING}/CTieuTKhaiChinh/{name}",
    )


def _appendices(reader: Reader, filing: Element) -> tuple[Appendix, ...]:
    appendices: list[Appendix] = []
    for container in reader.children(filing, "PLuc"):
        for element in container:
            name = reader.local(element.tag)
            if name is None:
                continue
            counts: dict[str, int] = {}
            texts: dict[str, str] = {}
            for leaf, text in _leaves(reader, element, _APPENDIX_TOTALS):
                counts[leaf] = counts.get(leaf, 0) + 1
                texts[leaf] = text
            totals = {leaf: _number_or_text(texts[leaf]) for leaf, count in counts.items() if count == 1}
            rows = _APPENDIX_ROWS(element)
            appendices.append(Appendix(name, totals, int(rows) if isinstance(rows, float) else 0))
    return tuple(appendices)


def _producer(reader: Reader, filing: Element) -> Producer | None:
    service = reader.optional(filing, "TTinChung/TTinDVu", _FILING)
    if service is None:
        return None
    fields = reader.fields(service, _PRODUCER_FIELDS)
    return Producer(
        code=fields.get("maDVu", ""),
        name=fields.get("tenDVu", ""),
        version=fields.get("pbanDVu", ""),
        vendor=fields.get("ttinNhaCCapDVu", ""),
    )


def _kind_and_amendment(fields: dict[str, str]) -> tuple[str, int]:
    kind = fields.get("loaiTKhai", "").upper() or "C"
    if kind not in KINDS:
        raise HtkkError(
            "xml.value", f"loaiTKhai is {kind[:20]!r}: C (original) or B (supplementary)", f"{_RETURN_INFO}/loaiTKhai"
        )
    amendment_text = fields.get("soLan") or "0"
    if not _AMENDMENT.fullmatch(amendment_text):
        raise HtkkError(
            "xml.value", f"soLan is {amendment_text[:20]!r}, not a whole number 0-999", f"{_RETURN_INFO}/soLan"
        )
    return kind, int(amendment_text)


def _period(reader: Reader, info: Element) -> Period:
    where = f"{_RETURN_INFO}/KyKKhaiThue"
    element = reader.element(info, "KyKKhaiThue", _RETURN_INFO)
    fields = reader.fields(element, _PERIOD_FIELDS)
    if "kyKKhai" not in fields:
        raise HtkkError("xml.structure", f"missing element {where}/kyKKhai", f"{where}/kyKKhai")
    kind, text = fields.get("kieuKy", ""), fields["kyKKhai"]
    if not kind:
        first = parse_htkk_date(fields.get("kyKKhaiTuNgay", ""))
        last = parse_htkk_date(fields.get("kyKKhaiDenNgay", ""))
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


def parse_htkk(data: bytes, *, max_bytes: int = MAX_BYTES, figures_for: Collection[str] | None = None) -> HtkkReturn:
    """Read an HTKK XML return.

    An indicator that appears more than once is listed in ``repeated`` rather than refused here: on a form the
    office knows it is an error (:func:`repeated_error`); a document of another kind (a financial statement, with
    one column of the same indicators per year) is refused as an unknown form instead.

    With ``figures_for`` (form codes), the figures and appendices of a document on any other form are not read: its
    header says what it is, and the office receives it no further.

    Raises:
        HtkkError: the document is too large, malformed, carries a DTD or entities, lacks a required element, or
            has a header value that cannot be read; ``element`` names the element concerned.
    """
    sniffed = sniff_form_code(data) if figures_for is not None else None
    header_only = figures_for is not None and sniffed is not None and sniffed not in figures_for
    reader = Reader(parse_header(data, max_bytes) if header_only else parse_xml(data, max_bytes))
    filing = reader.element(reader.root, "HSoKhaiThue", "HSoThueDTu")
    header = reader.element(filing, "TTinChung/TTinTKhaiThue", _FILING)
    info = reader.element(header, "TKhaiThue", _HEADER)
    fields = reader.fields(info, _RETURN_FIELDS)
    htkk_code = reader.text(info, "maTKhai", _RETURN_INFO)
    if not htkk_code:
        raise HtkkError("xml.value", "maTKhai (the form code) is empty", f"{_RETURN_INFO}/maTKhai")
    kind, amendment = _kind_and_amendment(fields)
    period = _period(reader, info)
    tax_code = reader.text(header, "NNT/mst", _HEADER)
    if not tax_code:
        raise HtkkError("xml.value", "NNT/mst (the tax code) is empty", f"{_HEADER}/NNT/mst")
    wanted = figures_for is None or htkk_code in figures_for
    if wanted and header_only:  # the sniffed code was not the header's: read the whole document after all
        return parse_htkk(data, max_bytes=max_bytes)
    if wanted:
        values, details, repeated = _figures(reader, reader.element(filing, "CTieuTKhaiChinh", _FILING))
    else:
        values, details, repeated = {}, {}, ()
    signature = reader.children(reader.root, "CKyDTu")
    return HtkkReturn(
        htkk_code=htkk_code,
        kind=kind,
        amendment=amendment,
        period=period,
        tax_code=tax_code,
        taxpayer_name=reader.optional_text(header, "NNT/tenNNT", _HEADER),
        values=values,
        form_name=fields.get("tenTKhai", ""),
        form_version=fields.get("pbanTKhaiXML", ""),
        producer=_producer(reader, filing),
        signer=fields.get("nguoiKy", ""),
        drawn_up_on=parse_htkk_date(fields.get("ngayLapTKhai", "")),
        tax_office=fields.get("maCQTNoiNop", ""),
        details=details,
        appendices=_appendices(reader, filing) if wanted else (),
        signed=any(len(s) for s in signature),
        repeated=repeated,
    )
