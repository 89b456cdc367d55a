"""The OpenAPI document: every error an operation answers is documented as an RFC 9457 problem."""

from typing import Any

import httpx
import msgspec

from filings.schemas import ReturnSubmission
from taxoffice.openapi import STATUSES, struct_schema

PROBLEM = "application/problem+json"
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/api/v1/forms"),
    ("GET", "/api/v1/forms/{slug}"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    ("GET", "/api/v1/public/taxpayers/{tax_code}"),
    ("POST", "/api/v1/registrations"),
    ("GET", "/api/v1/registrations/{number}"),
    ("GET", "/api/v1/public/debtors"),
}


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


async def test_every_error_response_is_a_problem(client: httpx.AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    components = document["components"]["responses"]
    assert sorted(components) == sorted(f"Problem{s}" for s in STATUSES)
    assert document["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status"]
    for component in components.values():
        assert component["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for key, operation in _operations(document).items():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response == {"$ref": f"#/components/responses/Problem{status}"}, key


async def test_statuses_follow_from_each_operation(client: httpx.AsyncClient) -> None:
    operations = _operations((await client.get("/schema/openapi.json")).json())
    for key, operation in operations.items():
        statuses = {int(s) for s in operation["responses"]}
        assert ({401, 403} <= statuses) is (key not in PUBLIC), key
        parameters = operation.get("parameters", [])
        if any(p["in"] == "path" for p in parameters):
            assert 404 in statuses, key
        if parameters or "requestBody" in operation:
            assert {400, 422} <= statuses, key
        if "requestBody" in operation:
            assert 413 in statuses, key
    assert {200, 201, 409, 415} <= {int(s) for s in operations["POST", "/api/v1/returns"]["responses"]}
    assert {401, 429} <= {int(s) for s in operations["POST", "/api/v1/auth/token"]["responses"]}


async def test_bodies_read_by_hand_and_files_are_described(client: httpx.AsyncClient) -> None:
    operations = _operations((await client.get("/schema/openapi.json")).json())
    submit = operations["POST", "/api/v1/returns"]["requestBody"]["content"]
    assert set(submit) == {"application/json", "application/xml", "multipart/form-data"}
    assert submit["application/json"]["schema"]["required"] == ["tax_code", "form", "period"]
    report = operations["GET", "/api/v1/reports/{name}"]["responses"]["200"]["content"]
    assert set(report) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert report["application/json"]["schema"] == {"type": "object"}
    statement = operations["GET", "/api/v1/taxpayers/{tax_code}/account.pdf"]["responses"]["200"]["content"]
    assert statement == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def test_struct_schema_inlines_its_definitions() -> None:
    schema = struct_schema(ReturnSubmission)
    assert "$defs" not in schema
    assert "$ref" not in msgspec.json.encode(schema).decode()
    assert schema["properties"]["kind"]["enum"] == ["original", "supplementary"]


async def test_every_operation_documents_the_database_outage(client: httpx.AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    missing = [key for key, operation in _operations(document).items() if "503" not in operation["responses"]]
    assert missing == []
