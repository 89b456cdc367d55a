"""Payment extensions end to end: a decree request, an Art. 62 decision, revocation; interest, overdue, arrears."""

import datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.flagging import flag_arrears
from taxoffice.arrears.models import ArrearsCase
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
D = datetime.date
API = "/api/v1"


@pytest.fixture
async def taxpayer(session: AsyncSession, clock: Clock) -> Taxpayer:
    """VAT of March 2023 (100,000,000 due 20 Apr 2023) and of November 2023 (20,000,000 due 20 Dec 2023)."""
    clock.set(2023, 10, 31)
    registered = await register_enterprise(session, "0109777001", "Công ty TNHH Gia Hạn")
    await AccountService(session).post(
        [
            NewCharge(registered.id, registered.tax_code, "VAT", "1701", period, ChargeKind.TAX, amount, due, due, "t")
            for period, amount, due in (("2023-03", 100 * M, D(2023, 4, 20)), ("2023-11", 20 * M, D(2023, 12, 20)))
        ]
    )
    await session.commit()
    return registered


async def _account(client: httpx.AsyncClient, headers: dict[str, str], code: str, as_of: str) -> dict[str, object]:
    response = await client.get(f"{API}/taxpayers/{code}/account?as_of={as_of}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_decree_extension_stops_interest_and_keeps_the_debt_off_the_worklist(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    taxpayer: Taxpayer,
) -> None:
    officer = await login(Role.OFFICER)
    code = taxpayer.tax_code
    # Without the extension: 21 Apr .. 30 Oct 2023 is 193 days at 0.03 % on 100,000,000 = 5,790,000.
    assert (await _account(client, officer, code, "2023-10-31"))["interest"] == 5_790_000
    await flag_arrears(session_factory, D(2023, 10, 31), full=True)
    assert (await session.scalar(select(ArrearsCase.overdue_tax).where(ArrearsCase.taxpayer_id == taxpayer.id))) == (
        100 * M
    )

    late = {"decree": "12/2023", "requested_on": "2023-10-01"}
    refused = await client.post(f"{API}/taxpayers/{code}/extensions/decree", json=late, headers=officer)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "requested_on.late"  # the decree took requests until 30 Sep

    body = {"decree": "12/2023/NĐ-CP", "requested_on": "2023-09-30"}
    granted = await client.post(f"{API}/taxpayers/{code}/extensions/decree", json=body, headers=officer)
    assert granted.status_code == 201, granted.text
    # Only March is covered (November is not an extended period of Decree 12/2023): to 20 Oct 2023.
    [extension] = granted.json()
    assert (extension["due_on"], extension["extended_to"], extension["basis"]) == ("2023-04-20", "2023-10-20", "decree")
    audit = await session.scalar(select(AuditEvent.action).where(AuditEvent.action == "extension.decree"))
    assert audit == "extension.decree"

    # On 20 Oct: not overdue, no interest. On 31 Oct: 21..30 Oct, 10 days x 0.03 % = 300,000.
    assert (await _account(client, officer, code, "2023-10-20"))["interest"] == 0
    account = await _account(client, officer, code, "2023-10-31")
    assert account["interest"] == 300_000
    # Under extension it left the worklist: on 15 Oct the case closes (nothing overdue), and it reopens after.
    await flag_arrears(session_factory, D(2023, 10, 15), full=True)
    statuses = [
        row.status for row in await session.scalars(select(ArrearsCase).execution_options(populate_existing=True))
    ]
    assert statuses == ["closed"]
    await flag_arrears(session_factory, D(2023, 10, 21), full=True)
    reopened = await session.scalar(
        select(ArrearsCase).where(ArrearsCase.status == "open").execution_options(populate_existing=True)
    )
    assert reopened is not None
    assert reopened.oldest_due_on == D(2023, 10, 20)

    # Revoked (the taxpayer was not in a listed sector): interest for the whole time again.
    manager = await login(Role.MANAGER)
    revoked = await client.post(
        f"{API}/extensions/{extension['id']}/revocation",
        json={"reason": "ngành nghề không thuộc Phụ lục"},
        headers=manager,
    )
    assert revoked.status_code == 200, revoked.text
    assert (await _account(client, officer, code, "2023-10-31"))["interest"] == 5_790_000


async def test_an_article_62_decision(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, taxpayer: Taxpayer
) -> None:
    officer, manager = await login(Role.OFFICER), await login(Role.MANAGER)
    code = taxpayer.tax_code
    charges = (await client.get(f"{API}/taxpayers/{code}/charges", headers=officer)).json()["charges"]
    november = next(charge["id"] for charge in charges if charge["period"] == "2023-11")
    decision = {
        "charge_id": november,
        "extended_to": "2024-12-21",
        "ground": "relocation",
        "reference": "123/QĐ-CCT",
        "requested_on": "2023-10-30",
    }
    # Only the head of the office decides (Art. 62.5).
    assert (
        await client.post(f"{API}/taxpayers/{code}/extensions/decision", json=decision, headers=officer)
    ).status_code == 403
    # A relocation gives at most 1 year from the deadline (Art. 62.3.b): 20 Dec 2024; 21 Dec is too late.
    too_long = await client.post(f"{API}/taxpayers/{code}/extensions/decision", json=decision, headers=manager)
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["code"] == "extended_to.out_of_range"
    decision["extended_to"] = "2024-06-20"
    made = await client.post(f"{API}/taxpayers/{code}/extensions/decision", json=decision, headers=manager)
    assert made.status_code == 201, made.text
    assert (
        await client.post(f"{API}/taxpayers/{code}/extensions/decision", json=decision, headers=manager)
    ).status_code == 409
    listed = (await client.get(f"{API}/taxpayers/{code}/extensions", headers=officer)).json()
    assert [(row["reference"], row["extended_to"]) for row in listed] == [("123/QĐ-CCT", "2024-06-20")]
    # 20,000,000 on 1 Jul 2024: 21..30 Jun 2024 only, 10 days x 0.03 % = 60,000 (and the March VAT's own interest).
    account = await _account(client, officer, code, "2024-07-01")
    items = {item["period"]: item for item in account["items"]}  # type: ignore[attr-defined]
    assert items["2023-11"]["interest_accrued"] == 60_000
    assert items["2023-11"]["due_on"] == "2024-06-20"
