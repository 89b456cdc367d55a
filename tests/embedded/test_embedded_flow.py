"""The main flows on the embedded SQLite database."""

import datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry import taxcode
from registry.models import Taxpayer
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.roles import Role
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from tests.registry.helpers import register_enterprise
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


async def test_file_pay_reconcile_on_sqlite(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    officer, bank = await login(Role.OFFICER), await login(Role.BANK)
    taxpayer = await register_enterprise(session, "0109888001", "Công ty TNHH Nhúng")
    await AccountService(session).post(
        [
            NewCharge(
                taxpayer.id,
                taxpayer.tax_code,
                "VAT",
                "1701",
                "2025-12",
                ChargeKind.TAX,
                10_000_000,
                datetime.date(2026, 1, 20),
                datetime.date(2026, 1, 20),
                "test",
            )
        ]
    )
    await session.commit()
    body = {"bank_ref": "SQLITE-1", "tax_code": taxpayer.tax_code, "amount": 4_000_000, "paid_on": "2026-03-01"}
    assert (await client.post("/api/v1/payments", json=body, headers=bank)).status_code == 201
    assert (await client.post("/api/v1/payments", json=body, headers=bank)).status_code == 200
    counts = await Reconciler(session_factory).run("sqlite")
    assert counts.allocated == 4_000_000
    account = await client.get(
        f"/api/v1/taxpayers/{taxpayer.tax_code}/account", params={"as_of": "2026-03-31"}, headers=officer
    )
    # 10,000,000 for 39 days, then 6,000,000 for 30 days: 117,000 + 54,000.
    assert (account.json()["outstanding"], account.json()["interest"]) == (6_000_000, 171_000)
