"""Importing bank statements over HTTP: per-row results, duplicates, bad rows that block nothing, bad files."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts.models import Payment
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.statements import HEADER, csv_bytes, xlsx_bytes
from tests.support.users import Login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def payer(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 3, 31)
    return await register_enterprise(session, "0109777001", "Công ty TNHH Sao Kê")


def row(ref: str, tax_code: str, amount: str = "1.500.000", paid_on: str = "15/03/2026") -> tuple[str, ...]:
    return (ref, tax_code, amount, paid_on, "Công ty TNHH Sao Kê", "2026-02", "1701", "754", "HNI")


async def _payments(session: AsyncSession) -> dict[str, str]:
    return dict((await session.execute(select(Payment.bank_ref, Payment.status))).all())


async def test_csv_rows_are_imported_rejected_or_duplicate(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, payer: Taxpayer
) -> None:
    officer = await login(Role.OFFICER)
    body = csv_bytes(
        [
            row("R1", payer.tax_code),
            row("R2", "0100109106"),  # valid, not registered: unmatched
            row("R3", payer.tax_code, amount="-5"),
            row("R4", payer.tax_code, paid_on="31/02/2026"),
            row("R5", "0100000050"),
            row("R1", payer.tax_code),  # the same payment twice in the file
            row("R1", payer.tax_code, amount="9"),  # the same reference with other data
        ]
    )
    response = await client.post(
        "/api/v1/payments/import?filename=saoke.csv", content=body, headers={**officer, "content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["imported"], result["unmatched"], result["duplicates"]) == (2, 1, 1)
    assert [r["row"] for r in result["rejected"]] == [4, 5, 6, 8]
    assert await _payments(session) == {"R1": "unallocated", "R2": "unmatched"}
    again = (
        await client.post("/api/v1/payments/import", content=body, headers={**officer, "content-type": "text/csv"})
    ).json()
    assert (again["imported"], again["duplicates"]) == (0, 3)


async def test_xlsx_statement(client: httpx.AsyncClient, login: Login, session: AsyncSession, payer: Taxpayer) -> None:
    officer = await login(Role.OFFICER)
    body = xlsx_bytes([row("X1", payer.tax_code), row("X2", payer.tax_code, amount="2000000")])
    response = await client.post("/api/v1/payments/import", content=body, headers={**officer, "content-type": XLSX})
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 2
    assert await session.scalar(select(func.sum(Payment.amount))) == 3_500_000


@pytest.mark.parametrize(
    "body",
    [
        csv_bytes([row("W1", "0109777001")], header=("reference", "code", "money", "date")),
        b"\xff\xfe\x00garbage",
        b"PK\x03\x04 not really a workbook",
    ],
)
async def test_unreadable_statements_are_refused_whole(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, payer: Taxpayer, body: bytes
) -> None:
    officer = await login(Role.OFFICER)
    response = await client.post(
        "/api/v1/payments/import", content=body, headers={**officer, "content-type": "text/csv"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await _payments(session) == {}
    assert payer.tax_code


async def test_only_officers_import(client: httpx.AsyncClient, login: Login, payer: Taxpayer) -> None:
    bank = await login(Role.BANK)
    body = csv_bytes([row("B1", payer.tax_code)], header=HEADER)
    response = await client.post("/api/v1/payments/import", content=body, headers={**bank, "content-type": "text/csv"})
    assert response.status_code == 403
