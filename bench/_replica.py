"""A throwaway PostgreSQL primary and its streaming replica, made by the stack's code (``taxoffice/stack/postgres.py``).

The primary is ``initdb``'d and started as ``taxoffice stack`` does; the replica is copied from it with
``pg_basebackup -R -X stream`` and started beside it. Unlike the stack's, the replica holds a physical replication
slot, so that a bulk load faster than the replica can replay keeps its WAL until it has (the stack's replica follows
ordinary traffic). Both run with ``fsync=off`` like the test suite's throwaway servers: nothing here must survive a
crash. ``caught_up`` waits until the replica has replayed everything the primary has written.
"""

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from taxoffice.stack import postgres
from tests.support.servers import free_port

SLOT = "bench_replica"
FAST = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_wal_size=4GB"]


@dataclass(frozen=True)
class Pair:
    """The servers' URLs (their ``postgres`` database) and where their logs are."""

    primary: str
    replica: str
    root: Path


def _url(port: int) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"


def _create_slot(url: str) -> None:
    async def create() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_create_physical_replication_slot(:slot)"), {"slot": SLOT})
        await engine.dispose()

    asyncio.run(create())


@contextmanager
def primary_and_replica() -> Iterator[Pair]:
    """Start a primary and a streaming replica of it; stop and remove both afterwards."""
    root = Path(tempfile.mkdtemp(prefix="taxoffice-replica-bench-", dir="/var/tmp"))
    primary, replica, sockets = root / "primary", root / "replica", root / "sockets"
    for directory in (primary, replica, sockets):
        directory.mkdir(mode=0o700)
    postgres.give_to_postgres(root, primary, replica, sockets)
    primary_port, replica_port = free_port(), free_port()
    started: list[Path] = []
    try:
        postgres.initdb(primary)
        postgres.start(primary, root / "primary.log", postgres.server_options(primary_port, sockets) + FAST)
        started.append(primary)
        _create_slot(_url(primary_port))
        postgres.base_backup(replica, primary_port)
        with (replica / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"primary_slot_name = '{SLOT}'\n")
        postgres.start(replica, root / "replica.log", postgres.server_options(replica_port, sockets) + FAST)
        started.append(replica)
        yield Pair(_url(primary_port), _url(replica_port), root)
    finally:
        for data in reversed(started):
            postgres.stop(data, "immediate")
        shutil.rmtree(root, ignore_errors=True)


async def caught_up(primary_url: str, replica_url: str, patience: float = 600) -> float:
    """Wait until the replica has replayed all the primary had written when called; the seconds waited."""
    began = time.perf_counter()
    primary = create_async_engine(primary_url)
    replica = create_async_engine(replica_url)
    try:
        async with primary.connect() as conn:
            lsn = str((await conn.execute(text("SELECT pg_current_wal_lsn()"))).scalar_one())
        async with replica.connect() as conn:
            while not (
                await conn.execute(text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"), {"lsn": lsn})
            ).scalar_one():
                if time.perf_counter() - began > patience:
                    msg = f"the replica has not replayed up to {lsn} after {patience:.0f} s"
                    raise TimeoutError(msg)
                await asyncio.sleep(0.2)
    finally:
        await primary.dispose()
        await replica.dispose()
    return time.perf_counter() - began
