"""Reading the XML itself: size, safety, the namespace, elements by local name. Pure."""

import re
import xml.etree.ElementTree as ET  # the Element type only: parsing goes through defusedxml

import defusedxml
import defusedxml.ElementTree

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


def parse_xml(data: bytes, max_bytes: int) -> ET.Element:
    """The document's root; a byte-order mark and any declared encoding are honoured by the parser."""
    if len(data) > max_bytes:
        raise HtkkError("xml.too_large", f"the document has {len(data):,} bytes; at most {max_bytes:,} are accepted")
    try:
        return defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise HtkkError("xml.forbidden", f"DTDs, entities and external references are not accepted ({exc})") from None
    except ET.ParseError as exc:
        raise HtkkError("xml.malformed", f"the document is not well-formed XML: {exc}") from None


class Reader:
    """Finds elements by local name in the document's namespace: HTKK's own, or none (as some programs write it).

    Any prefix (``<ns0:HSoThueDTu xmlns:ns0=…>``) reads as the default namespace does; elements of other
    namespaces (the XML signature's) are never taken for the return's own.
    """

    def __init__(self, root: ET.Element) -> None:
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

    def children(self, parent: ET.Element, name: str) -> list[ET.Element]:
        """The children of ``parent`` named ``name``."""
        return parent.findall(self.prefix + name)

    def element(self, parent: ET.Element, path: str, where: str) -> ET.Element:
        """The one element at ``path`` (``a/b``) under ``parent``; missing or repeated is a structure error."""
        found = self.optional(parent, path, where)
        if found is None:
            raise HtkkError("xml.structure", f"missing element {where}/{path}", f"{where}/{path}")
        return found

    def optional(self, parent: ET.Element, path: str, where: str) -> ET.Element | None:
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

    def text(self, parent: ET.Element, path: str, where: str) -> str:
        """The stripped text of the element at ``path``; missing is a structure error."""
        return (self.element(parent, path, where).text or "").strip()

    def optional_text(self, parent: ET.Element | None, path: str, where: str) -> str:
        """The stripped text of the element at ``path``, empty when it is absent."""
        if parent is None:
            return ""
        found = self.optional(parent, path, where)
        return "" if found is None else (found.text or "").strip()
