"""The deadline-day benchmark's fixtures: its own ``taxoffice stack``, the people who use it, and ``pgbench``.

The stack runs in a directory of its own under /var/tmp on free ports, so it never meets another stack on this
machine; it is stopped with ``taxoffice stack down`` and its directory removed afterwards.
"""

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import insert, text, update

from bench._common import CLOCK_TICKS, log, proc_cpu
from bench._filings_setup import PASSWORD, TAXOFFICE, create_filers
from registry.models import Taxpayer
from taxoffice.auth.models import User
from taxoffice.auth.passwords import hash_password
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.stack.layout import DATABASE
from taxoffice.stack.postgres import pg_bin
from tests.support.servers import free_port

UP_SECONDS = 240
OFFICERS = ("dd-officer-1", "dd-officer-2")
BANK = "dd-bank"
PROBE_DATABASE = "limit_probe"
TPS = re.compile(r"^tps = ([\d.]+)", re.MULTILINE)


@dataclass(frozen=True)
class RunningStack:
    """A started stack: its directory, the API's port, the primary's port, honcho's process."""

    root: Path
    api_port: int
    primary_port: int
    replica_port: int
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        """The API's address."""
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def primary_url(self) -> str:
        """The office's database on the primary (asyncpg)."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.primary_port}/{DATABASE}"

    def environment(self) -> dict[str, str]:
        """This process's environment with the stack's settings, as its API and worker processes get them."""
        values = {}
        for line in (self.root / "stack.env").read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            values[name] = value.strip("'")
        return {**os.environ, **values}

    def api_pids(self) -> list[int]:
        """The API server processes (the workers of ``taxoffice serve``, or the one process), for a profiler."""
        port = f"--port {self.api_port}".encode()
        parents: dict[int, int] = {}
        servers = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (info := proc_cpu(int(entry.name))) is not None:
                parents[int(entry.name)] = info[1]
                with contextlib.suppress(OSError):
                    cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                    if b" serve " in cmdline and port in cmdline:
                        servers.append(int(entry.name))
        workers = [pid for pid, parent in parents.items() if parent in servers and pid not in servers]
        return sorted(workers or servers)


def cpu_seconds(stack_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the stack (honcho and every process under it), this process, and the machine."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := proc_cpu(int(entry.name))) is not None:
            processes[int(entry.name)] = info
    children: dict[int, list[int]] = {}
    for pid, (_comm, parent, _group, _seconds) in processes.items():
        children.setdefault(parent, []).append(pid)
    stack, todo = 0.0, [stack_pid]
    while todo:
        pid = todo.pop()
        if pid in processes:
            stack += processes[pid][3]
        todo.extend(children.get(pid, []))
    me = processes.get(os.getpid())
    fields = Path("/proc/stat").read_text(encoding="utf-8").splitlines()[0].split()[1:]
    busy = (sum(int(f) for f in fields) - int(fields[3]) - int(fields[4])) / CLOCK_TICKS
    return {"stack": stack, "bench": me[3] if me else 0.0, "machine": busy}


def _wait_up(stack: RunningStack, log_file: Path) -> None:
    deadline = time.monotonic() + UP_SECONDS
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            msg = f"the stack stopped while starting:\n{log_file.read_text(errors='replace')[-3000:]}"
            raise SystemExit(msg)
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{stack.base_url}/health", timeout=2).status_code == httpx.codes.OK:
                return
        time.sleep(0.5)
    msg = f"the stack's API did not answer within {UP_SECONDS} s:\n{log_file.read_text(errors='replace')[-3000:]}"
    raise SystemExit(msg)


@contextlib.contextmanager
def running_stack(api: int, workers: int, pool_size: int | None, *, keep: bool = False) -> Iterator[RunningStack]:
    """``taxoffice stack up`` in a new directory under /var/tmp on free ports; ``stack down`` and removal after."""
    root = Path(tempfile.mkdtemp(prefix="taxoffice-deadline-", dir="/var/tmp"))
    root.chmod(0o755)  # the servers run as postgres and must reach it
    api_port, primary, replica, redis = free_port(), free_port(), free_port(), free_port()
    command = [str(TAXOFFICE), "stack", "up", "--dir", str(root), "--api", str(api), "--workers", str(workers)]
    command += ["--port", str(api_port), "--primary-port", str(primary), "--replica-port", str(replica)]
    command += ["--redis-port", str(redis)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("TAXOFFICE_")}
    # Every login comes from the load generator's one address: lift the address's allowance; argon2's cheapest
    # profile for the seeded logins (the password check is not what is measured).
    env |= {"TAXOFFICE_LOGIN_FREE_ATTEMPTS": "1000000", "TAXOFFICE_PASSWORD_HASH": "fast"}
    if pool_size is not None:
        env["TAXOFFICE_DB_POOL_SIZE"] = str(pool_size)
    log_file = root / "stack.log"
    with log_file.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    stack = RunningStack(root, api_port, primary, replica, process)
    started = time.perf_counter()
    try:
        _wait_up(stack, log_file)
        log(
            f"stack up in {time.perf_counter() - started:.0f} s: {api} API processes, {workers} worker(s), primary "
            f":{primary}, replica :{replica}, Redis :{redis}, API {stack.base_url} (dir {root})"
        )
        yield stack
    finally:
        down = [str(TAXOFFICE), "stack", "down", "--dir", str(root)]
        subprocess.run(down, capture_output=True, timeout=120, check=False)  # noqa: S603 - our own command
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
        tail = log_file.read_text(errors="replace").splitlines()
        errors = [line for line in tail if "Traceback" in line or " ERROR " in line]
        if errors:
            log(f"stack log: {len(errors)} error lines, e.g. " + "; ".join(errors[:3]))
        if keep:
            log(f"stack directory kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def run_job(stack: RunningStack, name: str) -> str:
    """``taxoffice jobs run NAME`` on the stack's database; its output."""
    command = [str(TAXOFFICE), "jobs", "run", name]
    done = subprocess.run(command, env=stack.environment(), capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    if done.returncode != 0:
        msg = f"job {name} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}"
        raise SystemExit(msg)
    return done.stdout.strip()


async def seed(url: str, monthly: int, quarterly: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Monthly and quarterly VAT filers with taxpayer logins, two officers and a bank, all with ``PASSWORD``."""
    filers = await create_filers(url, monthly + quarterly)
    settings = Settings(database_url=url, password_hash="fast")  # noqa: S106 - the name of an argon2 profile
    engine = create_engine(settings)
    quarterly_filers = filers[monthly:]
    try:
        async with engine.begin() as conn:
            codes = [code for code, _name in quarterly_filers]
            await conn.execute(update(Taxpayer).where(Taxpayer.tax_code.in_(codes)).values(vat_frequency="quarterly"))
            password_hash = hash_password(PASSWORD, "fast")
            staff = [(name, Role.OFFICER) for name in OFFICERS] + [(BANK, Role.BANK)]
            await conn.execute(
                insert(User),
                [
                    {"username": name, "password_hash": password_hash, "role": role.value, "tax_office": None}
                    | ({"tax_office": settings.tax_office} if role is Role.OFFICER else {})
                    for name, role in staff
                ],
            )
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return filers[:monthly], quarterly_filers


def _psql(port: int, database: str, sql: str) -> None:
    command = [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-qc", sql]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - PostgreSQL's client


def pgbench_inserts(port: int, clients: int, seconds: float) -> float:
    """One-row ``INSERT`` transactions a second by ``pgbench`` on the primary at ``port`` with ``clients`` clients.

    In a database of its own on the same server (so the office's tables are not touched): a table shaped like a
    small return row, prepared statements, every transaction committed as the office's are.
    """
    _psql(port, "postgres", f"DROP DATABASE IF EXISTS {PROBE_DATABASE}")
    _psql(port, "postgres", f"CREATE DATABASE {PROBE_DATABASE}")
    _psql(
        port,
        PROBE_DATABASE,
        "CREATE TABLE probe (id bigserial PRIMARY KEY, tax_code text NOT NULL, amount bigint NOT NULL, "
        "created_at timestamptz NOT NULL DEFAULT now())",
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("\\set code random(100000000, 999999999)\n")
        script.write("INSERT INTO probe (tax_code, amount) VALUES (:code, :code);\n")
    Path(script.name).chmod(0o644)
    command = [pg_bin("pgbench"), "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(round(seconds))]
    command += ["-f", script.name, "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", PROBE_DATABASE]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)  # noqa: S603
    finally:
        Path(script.name).unlink(missing_ok=True)
    match = TPS.search(done.stdout)
    if done.returncode != 0 or match is None:
        msg = f"pgbench failed ({done.returncode}): {done.stdout[-1500:]}{done.stderr[-1500:]}"
        raise SystemExit(msg)
    _psql(port, "postgres", f"DROP DATABASE IF EXISTS {PROBE_DATABASE}")
    return float(match.group(1))
