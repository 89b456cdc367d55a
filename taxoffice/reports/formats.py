"""A report as JSON (the API's download) and as CSV (one section, for Excel or a script). Pure.

Both lay out the values of a ``Report`` as they are: money and counts as integers, rates as the Decimal
fraction's own digits (never through a float), dates in ISO 8601.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import msgspec

from taxoffice.reports.tables import Cell, Column, Kind, Lang, Report, Section
from taxoffice.spreadsheet import inert_text

_JSON = msgspec.json.Encoder(decimal_format="number")
BOM = "\ufeff"  # lets Excel read the CSV as UTF-8 (Vietnamese text), which it does not assume otherwise
CSV_CHUNK_ROWS = 10_000


def render_json(report: Report) -> bytes:
    """The whole report as JSON: rows as objects keyed by column, ``generated_at`` in UTC."""
    document = {
        "report": report.name,
        "title": {"vi": report.vi, "en": report.en},
        "parameters": report.parameters,
        "generated_at": _utc(report.generated_at),
        "generated_by": report.generated_by,
        "sections": [_json_section(section) for section in report.sections],
    }
    return _JSON.encode(document)


def render_csv(report: Report, section: str | None, lang: Lang) -> bytes:
    """One section (the first when ``section`` is None) as CSV with a BOM; KeyError for an unknown section."""
    return b"".join(iter_csv(report, section, lang))


def iter_csv(report: Report, section: str | None, lang: Lang, *, chunk_rows: int = CSV_CHUNK_ROWS) -> Iterator[bytes]:
    """``render_csv`` in pieces of ``chunk_rows`` rows, for a streamed response; KeyError raised here, not later."""
    chosen = report.section(section)
    return _csv_chunks(chosen, lang, chunk_rows)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` in UTC; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _json_section(section: Section) -> dict[str, Any]:
    keys = [column.key for column in section.columns]
    return {
        "key": section.key,
        "title": {"vi": section.vi, "en": section.en},
        "columns": [{"key": c.key, "vi": c.vi, "en": c.en, "kind": c.kind.value} for c in section.columns],
        "rows": [dict(zip(keys, row, strict=True)) for row in section.rows],
        "totals": None if section.totals is None else dict(zip(keys, section.totals, strict=True)),
    }


def _csv_chunks(section: Section, lang: Lang, chunk_rows: int) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([column.label(lang) for column in section.columns])
    convert = _csv_converters(section.columns)
    rows: Sequence[tuple[Cell, ...]] = section.rows
    for start in range(0, len(rows), chunk_rows):
        writer.writerows(_csv_row(row, convert) for row in rows[start : start + chunk_rows])
        yield _drain(buffer)
    if section.totals is not None:
        writer.writerow(_csv_row(section.totals, convert))
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode()


def _csv_converters(columns: Sequence[Column]) -> list[tuple[int, Callable[[Any], str]]]:
    """The columns whose values ``str()`` would not write as wanted (the csv module writes the rest itself).

    Rates: ``str(Decimal)`` can switch to exponent notation (``1E-7``); dates: a datetime would get a space; text:
    made inert for spreadsheets (``taxoffice.spreadsheet``).
    """
    converters: list[tuple[int, Callable[[Any], str]]] = []
    for index, column in enumerate(columns):
        if column.kind is Kind.PERCENT:
            converters.append((index, _decimal_digits))
        elif column.kind is Kind.DATE:
            converters.append((index, _iso_date))
        elif column.kind is Kind.TEXT:
            converters.append((index, inert_text))  # names typed by the public: never a formula when opened
    return converters


def _decimal_digits(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _iso_date(value: datetime.date) -> str:
    return value.isoformat()


def _csv_row(row: tuple[Cell, ...], convert: list[tuple[int, Callable[[Any], str]]]) -> Sequence[Cell]:
    if not convert:
        return row
    cells = list(row)
    for index, to_text in convert:
        value = cells[index]
        if value is not None:
            cells[index] = to_text(value)
    return cells
