"""Text with a NUL character is refused (400) wherever it comes in: PostgreSQL cannot store it (the fuzzer's find)."""

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import RegistrationApplication
from taxoffice.auth.roles import Role
from taxoffice.errors import InvalidRequestError
from taxoffice.validity import nul_at, refuse_nul
from tests.support.users import Login

APPLICATION = {
    "kind": "enterprise",
    "name": "Công ty TNHH Văn Bản",
    "id_number": "0109876501",
    "address": {"street": "1 Láng"},
}


def test_nul_at_names_the_first_field_holding_one() -> None:
    assert nul_at({"a": "x", "b": [1, "ok", {"c": "bad\x00"}]}, "body") == "body.b[2].c"
    assert nul_at({"a\x00": 1}, "body") == "body.<key>"
    assert nul_at("q\x00", "q") == "q"
    assert nul_at({"a": ["x", 1, None, 2.5, True], "b": "ordinary text, tab\tand newline\n"}, "body") is None


def test_refuse_nul_is_a_400_with_the_field() -> None:
    refuse_nul({"name": "fine"}, "body")
    with pytest.raises(InvalidRequestError) as raised:
        refuse_nul({"name": "a\x00b"}, "body")
    assert [(e.field, e.code) for e in raised.value.errors] == [("body.name", "text.nul")]


def _assert_problem(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [
        {"field": field, "code": "text.nul", "message": "Text may not contain the NUL character (U+0000)."}
    ]


async def test_a_json_body_with_nul_is_refused_and_nothing_stored(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    before = await session.scalar(select(func.count()).select_from(RegistrationApplication))
    answer = await client.post("/api/v1/registrations", json={**APPLICATION, "name": "Công ty\x00"})
    _assert_problem(answer, "body.name")
    nested = await client.post("/api/v1/registrations", json={**APPLICATION, "address": {"street": "1\x00"}})
    _assert_problem(nested, "body.address.street")
    assert await session.scalar(select(func.count()).select_from(RegistrationApplication)) == before
    assert (await client.post("/api/v1/registrations", json=APPLICATION)).status_code == 201


async def test_query_and_path_text_with_nul_is_refused(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    _assert_problem(await client.get("/api/v1/taxpayers", params={"q": "cong\x00ty"}, headers=officer), "q")
    _assert_problem(await client.get("/api/v1/public/taxpayers/0100%00"), "tax_code")
    _assert_problem(await client.get("/api/v1/registrations/%00"), "number")
