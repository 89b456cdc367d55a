"""A city on PostgreSQL in minutes, set-based, through the real schema (migrated with alembic).

At scale 1: 1,000,000 taxpayers (four in ten enterprises, three households, three individuals; valid tax codes of
prefix 01; 40 tax offices; 1 % closed, 1 % ceasing and 3 % more not active), about 5,000,000 charges due from
20 Oct 2024 to 28 Dec 2026, 200,000 debtors (every fifth taxpayer: two charges unpaid, one half paid, so that
``flag-arrears`` for ``DAY`` opens about 200,000 cases), the other charges due before ``DAY`` paid in up to three
payments a taxpayer with their allocation lines, interest snapshots as of ``DAY``, 400 officers, twelve months of
accepted 01/GTGT returns (on time and late) for the VAT charges of enterprises and households, next month's returns
received, and payments waiting (unmatched, or for the night's reconcile) up to 3,000,000 payments in all. Then
``collection_day`` is built from the ledger (the reports read it) and every table is vacuumed and analysed.

Everything is a function of the taxpayer's number ``n`` (``bench/_arrears_data.py``, ``bench/_seed_data.py``); the
``seed`` shifts which returns are late and the waiting payments' amounts.

Run: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/seed.py [--scale S] [--dsn URL]``. Without ``--dsn``
a throwaway PostgreSQL cluster is started and removed afterwards; with it, the database must be empty (it is
migrated first). Prints rows and seconds per table, the total and the database's size.
"""

import argparse
import asyncio
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bench import _arrears_data, _seed_data
from bench._common import database, log, run_benchmark
from taxoffice.accounts.collections import rebuild
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.migrations import upgrade_to_head

TAXPAYERS = 1_000_000
# The day the seeded city stands at: charges due before it are paid or owed, payments waiting were received on it.
DAY = datetime.date(2026, 12, 1)
SHAPE = _arrears_data.Shape(first_due=datetime.date(2024, 10, 20), enterprises=4, households=7, charges_per_payment=2)
# Each step's table (several steps may write one table).
TABLES = {
    "taxpayers": "taxpayer",
    "charges": "account_charge",
    "payments": "payment",
    "allocations": "payment_allocation",
    "interest snapshots": "interest_accrual",
    "officers": "app_user",
    "returns accepted": "tax_return",
    "returns received": "tax_return",
    "payments waiting": "payment",
    "collection summary": "collection_day",
}
VACUUMED = ("taxpayer", "name_word", "account_charge", "payment", "payment_allocation", "interest_accrual",
            "tax_return", "collection_day", "app_user")  # fmt: skip


def _echo(echo: bool, name: str, rows: int, seconds: float) -> None:
    if echo:
        log(f"  {name}: {rows:,} rows in {seconds:.1f} s")


async def _empty(session: AsyncSession) -> bool:
    return not await session.scalar(text("SELECT EXISTS (SELECT 1 FROM taxpayer)"))


async def seed_city(
    dsn: str,
    *,
    scale: float = 1.0,
    seed: int = 20261202,
    timings: dict[str, float] | None = None,
    echo: bool = False,
) -> dict[str, int]:
    """Migrate the empty database at ``dsn`` (asyncpg URL) and seed a city of ``scale`` x 1,000,000 taxpayers.

    Returns the rows in each table written; ``timings``, when given, gets the seconds of each step (by step name,
    ``vacuum`` last); ``echo`` prints each step as it ends.
    """
    taxpayers = max(100, round(TAXPAYERS * scale))
    await asyncio.to_thread(upgrade_to_head, dsn)
    engine = create_engine(Settings(database_url=dsn, secret_key="bench-secret-key-not-for-production"), dsn)  # noqa: S106 - a throwaway benchmark key
    seconds = timings if timings is not None else {}
    written: dict[str, int] = {}
    try:
        factory = create_session_factory(engine)
        async with factory() as session:
            if not await _empty(session):
                msg = "the database already has taxpayers: seed an empty one"
                raise RuntimeError(msg)
            for name, sql, params in _arrears_data.steps(taxpayers, DAY, SHAPE):
                began = time.perf_counter()
                written[name] = await _arrears_data.execute(session, sql, params)
                seconds[name] = time.perf_counter() - began
                _echo(echo, name, written[name], seconds[name])
            for name, sql, params in _seed_data.steps(taxpayers, written["payments"], DAY, seed):
                began = time.perf_counter()
                written[name] = await _arrears_data.execute(session, sql, params)
                seconds[name] = time.perf_counter() - began
                _echo(echo, name, written[name], seconds[name])
            began = time.perf_counter()
            written["collection summary"] = await rebuild(session)
            await session.commit()
            seconds["collection summary"] = time.perf_counter() - began
            began = time.perf_counter()
            conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            for table in VACUUMED:
                await conn.execute(text(f"VACUUM ANALYZE {table}"))  # a fixed list of our table names
            seconds["vacuum"] = time.perf_counter() - began
    finally:
        await engine.dispose()
    counts: dict[str, int] = {}
    for name, rows in written.items():
        counts[TABLES[name]] = counts.get(TABLES[name], 0) + rows
    return counts


async def _database_size(dsn: str) -> int:
    engine = create_engine(Settings(database_url=dsn, secret_key="bench-secret-key-not-for-production"), dsn)  # noqa: S106 - a throwaway benchmark key
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT pg_database_size(current_database())"))).scalar_one())
    finally:
        await engine.dispose()


async def _seed_and_print(dsn: str, scale: float, seed: int) -> None:
    timings: dict[str, float] = {}
    began = time.perf_counter()
    counts = await seed_city(dsn, scale=scale, seed=seed, timings=timings, echo=True)
    total = time.perf_counter() - began
    log(f"{'step':<20} {'table':<20} {'seconds':>8}")
    for name, seconds in timings.items():
        log(f"{name:<20} {TABLES.get(name, ''):<20} {seconds:>8.1f}")
    log(f"{'table':<20} {'rows':>12}")
    for table, rows in counts.items():
        log(f"{table:<20} {rows:>12,}")
    size = await _database_size(dsn)
    log(f"seeded in {total:.0f} s (migrations included); database size {size / 2**30:.2f} GiB")


def run(args: argparse.Namespace) -> None:
    """Seed the given database, or a throwaway cluster's new database."""
    with database(args.dsn) as url:
        asyncio.run(_seed_and_print(url, args.scale, args.seed))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 1,000,000 taxpayers (below 7.5)")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--dsn", default=None, help="an empty PostgreSQL database on 127.0.0.1 (a superuser's)")
    args = parser.parse_args(argv)
    if not 0 < args.scale < 7.5:  # tax codes have seven digits of sequence number
        parser.error("--scale must be above 0 and below 7.5")
    return args


def main(argv: list[str] | None = None) -> None:
    """Seed and print the figures."""
    run_benchmark(run, parse_args(argv))


if __name__ == "__main__":
    main()
