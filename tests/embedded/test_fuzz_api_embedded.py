"""Schemathesis over every operation of the OpenAPI document, on the embedded SQLite (``tests/support/fuzz.py``)."""

import pytest

from tests.support.fuzz_suite import (
    fuzz,
    fuzz_application,
    fuzz_client,
    fuzz_connection,
    test_fuzzes_the_served_document,
    test_operation,
)

pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module")
def fuzz_skips() -> dict[tuple[str, str], str]:
    # The probe opens a connection of its own to the file, which the module's open write transaction (the world,
    # rolled back at the end) keeps locked: it would wait out the busy timeout and say "unavailable" every time.
    return {("GET", "/ready"): "the fuzz's own write transaction locks the SQLite file against the probe"}


__all__ = [
    "fuzz",
    "fuzz_application",
    "fuzz_client",
    "fuzz_connection",
    "test_fuzzes_the_served_document",
    "test_operation",
]
