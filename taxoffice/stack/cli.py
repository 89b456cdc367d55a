"""``taxoffice stack up|down``: the production topology on this machine, run by honcho (docs/operations.md).

``up`` prepares what is missing (the primary's cluster and the office's database, the schema migrated, a
streaming replica copied with ``pg_basebackup``, a signing key), writes the Procfile and the environment file,
then becomes ``honcho start``: every server logs to this terminal with its name, and Ctrl-C (or ``down``, from
another terminal) stops them all. Run again, it keeps the clusters and applies new migrations only.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from taxoffice.stack import postgres
from taxoffice.stack.layout import DATABASE, Stack, env_file_text

# Outside any home directory: run as root, the servers run as the postgres user, who must reach their files.
DEFAULT_DIR = "/var/tmp/taxoffice-stack"  # noqa: S108 - a fixed, documented place
# Seconds ``down`` waits for every process to stop before it gives up.
STOP_SECONDS = 60


def _program(name: str, hint: str) -> str:
    """``name`` from this environment's ``bin`` (honcho is installed with the office), else from ``PATH``."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        msg = f"{name} not found: {hint}"
        raise click.ClickException(msg)
    return found


def _secret_key(stack: Stack) -> str:
    """The stack's signing key (the same for every process), made once and kept in the stack's directory."""
    path = stack.root / "secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _has_database(stack: Stack) -> bool:
    query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"  # noqa: S608 - a constant name
    psql = [postgres.pg_bin("psql"), "-h", "127.0.0.1", "-p", str(stack.primary_port), "-U", "postgres", "-tAc", query]
    done = subprocess.run(psql, check=True, capture_output=True, text=True)  # noqa: S603 - our tools, no shell
    return done.stdout.strip() == "1"


def prepare(stack: Stack) -> None:
    """Create what the stack lacks, migrate the schema; leave both clusters stopped."""
    for directory in (stack.root, stack.sockets, stack.root / "logs"):
        directory.mkdir(parents=True, exist_ok=True)
    postgres.give_to_postgres(stack.sockets, stack.root / "logs")
    if not (stack.primary / "PG_VERSION").exists():
        stack.primary.mkdir(mode=0o700, exist_ok=True)
        postgres.give_to_postgres(stack.primary)
        click.echo(f"stack: a new PostgreSQL cluster in {stack.primary}")
        postgres.initdb(stack.primary)
    log = stack.root / "logs" / "primary-setup.log"
    postgres.start(stack.primary, log, postgres.server_options(stack.primary_port, stack.sockets))
    try:
        if not _has_database(stack):
            postgres.run(
                [
                    postgres.pg_bin("createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(stack.primary_port),
                    "-U",
                    "postgres",
                    DATABASE,
                ]
            )
        environment = os.environ | {"TAXOFFICE_DATABASE_URL": stack.database_url(stack.primary_port)}
        upgrade = [str(stack.bin_dir / "taxoffice"), "db", "upgrade"]
        subprocess.run(upgrade, check=True, env=environment)  # noqa: S603 - our own program, no shell
        if not (stack.replica / "PG_VERSION").exists():
            stack.replica.mkdir(mode=0o700, exist_ok=True)
            postgres.give_to_postgres(stack.replica)
            click.echo(f"stack: a streaming replica in {stack.replica} (pg_basebackup)")
            postgres.base_backup(stack.replica, stack.primary_port)
    finally:
        postgres.stop(stack.primary)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (one that exited and waits for its parent to collect it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return False
    return state.rsplit(") ", 1)[1][0] != "Z"


@click.group()
def stack() -> None:
    """The production topology on this machine: PostgreSQL primary and replica, Redis, API servers, workers."""


@stack.command("up")
@click.option("--dir", "root", default=DEFAULT_DIR, show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--api", "api_processes", default=2, show_default=True, type=click.IntRange(1, 64), help="API servers.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="arq workers.")
@click.option("--port", default=8000, show_default=True, type=int, help="Where the API answers.")
@click.option("--primary-port", default=55432, show_default=True, type=int)
@click.option("--replica-port", default=55433, show_default=True, type=int)
@click.option("--redis-port", default=56379, show_default=True, type=int)
def up(
    root: Path, api_processes: int, workers: int, port: int, primary_port: int, replica_port: int, redis_port: int
) -> None:
    """Prepare what is missing, then run every process in the foreground (Ctrl-C stops them all)."""
    layout = Stack(
        root.resolve(),
        api_port=port,
        primary_port=primary_port,
        replica_port=replica_port,
        redis_port=redis_port,
        api_processes=api_processes,
        workers=workers,
        bin_dir=Path(sys.executable).parent,
        as_postgres=os.geteuid() == 0,
    )
    honcho = _program("honcho", "install the office with its dependencies (`make run` does)")
    redis = _program("redis-server", "install Debian's redis-server (`apt-get install redis-server`)")
    prepare(layout)
    layout.env_file.write_text(env_file_text(layout.environment(_secret_key(layout))), encoding="utf-8")
    layout.env_file.chmod(0o600)
    layout.procfile.write_text(layout.procfile_text(postgres.pg_bin("postgres"), redis), encoding="utf-8")
    layout.pid_file.write_text(str(os.getpid()), encoding="utf-8")
    click.echo(
        f"stack: API on http://127.0.0.1:{port} ({api_processes} processes), {workers} workers; primary "
        f"127.0.0.1:{primary_port}, replica 127.0.0.1:{replica_port}, Redis 127.0.0.1:{redis_port}. "
        f"Settings for other commands: set -a; . {layout.env_file}; set +a"
    )
    sys.stdout.flush()
    command = ["honcho", "start", "-f", str(layout.procfile), "-e", str(layout.env_file), "-d", str(layout.root)]
    os.execv(honcho, [*command, "-c", f"worker={workers}"])  # noqa: S606 - becomes honcho, same process id


@stack.command("down")
@click.option("--dir", "root", default=DEFAULT_DIR, show_default=True, type=click.Path(file_okay=False, path_type=Path))
def down(root: Path) -> None:
    """Stop a running stack cleanly (honcho passes SIGTERM to every process and waits for them)."""
    pid_file = root / "stack.pid"
    try:
        pid = int(pid_file.read_text(encoding="utf-8"))
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        click.echo(f"stack: nothing running from {root}")
        return
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline:
        if not _alive(pid):
            pid_file.unlink(missing_ok=True)
            click.echo("stack: stopped")
            return
        time.sleep(0.2)
    msg = f"stack: process {pid} still running after {STOP_SECONDS} s"
    raise click.ClickException(msg)
