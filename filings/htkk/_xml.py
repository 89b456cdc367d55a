"""Reading the XML itself: size, safety, the namespace, elements by local name. Pure.

Parsed by libxml2 (lxml) with entity substitution, DTD loading and network access off, and any document that
carries a ``<!DOCTYPE>`` refused after parsing: entities are never expanded (no "billion laughs") and nothing is
fetched (no external entities). libxml2 builds the tree in C, about four times as fast as defusedxml's pure-Python
tree builder on the real returns (bench/filings.py).
"""

import re
import threading
from collections.abc import Iterable
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
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            # Blank text between elements is dropped (never a box's own text, which is stripped anyway): fewer
            # nodes to build and walk.
            remove_blank_text=True,
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
# Where an NNT element can end, as bytes: its end tag, or the element itself when empty (any namespace prefix).
_HEADER_END_TAG = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?NNT\s*>|<(?:[A-Za-z_][\w.-]*:)?NNT(?:\s[^>]*)?/>")


def sniff_form_code(data: bytes) -> str | None:
    """The form code (``maTKhai``) as the first 16 KB spell it in an ASCII-compatible encoding, else None."""
    at = data.find(b"maTKhai>", 0, _SNIFF_BYTES)
    if at < 0:
        return None
    match = _FORM_CODE.search(data, _search_start(data, at), _SNIFF_BYTES)
    return match[1].decode("ascii", "replace") if match else None


def _search_start(data: bytes, at: int) -> int:
    """Where a search for a tag whose name is first spelt at ``at`` may start: after the last ``>`` before it.

    Between a tag's ``<`` and its name stand only ``/`` and a prefix, never a ``>``: no match starts earlier, so the
    pattern need not be tried at every ``<`` of the header before it (memchr-fast ``find`` instead).
    """
    return data.rfind(b">", 0, at) + 1


def parse_header(data: bytes, max_bytes: int) -> Element:
    """The document parsed only as far as the end of its header, with the same safety as :func:`parse_xml`.

    For a document the office will not read further (a financial statement sent as a return): what it is and whose
    it is are in the header; the rest is not parsed (a statement runs to tens of kilobytes).
    """
    _size_checked(data, max_bytes)
    at = data.find(HEADER_END.encode())
    end = _HEADER_END_TAG.search(data, _search_start(data, at)) if at >= 0 else None
    if end is None:  # no NNT element can end anywhere: the whole document is parsed either way
        return parse_xml(data, max_bytes)
    # Only the end of an NNT element (of any namespace, or none) is reported, chosen in C: no other element of the
    # header reaches Python. The bytes up to the first place one can end go in at once (libxml2's push parser is
    # slowest fed small pieces); the rest, needed only when that was no element's end, goes in chunks.
    parser = etree.XMLPullParser(
        events=("end",),
        tag=f"{{*}}{HEADER_END}",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=True,
    )
    try:
        for start, stop in _pieces(end.end(), len(data)):
            parser.feed(data[start:stop])
            for _, found in parser.read_events():
                element = cast("Element", found)  # "end" events carry elements
                return _checked(element.getroottree().getroot())
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise HtkkError("xml.malformed", f"the document is not well-formed XML: {exc}") from None
    return _checked(root)


def _pieces(first: int, size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of the document's pieces: up to ``first``, then chunks of ``_CHUNK_BYTES``."""
    return [(0, first), *((start, min(start + _CHUNK_BYTES, size)) for start in range(first, size, _CHUNK_BYTES))]


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
        self._indexes: dict[Element, tuple[dict[object, Element], set[object]]] = {}

    def local(self, tag: object) -> str | None:
        """The local name of a tag in the document's namespace, else None (comments, other namespaces)."""
        if not isinstance(tag, str):
            return None
        if self.prefix:
            return tag[len(self.prefix) :] if tag.startswith(self.prefix) else None
        return None if tag.startswith("{") else tag

    def children(self, parent: Element, name: str) -> list[Element]:
        """The children of ``parent`` named ``name`` (from its index; walked again only when the name repeats)."""
        first, repeated = self._index(parent)
        tag = self.prefix + name
        if tag in repeated:
            return list(parent.iterchildren(tag))  # in C; findall goes through lxml's Python ElementPath
        found = first.get(tag)
        return [] if found is None else [found]

    def _index(self, parent: Element) -> tuple[dict[object, Element], set[object]]:
        """The first child of ``parent`` by tag, and the tags that appear more than once.

        Made in one walk of the children (lxml's plain iteration in C, cheaper than a tag-filtered one) and kept for
        the rest of the reading: the header's few parents are each asked for several children. Keyed by the whole
        tag (``{namespace}name``), looked up with the document's prefix: an element of another namespace, a comment
        or a processing instruction is never found under a name of the document's namespace.
        """
        found = self._indexes.get(parent)
        if found is None:
            first: dict[object, Element] = {}
            repeated: set[object] = set()
            for child in parent:
                tag = child.tag
                if tag in first:
                    repeated.add(tag)
                else:
                    first[tag] = child
            found = self._indexes[parent] = (first, repeated)
        return found

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
            first, repeated = self._index(current)
            tag = self.prefix + step
            found = first.get(tag)
            if found is None:
                return None
            if tag in repeated:
                count = len(self.children(current, step))
                raise HtkkError("xml.structure", f"element {where}/{path} appears {count} times", f"{where}/{path}")
            current = found
        return current

    def text(self, parent: Element, path: str, where: str) -> str:
        """The stripped text of the element at ``path``; missing is a structure error."""
        return (self.element(parent, path, where).text or "").strip()

    def fields(self, parent: Element | None, names: Iterable[str]) -> dict[str, str]:
        """The stripped text of each child of ``parent`` named in ``names``, by name (the first of a repeated one)."""
        if parent is None:
            return {}
        first, prefix = self._index(parent)[0], self.prefix
        found: dict[str, str] = {}
        for name in names:
            child = first.get(prefix + name)
            if child is not None:
                found[name] = (child.text or "").strip()
        return found

    def optional_text(self, parent: Element | None, path: str, where: str) -> str:
        """The stripped text of the element at ``path``, empty when it is absent."""
        if parent is None:
            return ""
        found = self.optional(parent, path, where)
        return "" if found is None else (found.text or "").strip()
