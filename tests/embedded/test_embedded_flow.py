"""The main registry flows on the embedded SQLite database."""

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import taxcode
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from tests.support.users import Login

APPLICATION = {
    "kind": "enterprise",
    "name": "Công ty TNHH Kiểm Thử",
    "id_number": "0109876543",
    "address": {"street": "1 Láng"},
}


async def test_apply_approve_search_and_close(client: httpx.AsyncClient, login: Login) -> None:
    receipt = await client.post("/api/v1/registrations", json=APPLICATION)
    assert receipt.status_code == 201
    officer = await login(Role.OFFICER)
    decided = await client.post(
        f"/api/v1/registrations/{receipt.json()['number']}/decision", json={"approve": True}, headers=officer
    )
    assert decided.status_code == 200, decided.text
    code = decided.json()["tax_code"]
    assert taxcode.is_valid(code)
    found = await client.get("/api/v1/taxpayers", params={"q": "cong ty kiem thu"}, headers=officer)
    assert [t["tax_code"] for t in found.json()["items"]] == [code]
    prefix = await client.get("/api/v1/taxpayers", params={"q": "công ty tnhh", "match": "prefix"}, headers=officer)
    assert [t["tax_code"] for t in prefix.json()["items"]] == [code]
    ceasing = await client.post(
        f"/api/v1/taxpayers/{code}/status", json={"status": "03", "reason": "Giải thể"}, headers=officer
    )
    assert ceasing.status_code == 200
    bad = await client.post(f"/api/v1/taxpayers/{code}/status", json={"status": "05", "reason": "x"}, headers=officer)
    assert bad.status_code == 409


async def test_bad_input_writes_nothing(client: httpx.AsyncClient, session: AsyncSession) -> None:
    before = await session.scalar(select(func.count()).select_from(Taxpayer))
    assert (
        await client.post(
            "/api/v1/registrations", content=b'{"kind": "enter', headers={"content-type": "application/json"}
        )
    ).status_code == 400
    assert (await client.post("/api/v1/registrations", json={**APPLICATION, "unknown": 1})).status_code == 400
    assert await session.scalar(select(func.count()).select_from(Taxpayer)) == before


async def test_demo_load_on_sqlite(session: AsyncSession, settings: Settings) -> None:
    written = await insert_demo_taxpayers(session, settings, 3_000, seed=7)
    assert written == 3_000
    codes = list(await session.scalars(select(Taxpayer.tax_code)))
    assert len(codes) == len(set(codes)) >= 3_000
    assert all(taxcode.is_valid(c) for c in codes)
    kinds = dict((await session.execute(select(Taxpayer.kind, func.count()).group_by(Taxpayer.kind))).all())
    assert set(kinds) == {"enterprise", "branch", "household", "individual"}
