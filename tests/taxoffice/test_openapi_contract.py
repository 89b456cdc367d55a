"""The OpenAPI document as a contract: every operation, parameter and property explained, every error a problem.

Each example is checked against its own schema, so an example that a client could not send (or would not
receive) fails as surely as a missing one.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema_rs
import pytest

from taxoffice.problems import MEDIA_TYPE

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.get("/schema/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def _example(node: dict[str, Any]) -> tuple[bool, object]:
    if "example" in node:
        return True, node["example"]
    if isinstance(examples := node.get("examples"), list) and examples:
        return True, examples[0]
    return False, None


def _fits(document: dict[str, Any], schema: dict[str, Any], value: object) -> str | None:
    """Why ``value`` does not fit ``schema`` (its references resolved in ``document``), or None."""
    root = {**schema, "components": document["components"]}
    error = next(iter(jsonschema_rs.Draft202012Validator(root).iter_errors(value)), None)
    return None if error is None else error.message


def _described_and_exemplified(document: dict[str, Any], where: str, node: dict[str, Any], schema: object) -> list[str]:
    faults = []
    if not node.get("description"):
        faults.append(f"{where}: no description")
    has_example, example = _example(node)
    if not has_example and node.get("format") == "binary":  # a file's bytes: no JSON can show them
        return faults
    if not has_example:
        faults.append(f"{where}: no example")
    elif isinstance(schema, dict) and (why := _fits(document, schema, example)) is not None:
        faults.append(f"{where}: example {example!r} does not fit its schema: {why}")
    return faults


def _properties(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, schema in document["components"]["schemas"].items():
        for prop, value in (schema.get("properties") or {}).items():
            yield f"schema {name}.{prop}", value
    # Bodies a handler reads itself are written in place (a return as JSON), not as components.
    for key, operation in _operations(document):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            for prop, value in (content.get("schema", {}).get("properties") or {}).items():
                yield f"{key} body {media} .{prop}", value


async def test_every_operation_has_a_summary_and_a_description(document: dict[str, Any]) -> None:
    faults = [
        f"{key}: no {part}"
        for key, operation in _operations(document)
        for part in ("summary", "description")
        if not operation.get(part)
    ]
    assert faults == []


async def test_every_parameter_is_described_with_an_example_that_fits(document: dict[str, Any]) -> None:
    faults = [
        fault
        for key, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        for fault in _described_and_exemplified(
            document, f"{key} {parameter['in']} {parameter['name']}", parameter, parameter.get("schema")
        )
    ]
    assert faults == [], "\n".join(faults)


async def test_every_property_is_described_with_an_example_that_fits(document: dict[str, Any]) -> None:
    faults = [
        fault
        for where, value in _properties(document)
        for fault in _described_and_exemplified(document, where, value, value)
    ]
    assert faults == [], "\n".join(faults)


async def test_every_error_answer_is_a_problem_with_its_schema(document: dict[str, Any]) -> None:
    components = document["components"]
    problem = {"$ref": "#/components/schemas/Problem"}
    assert components["schemas"]["Problem"]["required"] == ["type", "title", "status"]
    faults = []
    for key, operation in _operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:  # the error classes start at 400
                continue
            resolved = components["responses"].get(response.get("$ref", "").rsplit("/", 1)[-1], response)
            if resolved.get("content") != {MEDIA_TYPE: {"schema": problem}}:
                faults.append(f"{key} {status}: not an {MEDIA_TYPE} problem")
    assert faults == []
