"""A stray IntegrityError through the API on PostgreSQL: a 409 problem (``tests/support/integrity.py``)."""

from tests.support.integrity import test_a_stray_integrity_error_is_a_409_problem

__all__ = ["test_a_stray_integrity_error_is_a_409_problem"]
