"""Reading the XML itself: size, safety, the namespace, elements by local name. Pure.

Parsed by libxml2 (lxml) with entity substitution, DTD loading and network access off, and any document that
carries a ``<!DOCTYPE>`` refused after parsing: entities are never expanded (no "billion laughs") and nothing is
fetched (no external entities). libxml2 builds the tree in C, about four times as fast as defusedxml's pure-Python
tree builder on the real returns (bench/filings.py).
"""

import re
import threading
from typing import cast

from lxml import etree

NAMESPACE = "http://kekhaithue.gdt.gov.vn/TKhaiThue"
MAX_BYTES = 2_000_000
ROOT = "HSoThueDTu"
_NAMESPACED = re.compile(r"\{([^}]*)\}(.*)")


class HtkkError(ValueError):
    """An HTKK document that cannot be read; ``code`` says why and ``element`` where.

    Codes: ``xml.too_large``, ``xml.malformed``, ``xml.forbidden`` (DTD or entities), ``xml.structure`` (an
    element missing or repeated), ``xml.value`` (a header value that cannot be read).
    """

    def __init__(self, code: str, message: str, element: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.element = element


Element = etree._Element  # noqa: SLF001 - lxml's element type has no public name
_PARSERS = threading.local()  # an lxml parser is not to be shared between threads


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
        )
        _PARSERS.parser = parser
    return parser


def _checked(root: Element) -> Element:
    doctype: str = getattr(root.getroottree().docinfo, "doctype", "")
    if doctype:
        raise HtkkError("xml.forbidden", "DTDs, entities and external references are not accepted (a <!DOCTYPE>)")
    return root


def _size_checked(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise HtkkError("xml.too_large", f"the document has {len(data):,} bytes; at most {max_bytes:,} are accepted")


def parse_xml(data: bytes, max_bytes: int) -> Element:
    """The document's root; a byte-order mark and any declared encoding are honoured by the parser."""
    _size_checked(data, max_bytes)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise HtkkError("xml.malformed", f"the document is not well-formed XML: {exc}") from None
    return _checked(root)


# The form code as HTKK and the portal write it near the top of the file (any namespace prefix).
_FORM_CODE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?maTKhai>\s*([^<\s]{1,16})\s*</")
_SNIFF_BYTES = 16_384
_CHUNK_BYTES = 4_096
HEADER_END = "NNT"  # the taxpayer block closes the header (TTinTKhaiThue: TKhaiThue, then NNT)


def sniff_form_code(data: bytes) -> str | None:
    """The form code (``maTKhai``) as the first 16 KB spell it in an ASCII-compatible encoding, else None."""
    match = _FORM_CODE.search(data, 0, _SNIFF_BYTES)
    return match[1].decode("ascii", "replace") if match else None


def parse_header(data: bytes, max_bytes: int) -> Element:
    """The document parsed only as far as the end of its header, with the same safety as :func:`parse_xml`.

    For a document the office will not read further (a financial statement sent as a return): what it is and whose
    it is are in the header; the rest is not parsed (a statement runs to tens of kilobytes).
    """
    _size_checked(data, max_bytes)
    # Only the end of an NNT element (of any namespace, or none) is reported, chosen in C: no other element of the
    # header reaches Python.
    parser = etree.XMLPullParser(
        events=("end",),
        tag=f"{{*}}{HEADER_END}",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for start in range(0, len(data), _CHUNK_BYTES):
            parser.feed(data[start : start + _CHUNK_BYTES])
            for _, found in parser.read_events():
                element = cast("Element", found)  # "end" events carry elements
                return _checked(element.getroottree().getroot())
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise HtkkError("xml.malformed", f"the document is not well-formed XML: {exc}") from None
    return _checked(root)


class Reader:
    """Finds elements by local name in the document's namespace: HTKK's own, or none (as some programs write it).

    Any prefix (``<ns0:HSoThueDTu xmlns:ns0=…>``) reads as the default namespace does; elements of other
    namespaces (the XML signature's) are never taken for the return's own.
    """

    def __init__(self, root: Element) -> None:
        match = _NAMESPACED.fullmatch(root.tag)
        namespace, name = (match[1], match[2]) if match else ("", root.tag)
        if name != ROOT or namespace not in {NAMESPACE, ""}:
            raise HtkkError("xml.structure", f"the root element is {root.tag!r}, not {ROOT}", ROOT)
        self.prefix = f"{{{namespace}}}" if namespace else ""
        self.root = root

    def local(self, tag: object) -> str | None:
        """The local name of a tag in the document's namespace, else None (comments, other namespaces)."""
        if not isinstance(tag, str):
            return None
        if self.prefix:
            return tag[len(self.prefix) :] if tag.startswith(self.prefix) else None
        return None if tag.startswith("{") else tag

    def children(self, parent: Element, name: str) -> list[Element]:
        """The children of ``parent`` named ``name``."""
        return list(parent.iterchildren(self.prefix + name))  # in C; findall goes through lxml's Python ElementPath

    def element(self, parent: Element, path: str, where: str) -> Element:
        """The one element at ``path`` (``a/b``) under ``parent``; missing or repeated is a structure error."""
        found = self.optional(parent, path, where)
        if found is None:
            raise HtkkError("xml.structure", f"missing element {where}/{path}", f"{where}/{path}")
        return found

    def optional(self, parent: Element, path: str, where: str) -> Element | None:
        """The element at ``path`` under ``parent``, None when absent; repeated is a structure error."""
        current = parent
        for step in path.split("/"):
            found = self.children(current, step)
            if not found:
                return None
            if len(found) > 1:
                raise HtkkError(
                    "xml.structure", f"element {where}/{path} appears {len(found)} times", f"{where}/{path}"
                )
            current = found[0]
        return current

    def text(self, parent: Element, path: str, where: str) -> str:
        """The stripped text of the element at ``path``; missing is a structure error."""
        return (self.element(parent, path, where).text or "").strip()

    def fields(self, parent: Element | None) -> dict[str, str]:
        """The stripped text of each child element of ``parent`` by local name (the first of a repeated name)."""
        found: dict[str, str] = {}
        if parent is not None:
            cut = len(self.prefix)
            # The document's namespace's elements only, chosen in C (no comment, processing instruction or other
            # namespace's element reaches Python): every header is read this way.
            for child in parent.iterchildren(self.prefix + "*" if cut else "{}*"):
                found.setdefault(child.tag[cut:], (child.text or "").strip())
        return found

    def optional_text(self, parent: Element | None, path: str, where: str) -> str:
        """The stripped text of the element at ``path``, empty when it is absent."""
        if parent is None:
            return ""
        found = self.optional(parent, path, where)
        return "" if found is None else (found.text or "").strip()
