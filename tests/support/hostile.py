"""Hostile statement files, built on the spot: zip bombs, a million shared strings, a CSV of bad rows.

Workbooks are written part by part through ``zipfile`` from generated chunks, so a bomb that inflates to a gigabyte
is made without holding it: only its compressed bytes exist.
"""

import io
import resource
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Self

from tests.support.statements import HEADER

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{_REL}"><sheets><sheet name="Sao kê" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
MIB = 1 << 20


def _inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> bytes:
    """The statement header as a sheet row of inline strings."""
    return f'<row r="1">{"".join(_inline(name) for name in HEADER)}</row>'.encode()


def workbook(
    sheet_rows: Iterable[bytes],
    shared_strings: Iterable[bytes] = (b"<si><t>x</t></si>",),
    extra: dict[str, Iterable[bytes]] | None = None,
    prolog: bytes = b"",
) -> bytes:
    """An XLSX workbook with one sheet of ``sheet_rows`` (``<row>`` elements), the ``<si>`` items and parts given.

    ``prolog`` goes before the shared strings' root element (a document type declaration, say).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, chunks in (extra or {}).items():
            _stream(archive, name, chunks)
        _stream(
            archive,
            "xl/sharedStrings.xml",
            chain([prolog, f'<sst xmlns="{MAIN}">'.encode()], shared_strings, [b"</sst>"]),
        )
        opening = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        _stream(archive, "xl/worksheets/sheet1.xml", chain([opening], sheet_rows, [b"</sheetData></worksheet>"]))
    return out.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    """Writes a part from chunks (under 2 GiB in all), a MiB at a time."""
    with archive.open(name, "w") as part:
        for chunk in _chunked(chunks):
            part.write(chunk)


def _chunked(parts: Iterable[bytes], size: int = MIB) -> Iterator[bytes]:
    buffer = bytearray()
    for part in parts:
        buffer += part
        if len(buffer) >= size:
            yield bytes(buffer)
            buffer.clear()
    yield bytes(buffer)


def _repeat(piece: bytes, total: int) -> Iterator[bytes]:
    """``piece`` repeated to about ``total`` bytes, a MiB at a time."""
    chunk = piece * max(1, MIB // len(piece))
    for _ in range(max(1, total // len(chunk))):
        yield chunk


def giant_string_bomb(inflated: int = 1000 * MIB) -> bytes:
    """A workbook whose one shared string is ``inflated`` bytes of ``A``: about 1/1000 of that on disk."""
    strings = chain([b"<si><t>"], _repeat(b"A", inflated), [b"</t></si>"])
    row = b'<row r="2"><c t="s"><v>0</v></c></row>'
    return workbook([header_row(), row], strings)


def sheet_bomb(inflated: int = 1000 * MIB) -> bytes:
    """A workbook whose sheet inflates to ``inflated`` bytes of identical one-cell rows."""
    row = f"<row>{_inline('x')}</row>".encode()
    return workbook(chain([header_row()], _repeat(row, inflated)))


def many_shared_strings(count: int = 1_000_000, *, distinct: bool = False) -> bytes:
    """A workbook with ``count`` shared strings: empty ones (a few KiB on disk), or distinct ones (about 2.5 MB)."""
    if distinct:
        return workbook([header_row()], (f"<si><t>{n:x}</t></si>".encode() for n in range(count)))
    return workbook([header_row()], _repeat(b"<si><t/></si>", count * 13))


def big_part(name: str, inflated: int) -> bytes:
    """A workbook with a part ``name`` (say ``xl/styles.xml``) of ``inflated`` bytes of an XML comment."""
    part = chain([b"<!--"], _repeat(b" ", inflated), [b"-->"])
    return workbook([header_row()], extra={name: part})


def many_parts(count: int) -> bytes:
    """A workbook with ``count`` extra one-byte parts."""
    return workbook([header_row()], extra={f"xl/media/{n}.bin": [b"x"] for n in range(count)})


def bad_csv_rows(size: int = 4 * MIB) -> bytes:
    """A CSV of about ``size`` bytes whose every row is wrong in every column."""
    header = ",".join(HEADER).encode() + b"\r\n"
    row = b",1,x,x,,x,x,x,\r\n"
    return header + row * ((size - len(header)) // len(row))


def lying_zip(data: bytes, member: str, declared: int) -> bytes:
    """``data`` (a ZIP) with ``member``'s uncompressed size in the central directory replaced by ``declared``."""
    encoded = member.encode()
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(encoded))
    assert data[at + 46 : at + 46 + len(encoded)] == encoded, "the central entry of the member"
    return data[: at + 24] + declared.to_bytes(4, "little") + data[at + 28 :]


class Cost:
    """CPU seconds (every thread of this process) and peak traced memory of the work inside ``with``."""

    cpu_seconds: float
    peak_bytes: int

    def __enter__(self) -> Self:
        tracemalloc.start()
        self._started = _cpu()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.cpu_seconds = _cpu() - self._started
        self.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
