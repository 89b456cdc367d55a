"""The collections report's replica benchmark at a tiny size: primary and replica started, the report read there."""

from bench.reports import collections_from_replica


def test_the_report_is_built_from_a_caught_up_replica() -> None:
    assert collections_from_replica(2_000)
