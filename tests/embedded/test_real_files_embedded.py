"""Real HTKK files on the embedded SQLite database: filed raw and uploaded, decided, given back byte for byte."""

import hashlib

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.filings.real_files import file_return, filer_of
from tests.support.clock import Clock
from tests.support.users import Login


@pytest.mark.parametrize(
    ("name", "upload", "status"),
    [
        ("01GTGT_tt80_Q_credit_appendix_1.xml", True, "accepted"),
        ("01GTGT_tt80_Q_payable_appendix_3.xml", False, "accepted"),
        ("05KKTNCN_tt80_Q_notax_1.xml", True, "accepted"),
    ],
)
async def test_real_files_on_sqlite(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock, name: str, upload: bool, status: str
) -> None:
    clock.set(2026, 11, 30)
    data, document, me = await filer_of(name, session, login)
    response = await file_return(client, me, data, upload=upload)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["status"] == status, receipt["errors"]
    assert receipt["document_sha256"] == hashlib.sha256(data).hexdigest()
    assert receipt["period"] == document.period.label
    back = await client.get(f"/api/v1/returns/{receipt['id']}", params={"format": "xml"}, headers=me)
    assert back.content == data
