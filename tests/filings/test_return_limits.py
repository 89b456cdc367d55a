"""A hostile HTKK return over HTTP on PostgreSQL: 60,000 unknown boxes in 1.5 MB answer little and store little.

The office keeps the bytes received, as received (``document``); what it read from them is bounded: the figures of
the form's own indicators, a counted finding for the rest (``filings/forms/validation.py``), and capped lists of the
other filled elements and appendices (``filings/intake.py``). Before: the answer to a detail request held all 60,000
figures (1 MB) and the stored row 1.1 MB of JSON besides the document; in the issue, before the findings cap,
19 MB answered and 14 MB stored.
"""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import ColumnElement, Text, cast, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from filings.htkk import Appendix, render_htkk
from filings.models import TaxReturn
from filings.periods import parse_period
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.filings.test_returns_api import vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

BOXES = 60_000
XML = "application/xml"


@pytest.fixture
async def filer(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 3, 10)
    return await register_enterprise(session, "0109555001", "Công ty TNHH Khai Thuế")


def _htkk(filer: Taxpayer, values: dict[str, int], appendices: list[Appendix] | None = None) -> bytes:
    return render_htkk(
        "842", "C", 0, parse_period("2026-02"), filer.tax_code, filer.name, values, appendices=appendices or ()
    )


def unknown_indicators(filer: Taxpayer) -> bytes:
    return _htkk(filer, {**vat_values(), **{f"ctx{n:05d}": n for n in range(BOXES)}})


def other_elements(filer: Taxpayer) -> bytes:
    document = _htkk(filer, vat_values())
    extra = b"".join(b"<x%05d>%d</x%05d>" % (n, n, n) for n in range(BOXES))
    return document.replace(b"</CTieuTKhaiChinh>", extra + b"</CTieuTKhaiChinh>", 1)


def appendices(filer: Taxpayer) -> bytes:
    return _htkk(filer, vat_values(), [Appendix(f"PL{n:05d}", {"ct1": n}) for n in range(BOXES // 3)])


def wide_appendix(filer: Taxpayer) -> bytes:
    return _htkk(filer, vat_values(), [Appendix("PL_NQ142_GTGT", {f"ct{n:05d}": n for n in range(BOXES // 2)})])


async def test_a_real_return_keeps_everything_it_read(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    figures = vat_values()
    document = _htkk(filer, figures, [Appendix("PL_NQ142_GTGT", {"tongCongThueGTGTDuocGiam": 0, "ct9": 0})])
    response = await client.post("/api/v1/returns", content=document, headers={**me, "content-type": XML})
    stored = await session.get(TaxReturn, response.json()["id"])
    assert stored is not None
    assert stored.values == figures
    assert stored.source["appendices"] == [
        {"name": "PL_NQ142_GTGT", "totals": {"tongCongThueGTGTDuocGiam": 0, "ct9": 0}, "rows": 0}
    ]
    assert "not_kept" not in stored.source


def _as_text(column: InstrumentedAttribute[Any]) -> ColumnElement[int]:
    return func.coalesce(func.octet_length(cast(column, Text)), 0)


async def _stored_bytes(session: AsyncSession, return_id: int) -> tuple[int, int, int]:
    """The JSON columns as text, the whole row as PostgreSQL stores it (compressed), and the document in it."""
    json_text = (
        _as_text(TaxReturn.values)
        + _as_text(TaxReturn.computed)
        + _as_text(TaxReturn.findings)
        + _as_text(TaxReturn.source)
    )
    row = func.pg_column_size(literal_column("tax_return"))
    document = func.pg_column_size(TaxReturn.document)
    found = (await session.execute(select(json_text, row, document).where(TaxReturn.id == return_id))).one()
    return int(found[0]), int(found[1]), int(found[2])


@pytest.mark.parametrize("hostile", [unknown_indicators, other_elements, appendices, wide_appendix])
async def test_a_return_of_sixty_thousand_boxes_answers_and_stores_little(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    filer: Taxpayer,
    hostile: Callable[[Taxpayer], bytes],
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    document = hostile(filer)
    assert 300_000 < len(document) < 2_000_000
    response = await client.post("/api/v1/returns", content=document, headers={**me, "content-type": XML})
    assert response.status_code == 201, response.text[:500]
    receipt = response.json()
    detail = await client.get(f"/api/v1/returns/{receipt['id']}", headers=me)
    dry_run = await client.post("/api/v1/returns/validate", content=document, headers={**me, "content-type": XML})
    listing = await client.get(f"/api/v1/returns?tax_code={filer.tax_code}", headers=me)
    sizes = [len(r.content) for r in (response, detail, dry_run, listing)]
    assert max(sizes) < 40_000, sizes  # was 1 MB for the detail of unknown indicators
    json_bytes, row_bytes, document_bytes = await _stored_bytes(session, receipt["id"])
    assert json_bytes < 40_000  # was 0.5-1.2 MB
    assert row_bytes < document_bytes + 40_000
    stored = await session.get(TaxReturn, receipt["id"])
    assert stored is not None
    assert stored.document == document  # kept as received
    assert set(stored.values) == set(vat_values())  # the form's figures, and only those
