"""The collections report's replica benchmark at a tiny size: primary and replica started, the report read there."""

import asyncio

from bench import _replica
from bench.reports import _database, replica_phase


def test_the_report_is_built_from_a_caught_up_replica() -> None:
    with _replica.primary_and_replica() as pair:
        url = _database(pair.primary, "collections")
        replica_url = url.replace(pair.primary.rpartition("/")[0], pair.replica.rpartition("/")[0])
        assert replica_url != url
        assert asyncio.run(replica_phase(url, replica_url, 2_000))
