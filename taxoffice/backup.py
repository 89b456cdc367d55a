"""Backing up and restoring the office's database: SQLite through its online backup API, PostgreSQL with pg_dump.

- SQLite (the embedded default): ``sqlite3.Connection.backup`` copies the live database page by page, the WAL's
  committed pages included, while the server keeps running; the copy is checked (``PRAGMA integrity_check``) before
  it replaces the file named. A copy of the ``.db`` file alone, without its ``-wal``, can lose committed work.
- PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, compressed), read back with ``pg_restore --list``
  to check it; restored with ``pg_restore --single-transaction --exit-on-error`` into an empty database. The
  password goes to the tools through ``PGPASSWORD``, never on their command line.

docs/operations.md ("Backup and restore") says what to run, how often, and what else to keep.
"""

import asyncio
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, func, inspect, make_url, select, table
from sqlalchemy.ext.asyncio import create_async_engine

PG_BIN_DIRS = (Path("/usr/lib/postgresql"),)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    """What a backup or restore did: the file, its size, its tables, and the rows of each when they were counted."""

    path: Path
    size: int
    tables: int
    rows: dict[str, int] | None = None

    @property
    def summary(self) -> str:
        """``"taxoffice.backup: 1,234,567 bytes, 31 tables, 52,002 rows"``."""
        counted = "" if self.rows is None else f", {sum(self.rows.values()):,} rows"
        return f"{self.path}: {self.size:,} bytes, {self.tables} tables{counted}"


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        msg = "the SQLite database is in memory: there is nothing to back up"
        raise BackupError(msg)
    return Path(url.database)


async def table_rows(database_url: str) -> dict[str, int]:
    """Every table of the database and its number of rows (``alembic_version`` included)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: sorted(inspect(sync).get_table_names()))
            return {
                name: int(await connection.scalar(select(func.count()).select_from(table(name))) or 0) for name in names
            }
    finally:
        await engine.dispose()


def _private(path: Path) -> Path:
    """A new, empty file beside ``path`` that only its owner may read: a backup holds every record and password hash."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    return partial


def _integrity(connection: sqlite3.Connection, what: str) -> None:
    (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
    if verdict != "ok":
        msg = f"{what} fails SQLite's integrity check: {verdict}"
        raise BackupError(msg)


def _sqlite_backup(source: Path, target: Path) -> None:
    """The live database ``source`` copied to a new file ``target`` through the online backup API, checked."""
    partial = _private(target)
    reading, writing = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(partial)
    try:
        reading.backup(writing)  # the committed state, WAL included, while writers go on
        _integrity(writing, f"the copy of {source}")
        writing.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except BaseException:
        writing.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        reading.close()
    writing.close()
    partial.replace(target)


def _sqlite_restore(source: Path, target: Path) -> None:
    """The backup ``source``, checked, written into the database ``target`` in place (its WAL handled by SQLite)."""
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _integrity(reading, str(source))
        writing = sqlite3.connect(target)
        try:
            reading.backup(writing)
        finally:
            writing.close()
    except sqlite3.DatabaseError as exc:
        msg = f"{source} cannot be restored: {exc}"
        raise BackupError(msg) from exc
    finally:
        reading.close()


def pg_tool(name: str) -> str:
    """The newest ``pg_dump``/``pg_restore`` installed (``/usr/lib/postgresql/*/bin``), else the one on ``PATH``."""
    installed = sorted(
        (d / "bin" / name for root in PG_BIN_DIRS for d in root.glob("*") if (d / "bin" / name).exists()),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    found = str(installed[-1]) if installed else shutil.which(name)
    if found is None:
        msg = f"{name} not found on PATH or under /usr/lib/postgresql/*/bin: install PostgreSQL's client tools"
        raise BackupError(msg)
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it."""
    plain = url.set(drivername="postgresql", password=None)
    env = {**os.environ}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our tools, no shell
    if result.returncode != 0:
        msg = f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}"
        raise BackupError(msg)
    return result.stdout


def backup(database_url: str, path: Path) -> Outcome:
    """Write a backup of the database to ``path`` (replaced), check that it reads back, and say what it holds.

    Raises:
        BackupError: the database cannot be backed up (in memory, a tool missing or failing, a bad copy).
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_file(url), path)
        rows = asyncio.run(table_rows(f"sqlite+aiosqlite:///{path}"))
        return Outcome(path, path.stat().st_size, len(rows), rows)
    target, env = _libpq(url)
    partial = _private(path)
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", target], env)
    listing = _run([pg_tool("pg_restore"), "--list", str(partial)], env)  # the archive reads back
    partial.replace(path)
    return Outcome(path, path.stat().st_size, sum(" TABLE DATA " in line for line in listing.splitlines()))


def restore(database_url: str, path: Path, *, replace: bool = False) -> Outcome:
    """Restore the backup at ``path`` into the configured database, which must be empty (SQLite: or ``replace``).

    Stop the server and workers first: a restore is not a migration, and what they write meanwhile is lost.

    Raises:
        BackupError: the file is not a backup, the target is not empty, or a tool fails.
    """
    if not path.is_file():
        msg = f"{path} is not a file"
        raise BackupError(msg)
    url = make_url(database_url)
    existing = asyncio.run(table_rows(database_url))
    if existing and not (replace and url.get_backend_name() == "sqlite"):
        hint = " (or --replace)" if url.get_backend_name() == "sqlite" else ""
        msg = f"the database already has {len(existing)} tables: restore into an empty database{hint}"
        raise BackupError(msg)
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(path, _sqlite_file(url))
    else:
        target, env = _libpq(url)
        command = [pg_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
        _run([*command, f"--dbname={target}", str(path)], env)
    rows = asyncio.run(table_rows(database_url))
    return Outcome(path, path.stat().st_size, len(rows), rows)
