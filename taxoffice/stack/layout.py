"""Where a stack keeps its servers, which ports they take, and the Procfile and environment honcho runs. Pure."""

import shlex
from dataclasses import dataclass
from pathlib import Path

DATABASE = "taxoffice"


@dataclass(frozen=True)
class Stack:
    """One stack on this machine: its directory, its ports, and how many API and worker processes it runs.

    Attributes:
        root: the directory holding the clusters, Redis's files, logs, the Procfile and the environment file.
        api_port: where the API answers (``api_processes`` servers share it with ``SO_REUSEPORT``).
        primary_port: the PostgreSQL primary (every write).
        replica_port: its streaming replica (reports and other reads that may lag a little).
        redis_port: Redis (the arq queue).
        api_processes: API server processes.
        workers: arq worker processes.
        bin_dir: where the ``taxoffice`` program is (the virtual environment's ``bin``).
        as_postgres: run the PostgreSQL servers as the postgres user (this process is root).
    """

    root: Path
    api_port: int = 8000
    primary_port: int = 55432
    replica_port: int = 55433
    redis_port: int = 56379
    api_processes: int = 2
    workers: int = 2
    bin_dir: Path = Path()
    as_postgres: bool = False

    @property
    def primary(self) -> Path:
        """The primary's data directory."""
        return self.root / "primary"

    @property
    def replica(self) -> Path:
        """The replica's data directory."""
        return self.root / "replica"

    @property
    def sockets(self) -> Path:
        """Where both PostgreSQL servers put their Unix sockets."""
        return self.root / "sockets"

    @property
    def procfile(self) -> Path:
        """The processes honcho runs."""
        return self.root / "Procfile"

    @property
    def env_file(self) -> Path:
        """The ``TAXOFFICE_*`` settings every API and worker process gets."""
        return self.root / "stack.env"

    @property
    def pid_file(self) -> Path:
        """The process id of the running stack (honcho), for ``taxoffice stack down``."""
        return self.root / "stack.pid"

    def database_url(self, port: int) -> str:
        """The asyncpg URL of the office's database on ``port``."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{DATABASE}"

    def environment(self, secret_key: str) -> dict[str, str]:
        """The settings of the API and worker processes: primary, replica, Redis, one signing key for all."""
        return {
            "TAXOFFICE_DATABASE_URL": self.database_url(self.primary_port),
            "TAXOFFICE_REPLICA_URL": self.database_url(self.replica_port),
            "TAXOFFICE_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "TAXOFFICE_SECRET_KEY": secret_key,
            "TAXOFFICE_PUBLIC_URL": f"http://127.0.0.1:{self.api_port}",
            "TAXOFFICE_COOKIE_SECURE": "0",  # plain HTTP on this machine; behind TLS in production
        }

    def procfile_text(self, postgres_bin: str, redis_bin: str) -> str:
        """The Procfile: both PostgreSQL servers, Redis, the API servers and the arq workers.

        ``worker`` is one line, scaled to ``workers`` processes by honcho's concurrency option.
        """
        # setpriv execs the server itself (no parent in between), so honcho's signals reach PostgreSQL directly.
        runuser = "setpriv --reuid=postgres --regid=postgres --init-groups -- " if self.as_postgres else ""

        def postgres(data: Path, port: int) -> str:
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {shlex.quote(str(self.sockets))}"
            return f"exec {runuser}{shlex.quote(postgres_bin)} -D {shlex.quote(str(data))} {options}"

        taxoffice = shlex.quote(str(self.bin_dir / "taxoffice"))
        redis = (
            f"exec {shlex.quote(redis_bin)} --bind 127.0.0.1 --port {self.redis_port} --save '' --appendonly no "
            f"--dir {shlex.quote(str(self.root))}"
        )
        lines = {
            "primary": postgres(self.primary, self.primary_port),
            "replica": postgres(self.replica, self.replica_port),
            "redis": redis,
            "api": f"exec {taxoffice} serve --host 127.0.0.1 --port {self.api_port} --workers {self.api_processes}",
            "worker": f"exec {taxoffice} worker",
        }
        return "".join(f"{name}: {command}\n" for name, command in lines.items())


def env_file_text(environment: dict[str, str]) -> str:
    """``NAME=value`` lines (values quoted for honcho's .env reader)."""
    return "".join(f"{name}={shlex.quote(value)}\n" for name, value in sorted(environment.items()))
