"""What each name of the API means: the description and an example of every parameter and schema property.

A name means the same wherever the API uses it (``tax_code``, ``due_on``, ``amount`` …), so it is described once
here; where one schema or operation uses it otherwise, a key ``Scope.name`` (the schema's name or the operation's
id) says so. A description or example declared on the field itself (``msgspec.Meta(description=..., examples=[...])``)
or the parameter (``Parameter(description=..., examples=[...])``) comes first; the glossary fills what is missing.

Examples a schema already implies are derived rather than written: an enumeration's first value, an object's
properties' examples, a list of its item's example. ``tests/taxoffice/test_openapi_contract.py`` fails on a name with
neither description nor example: give the field a ``Meta`` or add the name to the glossary (``taxoffice/glossary/``).
"""

from collections.abc import Mapping
from typing import Any

from litestar.openapi.spec import Parameter
from litestar.openapi.spec import Schema as OpenAPISchema

from taxoffice.glossary import TERMS, Term
from taxoffice.glossary_law import LAW_TERMS

_NO_EXAMPLE = object()


def term(scope: str, name: str) -> Term | None:
    """The glossary's entry for ``name`` as ``scope`` uses it."""
    key = f"{scope}.{name}"
    return TERMS.get(key) or LAW_TERMS.get(key) or TERMS.get(name) or LAW_TERMS.get(name)


def _parameter_example(schema: object) -> object:
    if not isinstance(schema, OpenAPISchema):
        return _NO_EXAMPLE
    if schema.enum:
        return schema.enum[0]
    for branch in schema.one_of or []:
        if isinstance(branch, OpenAPISchema) and branch.enum:
            return branch.enum[0]
    return _NO_EXAMPLE


def document_parameter(operation_id: str, parameter: Parameter) -> None:
    """Give a parameter without them its description and example."""
    entry = term(operation_id, parameter.name)
    if not parameter.description and entry:
        parameter.description = entry.description
    if parameter.example is None and not parameter.examples:
        if entry and entry.example is not None:
            parameter.example = entry.example
        elif (derived := _parameter_example(parameter.schema)) is not _NO_EXAMPLE:
            parameter.example = derived


class _Examples:
    """Examples derived from the components' schemas (a referenced schema's once)."""

    def __init__(self, schemas: Mapping[str, dict[str, Any]]) -> None:
        self.schemas = schemas
        self.seen: set[str] = set()

    def of(self, schema: Mapping[str, Any]) -> object:
        """An example of a value of ``schema``, or ``_NO_EXAMPLE``."""
        given = _given(schema)
        if given is not _NO_EXAMPLE:
            return given
        if isinstance(ref := schema.get("$ref"), str):
            return self._referenced(ref.rsplit("/", 1)[-1])
        for key in ("oneOf", "anyOf"):
            for branch in schema.get(key, []):
                if branch.get("type") != "null" and (found := self.of(branch)) is not _NO_EXAMPLE:
                    return found
        if schema.get("type") == "array" and isinstance(items := schema.get("items"), Mapping):
            found = self.of(items)
            return [found] if found is not _NO_EXAMPLE else _NO_EXAMPLE
        if isinstance(properties := schema.get("properties"), Mapping) and properties:
            composed = {key: self.of(value) for key, value in properties.items()}
            return {key: value for key, value in composed.items() if value is not _NO_EXAMPLE}
        return _NO_EXAMPLE

    def _referenced(self, name: str) -> object:
        if name in self.seen or name not in self.schemas:  # a schema containing itself: no example from it
            return _NO_EXAMPLE
        self.seen.add(name)
        try:
            return self.of(self.schemas[name])
        finally:
            self.seen.discard(name)


def _given(schema: Mapping[str, Any]) -> object:
    """The example the schema itself gives or implies (an enumeration's first value, a constant)."""
    if "example" in schema:
        return schema["example"]
    examples = schema.get("examples") or schema.get("enum")
    if isinstance(examples, list) and examples:
        return examples[0]
    return schema.get("const", _NO_EXAMPLE)


def document_schemas(schemas: dict[str, dict[str, Any]]) -> None:
    """Give every property of every schema its description and example (in place, on the rendered JSON)."""
    for name, schema in schemas.items():
        for prop, value in (schema.get("properties") or {}).items():
            entry = term(name, prop)
            if not value.get("description") and entry:
                value["description"] = entry.description
            if "example" not in value and not value.get("examples") and entry and entry.example is not None:
                value["example"] = entry.example
    examples = _Examples(schemas)
    for schema in schemas.values():
        for value in (schema.get("properties") or {}).values():
            if "example" not in value and not value.get("examples"):
                derived = examples.of(value)
                if derived is not _NO_EXAMPLE:
                    value["example"] = derived
