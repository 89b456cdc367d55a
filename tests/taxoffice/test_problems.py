"""Bad input gets a 4xx RFC 9457 problem and writes nothing."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import RegistrationApplication, Taxpayer
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from tests.support.users import Login

GOOD = {"kind": "enterprise", "name": "Công ty Kiểm Thử", "id_number": "0109876543", "address": {"street": "1 Láng"}}


async def _counts(session: AsyncSession) -> tuple[int | None, ...]:
    return tuple(
        [
            await session.scalar(select(func.count()).select_from(t))
            for t in (Taxpayer, RegistrationApplication, AuditEvent)
        ]
    )


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        ('{"kind": "enterprise", "name": "Cong', "application/json", 400, None),
        ("not json at all", "application/json", 400, None),
        (
            '{"kind": "enterprise", "name": "Công ty", "id_number": "0109876543", "address": {"street": "x"}, "extra": 1}',
            "application/json",
            400,
            None,
        ),
        (
            '{"kind": "spaceship", "name": "Công ty", "id_number": "0109876543", "address": {"street": "x"}}',
            "application/json",
            400,
            "kind",
        ),
        (
            '{"kind": "enterprise", "name": 12, "id_number": "0109876543", "address": {"street": "x"}}',
            "application/json",
            400,
            "name",
        ),
        (
            '{"kind": "enterprise", "name": "Công ty", "id_number": "01 09", "address": {"street": "x"}}',
            "application/json",
            400,
            "id_number",
        ),
        (
            '{"kind": "branch", "name": "Chi nhánh", "id_number": "0109876543", "address": {"street": "x"}, "parent_tax_code": "0100000050"}',
            "application/json",
            422,
            "parent_tax_code",
        ),
        ("[]", "application/json", 400, None),
    ],
)
async def test_bad_registrations(
    client: httpx.AsyncClient, session: AsyncSession, body: str, content_type: str, status: int, field: str | None
) -> None:
    before = await _counts(session)
    response = await client.post("/api/v1/registrations", content=body.encode(), headers={"content-type": content_type})
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == status
    if field:
        assert any(field in e["field"] for e in problem["errors"]), problem
    assert await _counts(session) == before


async def test_oversized_body_is_413(client: httpx.AsyncClient, session: AsyncSession) -> None:
    before = await _counts(session)
    huge = {**GOOD, "name": "x" * 2_000_000}
    response = await client.post("/api/v1/registrations", json=huge)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await _counts(session) == before


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("0100000050", 422, "tax_code.check_digit"),
        ("0100000011", 422, "tax_code.check_digit"),
        ("0100000000", 422, "tax_code.zero_sequence"),
        ("0100000010-000", 422, "tax_code.branch_suffix"),
        ("01000", 422, "tax_code.length"),
        ("01000000AB", 422, "tax_code.format"),
    ],
)
async def test_invalid_codes_are_named(
    client: httpx.AsyncClient, login: Login, code: str, status: int, error: str
) -> None:
    officer = await login(Role.OFFICER)
    response = await client.get(f"/api/v1/taxpayers/{code}", headers=officer)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == error


async def test_unknown_route_and_method(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = await client.delete("/api/v1/registrations")
    assert wrong.status_code == 405


async def test_probes_and_schema(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/registrations" in schema.json()["paths"]
