"""A stray IntegrityError through the API on the embedded SQLite: a 409 problem (``tests/support/integrity.py``)."""

import pytest

from tests.support.integrity import test_a_stray_integrity_error_is_a_409_problem

pytestmark = pytest.mark.embedded

__all__ = ["test_a_stray_integrity_error_is_a_409_problem"]
