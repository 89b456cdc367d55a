"""PostgreSQL clusters from Debian's binaries: find them, make a primary, copy a streaming replica of it.

Used by ``taxoffice stack`` and by the test suite's throwaway servers. PostgreSQL refuses to run as root: run as
root, every command goes through ``runuser -u postgres`` and the cluster's directories belong to that user.
"""

import os
import shutil
import subprocess
from pathlib import Path

PG_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def pg_bin(name: str) -> str:
    """The path of PostgreSQL program ``name`` (Debian keeps them outside ``PATH``)."""
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        msg = f"{name} not found: install Debian's postgresql (`apt-get install postgresql`)"
        raise RuntimeError(msg)
    return found


def as_postgres(cmd: list[str]) -> list[str]:
    """``cmd`` run as the postgres user when this process is root (initdb and postgres refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def give_to_postgres(*paths: Path) -> None:
    """Make ``paths`` the postgres user's when running as root (the server writes there)."""
    if os.geteuid() == 0:
        for path in paths:
            shutil.chown(path, "postgres", "postgres")


def run(cmd: list[str]) -> None:
    """Run a PostgreSQL program (as postgres when root); its output is shown only when it fails."""
    done = subprocess.run(as_postgres(cmd), check=False, capture_output=True, text=True)  # noqa: S603 - no shell
    if done.returncode != 0:
        msg = f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        raise RuntimeError(msg)


def initdb(data: Path) -> None:
    """A new cluster in ``data``: superuser ``postgres``, local trust authentication (127.0.0.1 only), UTF-8.

    initdb's trust rules already let 127.0.0.1 connect for replication; ``wal_level`` is ``replica`` by default.
    """
    run([pg_bin("initdb"), "-D", str(data), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-U", "postgres"])


def server_options(port: int, sockets: Path) -> list[str]:
    """The ``postgres`` options of a stack server: listening on 127.0.0.1 only, its socket in ``sockets``."""
    return ["-c", "listen_addresses=127.0.0.1", "-p", str(port), "-k", str(sockets)]


def start(data: Path, log: Path, options: list[str]) -> None:
    """Start the cluster in the background and wait until it accepts connections."""
    run([pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", " ".join(options), "start"])


def stop(data: Path, mode: str = "fast") -> None:
    """Stop the cluster (``fast``: sessions are ended, then a clean shutdown) and wait until it has."""
    run([pg_bin("pg_ctl"), "-D", str(data), "-m", mode, "-w", "-t", "60", "stop"])


def base_backup(replica: Path, primary_port: int) -> None:
    """A streaming replica of the primary on ``primary_port`` in ``replica`` (``pg_basebackup -R``).

    ``-R`` writes ``standby.signal`` and the primary's connection into ``postgresql.auto.conf``: started, the copy
    replays the primary's WAL as it is written and answers read-only queries (``hot_standby`` is on by default).
    """
    run(
        [
            pg_bin("pg_basebackup"),
            "-D",
            str(replica),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary_port),
            "-U",
            "postgres",
            "-X",
            "stream",
            "-R",
            "-c",
            "fast",
        ]
    )
