"""Throwaway PostgreSQL and Redis servers on 127.0.0.1 for the test suite."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from taxoffice.stack.postgres import as_postgres as _as_postgres
from taxoffice.stack.postgres import pg_bin


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str:
    try:
        return pg_bin(name)
    except RuntimeError:
        msg = f"{name} not found: run `make test` (it installs Debian's postgresql) or set TAXOFFICE_TEST_DATABASE_URL"
        raise RuntimeError(msg) from None


_OWNER = "owner.pid"  # the process that started a server, in the server's directory


def _owned_dir(prefix: str) -> Path:
    """A new server directory that names this process as its owner (see ``sweep_abandoned``)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    (root / _OWNER).write_text(str(os.getpid()))
    return root


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (a zombie waiting for its parent has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state.rsplit(") ", 1)[1][0] != "Z"


def _stop(pid: int) -> None:
    """SIGTERM, up to 5 s to exit, then SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while running(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if running(pid):
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def sweep_abandoned(tmp: Path | None = None) -> list[Path]:
    """Stop and remove the servers whose owner died without cleaning up (a test run killed outright).

    Servers whose owner still runs are left alone, so concurrent runs do not disturb each other. Returns what was
    removed.
    """
    removed = []
    for root in sorted((tmp or Path(tempfile.gettempdir())).glob("taxoffice-*")):
        owner = root / _OWNER
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            continue
        if running(pid):
            continue
        if (root / "data").is_dir():
            subprocess.run(
                _as_postgres([_pg_bin("pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "stop"]),
                check=False,
                capture_output=True,
            )
        if (root / "redis.pid").exists():
            _stop(int((root / "redis.pid").read_text()))
        shutil.rmtree(root, ignore_errors=True)
        removed.append(root)
    return removed


@dataclass
class Postgres:
    """A throwaway cluster this process owns: its URL, and a restart for fault tests."""

    url: str
    data: Path
    log: Path
    options: str

    def restart(self) -> None:
        """``pg_ctl restart`` (fast shutdown: every connection dropped, then up again), waiting until it accepts."""
        subprocess.run(
            _as_postgres(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-w",
                    "-t",
                    "60",
                    "-m",
                    "fast",
                    "-o",
                    self.options,
                    "restart",
                ]
            ),
            check=True,
            capture_output=True,
        )


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """Start a fresh cluster; yields its handle; removes it afterwards."""
    sweep_abandoned()
    root = _owned_dir("taxoffice-pg-")
    data, sock, log = root / "data", root / "sock", root / "log"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres(
            [_pg_bin("initdb"), "-D", str(data), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-U", "postgres"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield Postgres(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres", data, log, options)
    finally:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh cluster; yields its asyncpg URL; removes it afterwards."""
    with postgres_cluster() as cluster:
        yield cluster.url


def _wait_for_port(port: int, *, open_: bool, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if open_:
                    return
        except OSError:
            if not open_:
                return
        time.sleep(0.05)
    msg = f"port {port} still {'closed' if open_ else 'open'} after {seconds} s"
    raise RuntimeError(msg)


@dataclass
class RedisServer:
    """A throwaway Redis without persistence that this process owns; stopped and started again by fault tests."""

    binary: str
    root: Path
    port: int

    @property
    def url(self) -> str:
        """Its URL (database 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pidfile(self) -> Path:
        """Where the server writes its process id."""
        return self.root / "redis.pid"

    def start(self) -> None:
        """Start it on its port (empty: nothing is kept across a stop) and wait until it accepts connections."""
        subprocess.run(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
                "--pidfile",
                str(self.pidfile),
            ],
            check=True,
            capture_output=True,
        )
        _wait_for_port(self.port, open_=True)

    def stop(self) -> None:
        """Stop it (SIGTERM) and wait until its port is closed."""
        if self.pidfile.exists():
            _stop(int(self.pidfile.read_text().strip()))
        _wait_for_port(self.port, open_=False)


@contextmanager
def redis_instance() -> Iterator[RedisServer]:
    """Start a Redis without persistence; yields its handle; stops it afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        msg = "redis-server not found: run `make test` (it installs Debian's redis-server) or set TAXOFFICE_TEST_REDIS_URL"
        raise RuntimeError(msg)
    sweep_abandoned()
    server = RedisServer(binary, _owned_dir("taxoffice-redis-"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """Start a Redis without persistence; yields its URL; stops it afterwards."""
    with redis_instance() as server:
        yield server.url


async def admin_sql(server_url: str, *statements: str) -> None:
    """Run ``statements`` on the server outside a transaction (``CREATE DATABASE`` and the like)."""
    from sqlalchemy import text  # noqa: PLC0415 - keeps the server helpers free of SQLAlchemy otherwise
    from sqlalchemy.ext.asyncio import create_async_engine  # noqa: PLC0415

    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


def fresh_database(server_url: str, name: str) -> str:
    """Create an empty database ``name`` on the server and return its URL (call outside a running event loop)."""
    import asyncio  # noqa: PLC0415 - only needed here

    asyncio.run(admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'))
    base, _, _db = server_url.rpartition("/")
    return f"{base}/{name}"
