"""Text with a NUL character is refused wherever it comes in (PostgreSQL cannot store it): 422, or a rejected row."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import RegistrationApplication
from taxoffice.accounts.models import Payment
from taxoffice.auth.roles import Role
from taxoffice.errors import ValidationFailedError
from taxoffice.validity import nul_at, refuse_nul
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.statements import csv_bytes
from tests.support.users import Login

APPLICATION = {
    "kind": "enterprise",
    "name": "Công ty TNHH Văn Bản",
    "id_number": "0109876501",
    "address": {"street": "1 Láng"},
}


def test_nul_at_names_the_first_field_holding_one() -> None:
    assert nul_at({"a": "x", "b": [1, "ok", {"c": "bad\x00"}]}) == "b[2].c"
    assert nul_at({"v": {"a\x00": 1}}) == "v.<key>"
    assert nul_at("q\x00", "q") == "q"
    assert nul_at(["ok", "\x00"]) == "body[1]"
    assert nul_at({"a": ["x", 1, None, 2.5, True], "b": "ordinary text, tab\tand newline\n"}) is None


def test_refuse_nul_is_a_422_with_the_field() -> None:
    refuse_nul({"name": "fine"})
    with pytest.raises(ValidationFailedError) as raised:
        refuse_nul({"name": "a\x00b"})
    assert [(e.field, e.code) for e in raised.value.errors] == [("name", "text.nul")]


def _assert_problem(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [
        {"field": field, "code": "text.nul", "message": "Text may not contain the NUL character (U+0000)."}
    ]


async def test_a_json_body_with_nul_is_refused_and_nothing_stored(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    before = await session.scalar(select(func.count()).select_from(RegistrationApplication))
    answer = await client.post("/api/v1/registrations", json={**APPLICATION, "name": "Công ty\x00"})
    _assert_problem(answer, "name")
    nested = await client.post("/api/v1/registrations", json={**APPLICATION, "address": {"street": "1\x00"}})
    _assert_problem(nested, "address.street")
    assert await session.scalar(select(func.count()).select_from(RegistrationApplication)) == before
    assert (await client.post("/api/v1/registrations", json=APPLICATION)).status_code == 201


async def test_query_and_path_text_with_nul_is_refused(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    _assert_problem(await client.get("/api/v1/taxpayers", params={"q": "cong\x00ty"}, headers=officer), "q")
    _assert_problem(await client.get("/api/v1/public/taxpayers/0100%00"), "tax_code")
    _assert_problem(await client.get("/api/v1/registrations/%00"), "number")


async def test_a_return_or_a_statement_row_with_nul_is_refused(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2026, 3, 31)
    payer = await register_enterprise(session, "0109770011")
    officer = await login(Role.OFFICER)
    for values, field in (({"ct40\x00": 1}, "values.<key>"), ({"ct40": "1\x00"}, "values.ct40")):
        body = {"tax_code": payer.tax_code, "form": "01-GTGT", "period": "2026-01", "values": values}
        _assert_problem(await client.post("/api/v1/returns", json=body, headers=officer), field)
    for column, cell in ((4, "Công\x00ty"), (8, "H\x00N")):
        line = ["R1", payer.tax_code, "1.500.000", "15/03/2026", "Công ty", "2026-02", "1701", "754", "HNI"]
        line[column] = cell
        answer = await client.post(
            "/api/v1/payments/import", content=csv_bytes([tuple(line)]), headers={**officer, "content-type": "text/csv"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["imported"] == 0
        assert "NUL character" in answer.json()["rejected"][0]["reason"]
    assert await session.scalar(select(func.count()).select_from(Payment)) == 0
