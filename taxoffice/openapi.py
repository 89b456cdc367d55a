"""The problems the API answers, documented once for every operation (RFC 9457 ``application/problem+json``).

Every 4xx the app sends is a problem (``taxoffice.problems``); the OpenAPI document says so for each operation:

- from the operation's shape (``ProblemOperation``): anything read from the path, the query or a body can be
  malformed (400) or break a rule (422); a path names something that may not exist (404); a body can be too large
  (413);
- from the route's setup (``document_problems``, called by ``create_app``): a route that needs a token answers 401
  without a valid one and 403 when the token's role is not admitted (or its one-time password is unchanged);
- from the handler itself, ``responses=problems(...)``: what only some routes answer (409, 415, 429 …).
Litestar's own error entries (its ``{status_code, detail}`` 400) are rewritten as problems too.

A handler that reads its body itself (a return as JSON or HTKK XML, a statement file) or answers in several media
types (``format=json|csv|xlsx``) says so with ``operation_class=described(body=..., answers=...)``, since Litestar
sees neither in its signature.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from http import HTTPStatus
from typing import Any, ClassVar, cast

import msgspec
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    RequestBody,
)
from litestar.openapi.spec import Schema as OpenAPISchema
from litestar.routes import HTTPRoute

from taxoffice.openapi_glossary import document_parameter, document_schemas
from taxoffice.problems import MEDIA_TYPE

_ERROR_FROM = 400
_SUCCESS = range(200, 300)
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A file in the body or the answer: bytes, whatever their media type.
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}


def _text(description: str, example: str) -> OpenAPISchema:
    return OpenAPISchema(type=OpenAPIType.STRING, description=description, examples=[example])


# The problem's schemas, named so that a generated client has one ``Problem`` type for every error answer.
PROBLEM = "Problem"
FIELD_ERROR = "ProblemFieldError"
PROBLEM_SCHEMAS = {
    PROBLEM: OpenAPISchema(
        type=OpenAPIType.OBJECT,
        required=["type", "title", "status"],
        description="An RFC 9457 problem: what went wrong, for people (title, detail) and programs (type, errors).",
        properties={
            "type": _text("A URN naming the kind of problem.", "urn:taxoffice:problem:not-found"),
            "title": _text("The kind of problem, in words.", "Not found"),
            "status": OpenAPISchema(
                type=OpenAPIType.INTEGER, minimum=400, maximum=599, description="The HTTP status.", examples=[404]
            ),
            "detail": _text("This occurrence, in words.", "No taxpayer 0100109106."),
            "instance": _text("The path of the request.", "/api/v1/taxpayers/0100109106"),
            "errors": OpenAPISchema(
                type=OpenAPIType.ARRAY,
                items=Reference(ref=f"#/components/schemas/{FIELD_ERROR}"),
                description="For invalid input: what is wrong with each field.",
                examples=[[{"field": "period", "code": "invalid", "message": "Expected 2026-10, 2026-Q3 or 2026."}]],
            ),
        },
    ),
    FIELD_ERROR: OpenAPISchema(
        type=OpenAPIType.OBJECT,
        required=["field", "code", "message"],
        description="What is wrong with one field of the input.",
        properties={
            "field": _text("The field, as a path into the input.", "period"),
            "code": _text("A stable code for programs.", "invalid"),
            "message": _text("The problem, in words.", "Expected 2026-10, 2026-Q3 or 2026."),
        },
    ),
}
PROBLEM_SCHEMA = Reference(ref=f"#/components/schemas/{PROBLEM}")
# The problem statuses the API answers; each is one response component, referred to by every operation.
STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)


def _description(status: int) -> str:
    return HTTPStatus(status).phrase


def _component(status: int) -> str:
    return f"Problem{status}"


@dataclass
class DocumentedComponents(Components):
    """The components, rendered with every schema property described and exemplified (``openapi_glossary``)."""

    def to_schema(self) -> dict[str, Any]:
        """The components as JSON, the schemas' properties completed from the glossary."""
        rendered = super().to_schema()
        # Litestar rebuilds the schemas from the types it sees, so the problem's are added as the document renders.
        schemas = rendered.setdefault("schemas", {})
        schemas.update({name: schema.to_schema() for name, schema in PROBLEM_SCHEMAS.items()})
        document_schemas(schemas)
        return rendered


@dataclass
class DocumentedOpenAPIConfig(OpenAPIConfig):
    """The OpenAPI configuration whose document renders its components as ``DocumentedComponents``."""

    def to_openapi_schema(self) -> OpenAPI:
        """The document Litestar fills with paths and schemas (the components merged from every plugin's)."""
        document = super().to_openapi_schema()
        merged = document.components
        document.components = DocumentedComponents(**{f.name: getattr(merged, f.name) for f in fields(merged)})
        return document


# One response component for each status, its content the problem schema.
COMPONENTS = DocumentedComponents(
    responses={
        _component(status): OpenAPIResponse(
            description=f"{_description(status)}: an RFC 9457 problem",
            content={MEDIA_TYPE: OpenAPIMediaType(schema=PROBLEM_SCHEMA)},
        )
        for status in STATUSES
    }
)


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """A handler's ``responses=`` for the problems only it answers (``ProblemOperation`` refers to their component)."""
    return {status: ResponseSpec(data_container=None, description=_description(status)) for status in statuses}


