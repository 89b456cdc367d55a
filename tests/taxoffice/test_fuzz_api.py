"""Schemathesis over every operation of the OpenAPI document, on PostgreSQL (``tests/support/fuzz.py``)."""

from tests.support.fuzz_suite import (
    fuzz,
    fuzz_application,
    fuzz_client,
    fuzz_connection,
    fuzz_skips,
    test_fuzzes_the_served_document,
    test_operation,
)

__all__ = [
    "fuzz",
    "fuzz_application",
    "fuzz_client",
    "fuzz_connection",
    "fuzz_skips",
    "test_fuzzes_the_served_document",
    "test_operation",
]
