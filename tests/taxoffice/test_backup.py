"""``taxoffice db backup`` and ``db restore``, run as real processes on PostgreSQL and SQLite.

Each builds an office with the commands an operator has (taxpayers, months of VAT returns filed and paid, the nightly
jobs: reconciled, interest accrued, arrears flagged), backs it up, restores it into a fresh database, and compares
every table's rows and every account's balances; the restored database then takes new writes.
"""

import asyncio
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from registry.models import Taxpayer
from taxoffice.accounts.models import Charge, Payment
from taxoffice.accounts.services import AccountService
from taxoffice.backup import table_rows
from taxoffice.clock import today_vn
from tests.support.cli import ok, run_cli
from tests.support.servers import fresh_database

Balances = dict[str, tuple[int, int, int, int]]
cli = run_cli


def add_a_user(url: str, cwd: Path) -> "subprocess.CompletedProcess[str]":
    """A new officer written into a restored database: it takes new rows."""
    return cli(
        url, cwd, "users", "create", "--username", "after-restore", "--password", "Xk4!plum-river", "--role", "officer"
    )


def build_office(url: str, cwd: Path) -> None:
    ok(cli(url, cwd, "db", "upgrade"))
    ok(cli(url, cwd, "demo", "load", "--taxpayers", "200"))
    ok(cli(url, cwd, "demo", "activity", "--filers", "10", "--months", "4"))


async def balances(url: str) -> tuple[Balances, int]:
    """Every charged taxpayer's (outstanding, interest, fines, credit) today, and the money not yet applied."""
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session:
            codes = await session.scalars(
                select(Taxpayer.tax_code).where(Taxpayer.id.in_(select(Charge.taxpayer_id))).order_by(Taxpayer.tax_code)
            )
            accounts = AccountService(session)
            found: Balances = {}
            for code in codes.all():
                account = await accounts.statement(code, today_vn())
                found[code] = (account.outstanding, account.interest, account.fines, account.credit)
            unapplied = await session.scalar(select(func.coalesce(func.sum(Payment.unallocated), 0)))
            return found, int(unapplied or 0)
    finally:
        await engine.dispose()


async def assert_same_office(source: str, restored: str) -> None:
    rows = await table_rows(source)
    assert rows == await table_rows(restored)
    assert rows["tax_return"] > 0
    assert rows["payment_allocation"] > 0  # payments were reconciled
    assert rows["interest_accrual"] > 0
    accounts, unapplied = await balances(source)
    assert (accounts, unapplied) == await balances(restored)
    assert len(accounts) >= 10
    assert any(outstanding > 0 for outstanding, *_ in accounts.values())
    assert any(interest > 0 for _, interest, *_ in accounts.values())


@pytest.fixture(scope="module")
def pg_urls(pg_server_url: str) -> tuple[str, str]:
    return fresh_database(pg_server_url, "taxoffice_backup_source"), fresh_database(
        pg_server_url, "taxoffice_backup_restored"
    )


async def test_postgresql_backup_restores_into_a_fresh_database(pg_urls: tuple[str, str], tmp_path: Path) -> None:
    source, restored = pg_urls
    await asyncio.to_thread(build_office, source, tmp_path)
    archive = tmp_path / "office.dump"
    written = ok(await asyncio.to_thread(cli, source, tmp_path, "db", "backup", str(archive)))
    assert "Backup written and read back" in written
    assert archive.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert archive.stat().st_mode & 0o077 == 0  # for its owner only
    assert "cli-test-secret" not in written
    report = ok(await asyncio.to_thread(cli, restored, tmp_path, "db", "restore", str(archive)))
    assert "tax_return:" in report
    await assert_same_office(source, restored)
    again = await asyncio.to_thread(cli, restored, tmp_path, "db", "restore", str(archive))
    assert again.returncode != 0
    assert "restore into an empty database" in again.stderr
    ok(add_a_user(restored, tmp_path))  # sequences came back with the rows: new rows get new ids


def hold_work_in_the_wal(database: Path) -> list[sqlite3.Connection]:
    """Committed work only in the WAL (no checkpoint while its connection is open), and a transaction in flight."""
    committed = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    committed.execute("PRAGMA wal_autocheckpoint=0")
    committed.execute("CREATE TABLE wal_probe (note TEXT)")
    committed.execute("INSERT INTO wal_probe VALUES ('committed, in the WAL only')")
    in_flight = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    in_flight.execute("BEGIN IMMEDIATE")
    in_flight.execute("INSERT INTO wal_probe VALUES ('not committed')")
    assert Path(f"{database}-wal").stat().st_size > 0
    copied = database.with_name("copied-file-only.db")
    shutil.copyfile(database, copied)  # what a plain file copy would keep
    with sqlite3.connect(copied) as naive:
        assert naive.execute("SELECT count(*) FROM sqlite_master WHERE name = 'wal_probe'").fetchone() == (0,)
    naive.close()
    return [in_flight, committed]


@pytest.mark.embedded
async def test_sqlite_backup_takes_the_wal_and_leaves_uncommitted_work(tmp_path: Path) -> None:
    database = tmp_path / "office.db"
    source = f"sqlite+aiosqlite:///{database}"
    await asyncio.to_thread(build_office, source, tmp_path)
    held = await asyncio.to_thread(hold_work_in_the_wal, database)
    archive = tmp_path / "office.backup"
    try:
        ok(await asyncio.to_thread(cli, source, tmp_path, "db", "backup", str(archive)))
    finally:
        for connection in held:
            connection.rollback()
            connection.close()
    with sqlite3.connect(archive) as backup:
        assert backup.execute("SELECT note FROM wal_probe").fetchall() == [("committed, in the WAL only",)]
        assert backup.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, nothing beside it
    backup.close()
    restored = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
    ok(await asyncio.to_thread(cli, restored, tmp_path, "db", "restore", str(archive)))
    await assert_same_office(source, restored)
    refused = await asyncio.to_thread(cli, restored, tmp_path, "db", "restore", str(archive))
    assert "or --replace" in refused.stderr
    ok(await asyncio.to_thread(cli, restored, tmp_path, "db", "restore", "--replace", str(archive)))
    ok(add_a_user(restored, tmp_path))


@pytest.mark.embedded
def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"not a database at all" * 100)
    result = cli(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", tmp_path, "db", "restore", str(bogus))
    assert result.returncode != 0
    assert "cannot be restored" in result.stderr or "integrity" in result.stderr