@dataclass
class ProblemOperation(Operation):
    """An operation whose error responses are problems, with those its inputs imply."""

    def __post_init__(self) -> None:
        # The handler's docstring is the description (``use_handler_docstrings``); its first line the summary.
        if self.description:
            self.summary = self.description.strip().splitlines()[0].rstrip(".")
        responses: dict[str, Any] = dict(self.responses or {})
        parameters = [p for p in self.parameters or [] if isinstance(p, Parameter)]
        for parameter in parameters:
            document_parameter(self.operation_id or "", parameter)
        # Any operation that reaches the database answers 503 with Retry-After while it is out of reach
        # (taxoffice/outage.py).
        implied: set[int] = {503}
        if parameters or self.request_body is not None:
            implied |= {400, 422}
        if any(p.param_in == "path" for p in parameters):
            implied.add(404)
        if self.request_body is not None:
            implied.add(413)
        for code in implied:
            responses.setdefault(str(code), None)
        for key in [k for k in responses if int(k) >= _ERROR_FROM]:
            if int(key) not in STATUSES:
                msg = f"{self.operation_id} documents a {key}: add it to taxoffice.openapi.STATUSES"
                raise ValueError(msg)
            responses[key] = Reference(ref=f"#/components/responses/{_component(int(key))}")
        self.responses = dict(sorted(responses.items()))


def replayed(answer: type[Any]) -> dict[int, ResponseSpec]:
    """A creating route's ``responses=`` for the same request sent again: 200 with the original answer."""
    return {200: ResponseSpec(data_container=answer, description="Sent before (same key or reference): the original")}


def struct_schema(struct: type[msgspec.Struct]) -> dict[str, Any]:
    """The JSON Schema of a msgspec type with its ``$defs`` written in place (for a body Litestar does not see)."""
    document = msgspec.json.schema(struct)
    definitions: dict[str, Any] = document.pop("$defs", {})

    def inline(node: object) -> object:
        if isinstance(node, dict):
            if isinstance(ref := node.get("$ref"), str) and ref.startswith("#/$defs/"):
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return {**cast("dict[str, Any]", inline(definitions[ref.removeprefix("#/$defs/")])), **rest}
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return cast("dict[str, Any]", inline(document))


def _media(schema: Mapping[str, Any]) -> OpenAPIMediaType:
    # The spec objects render a plain JSON Schema dict as it is; their annotation names only their own classes.
    return OpenAPIMediaType(schema=cast("OpenAPISchema", dict(schema)))


def _bytes_as_json(media: str, content: OpenAPIMediaType) -> bool:
    """Litestar's JSON ``string`` for a handler answering ``Response[bytes]``: a file, never a JSON string."""
    schema = content.schema
    return media == JSON and isinstance(schema, OpenAPISchema) and schema.type == OpenAPIType.STRING


def _without_bytes(content: OpenAPIMediaType) -> OpenAPIMediaType:
    """A JSON answer ``Model | Response[bytes]`` as ``Model``: the bytes are the other media types' answer."""
    schema = content.schema
    if isinstance(schema, OpenAPISchema) and schema.one_of:
        kept = [branch for branch in schema.one_of if branch != OpenAPISchema()]
        if len(kept) == 1 and isinstance(kept[0], Reference):
            return OpenAPIMediaType(schema=kept[0])
    return content


def described(
    *, body: Mapping[str, Mapping[str, Any]] | None = None, answers: Mapping[str, Mapping[str, Any]] | None = None
) -> type[ProblemOperation]:
    """An operation class documenting a body read from the request and the media types of the success answer.

    Args:
        body: the request body's schema by media type.
        answers: further media types of the success answer, with their schema (``BINARY`` for files); a JSON
            answer Litestar could only see as bytes is given here as ``JSON`` to replace its ``string``.
    """

    @dataclass
    class Described(ProblemOperation):
        body_schemas: ClassVar[Mapping[str, Mapping[str, Any]]] = body or {}
        answer_schemas: ClassVar[Mapping[str, Mapping[str, Any]]] = answers or {}

        def __post_init__(self) -> None:
            if self.request_body is None and self.body_schemas:
                content = {media: _media(schema) for media, schema in self.body_schemas.items()}
                self.request_body = RequestBody(content=content, required=True)
            super().__post_init__()
            for status, response in (self.responses or {}).items():
                if int(status) in _SUCCESS and isinstance(response, OpenAPIResponse):
                    extra = {media: _media(schema) for media, schema in self.answer_schemas.items()}
                    given = {
                        m: _without_bytes(c) for m, c in (response.content or {}).items() if not _bytes_as_json(m, c)
                    }
                    response.content = {**given, **extra}

    return Described


def document_problems(app: Litestar, *, exclude_opt_key: str = "exclude_from_auth") -> None:
    """Give every operation of ``app`` its problem responses (before its OpenAPI document is first built)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not issubclass(handler.operation_class, ProblemOperation):
                handler.operation_class = ProblemOperation
            if handler.opt.get(exclude_opt_key):
                continue
            handler.responses = {**problems(401, 403), **(handler.responses or {})}
