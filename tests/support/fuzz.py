"""Schemathesis over the app's whole OpenAPI document, sent through httpx to the app in this process.

Schemathesis generates each operation's requests from the document the app serves (valid ones and, as often,
deliberately invalid ones); the requests go through ``httpx.ASGITransport`` on the test's own event loop and
connection (Schemathesis's own ASGI client runs the app on another loop, which a shared connection refuses), each
in a savepoint rolled back afterwards. Every answer must be: no 5xx; a status the document lists for the operation,
in a media type it lists, with a body its schema admits; for 4xx and 5xx an RFC 9457 problem
(``application/problem+json`` with ``type``, ``title`` and ``status``).

Examples per operation: ``TAXOFFICE_FUZZ_EXAMPLES`` (default 50, the suite's budget); the seed is fixed
(``derandomize``) so a failure in CI fails the same way on a laptop. ``TAXOFFICE_FUZZ_SEED`` picks another fixed
seed for a longer local hunt.
"""

import functools
import json
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from taxoffice.app import create_app
from taxoffice.config import Settings

EXAMPLES = int(os.environ.get("TAXOFFICE_FUZZ_EXAMPLES", "50"))
SEED = os.environ.get("TAXOFFICE_FUZZ_SEED")
PROBLEM_MEDIA_TYPE = "application/problem+json"
Case = schemathesis.Case[Any]
# Requests sent, by database and status: the suite's summary prints them (``tests/conftest.py``).
TALLY: Counter[tuple[str, int]] = Counter()
# Who sends each example: drawn per example, so every operation is tried by those it admits and those it refuses.
PRINCIPALS = ("admin", "off1", "tp_a", "bank1", "manager", "anon")


def fuzz_settings() -> hypothesis.settings:
    """Bounded, reproducible runs: a fixed seed unless one is asked for, no example database, no deadline."""
    return hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=SEED is None,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            hypothesis.HealthCheck.too_slow,
            hypothesis.HealthCheck.filter_too_much,
            hypothesis.HealthCheck.data_too_large,
        ],
    )


def seeded(test: Callable[..., Any]) -> Callable[..., Any]:
    """Apply ``TAXOFFICE_FUZZ_SEED`` when given (otherwise the settings derandomise)."""
    return hypothesis.seed(int(SEED))(test) if SEED is not None else test


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The document the app serves, built once at collection (it depends on no database)."""
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key="collection-only-" * 3)
    document: dict[str, Any] = create_app(settings).openapi_schema.to_schema()
    # The JSON round trip gives what a client reads (tuples become lists, enums their values).
    parsed: dict[str, Any] = json.loads(json.dumps(document))
    return parsed


def operations() -> list[Any]:
    """Every operation of the document, as pytest parameters ``(method, path)``."""
    return [
        pytest.param(method.upper(), path, id=f"{method.upper()} {path}")
        for path, item in openapi_document()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def load_schema(document: dict[str, Any]) -> schemathesis.BaseSchema:
    """Schemathesis's view of the document."""
    return schemathesis.openapi.from_dict(document)


def problem_body(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case) -> bool:
    """Every 4xx and 5xx is an RFC 9457 problem: its media type, and ``type``, ``title``, ``status`` in the body."""
    if response.status_code < 400:  # the error classes start at 400
        return True
    media_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    assert media_type == PROBLEM_MEDIA_TYPE, f"{response.status_code} answered as {media_type!r}, not a problem"
    body = json.loads(response.content or b"null")
    assert isinstance(body, dict), f"problem body is not an object: {body!r}"
    assert isinstance(body.get("type"), str), "problem without a type"
    assert isinstance(body.get("title"), str), "problem without a title"
    assert body.get("status") == response.status_code, (
        f"problem status {body.get('status')} on a {response.status_code}"
    )
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_body,
]


def case_strategy(schema: schemathesis.BaseSchema, method: str, path: str) -> st.SearchStrategy[Any]:
    """Requests for one operation: as many valid as invalid ones (negative mode), paired with a sender."""
    operation = schema[path][method]
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    cases = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in modes))
    return st.tuples(cases, st.sampled_from(PRINCIPALS))


def with_known_values(case: Case, known: dict[str, str], use_known: bool) -> None:
    """Point path parameters at rows that exist (a tax code, a payment) on some examples, so handlers go deeper."""
    if not use_known or not case.path_parameters:
        return
    for name in case.path_parameters:
        if name in known:
            case.path_parameters[name] = known[name]


def httpx_arguments(case: Case) -> dict[str, Any]:
    """The case's request, in httpx's words (Schemathesis serialises for requests)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    sent: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": kwargs.get("headers") or {},
        "params": kwargs.get("params"),
    }
    assert not kwargs.get("cookies"), "the document declares no cookie parameters"
    if "json" in kwargs:
        sent["json"] = kwargs["json"]
    data, files = kwargs.get("data"), kwargs.get("files")
    if files:
        # A form with files, encoded as Schemathesis means it (any part may be deliberately wrong) by requests.
        prepared = requests.PreparedRequest()
        prepared.prepare_headers(None)
        prepared.prepare_body(data, files)
        sent["content"] = prepared.body
        sent["headers"] = {**sent["headers"], "Content-Type": prepared.headers["Content-Type"]}
    elif isinstance(data, bytes | str):
        sent["content"] = data
    elif data is not None:
        sent["data"] = data
    return sent


async def send(client: httpx.AsyncClient, case: Case, headers: dict[str, str], database: str) -> httpx.Response:
    """Send one case as a principal, count it under ``database``, then hold its answer to every check."""
    arguments = httpx_arguments(case)
    arguments["headers"] = {**arguments["headers"], **headers}
    request = client.build_request(**arguments)
    request.read()  # a multipart body is a stream: read once, so the checks can show what was sent
    response = await client.send(request)
    TALLY[database, response.status_code] += 1
    case.validate_response(response, checks=CHECKS, headers=arguments["headers"])
    return response


async def served_document(client: httpx.AsyncClient) -> dict[str, Any]:
    """The document at ``/schema/openapi.json``."""
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text[:300]
    served: dict[str, Any] = response.json()
    return served


def summary() -> list[str]:
    """One line per database: requests sent, and how many answered 2xx, 4xx and 5xx."""
    lines = []
    for database in sorted({name for name, _ in TALLY}):
        by_class = Counter[str]()
        for (name, status), n in TALLY.items():
            if name == database:
                by_class[f"{status // 100}xx"] += n
        total = sum(by_class.values())
        classes = ", ".join(f"{k} {v}" for k, v in sorted(by_class.items()))
        lines.append(f"API fuzz on {database}: {total} requests ({classes})")
    return lines
