"""``taxoffice stack``: the production topology on this machine, started, used and stopped (docs/operations.md).

A PostgreSQL primary and its streaming replica, Redis, two API processes and one arq worker, run by honcho: a
return filed through the API is written on the primary and read back on the replica; a report says it was built
from the replica and how far behind it is; ``stack down`` stops every process.
"""

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from taxoffice.stack.layout import Stack
from taxoffice.stack.postgres import pg_bin
from tests.filings.test_returns_api import vat_return, vat_values
from tests.support.cli import CLI
from tests.support.servers import free_port

UP_SECONDS = 180


def test_the_procfile_runs_every_server() -> None:
    stack = Stack(Path("/srv/s"), api_port=8100, api_processes=3, workers=2, bin_dir=Path("/v/bin"), as_postgres=True)
    procfile = stack.procfile_text("/usr/lib/postgresql/15/bin/postgres", "/usr/bin/redis-server")
    lines = dict(line.split(": ", 1) for line in procfile.splitlines())
    assert list(lines) == ["primary", "replica", "redis", "api", "worker"]
    assert lines["primary"].startswith("exec setpriv --reuid=postgres")
    assert "-D /srv/s/primary" in lines["primary"]
    assert "-p 55433" in lines["replica"]
    assert lines["api"] == "exec /v/bin/taxoffice serve --host 127.0.0.1 --port 8100 --workers 3"
    assert lines["worker"] == "exec /v/bin/taxoffice worker"
    environment = stack.environment("k" * 48)
    assert environment["TAXOFFICE_REPLICA_URL"].endswith(":55433/taxoffice")
    assert environment["TAXOFFICE_DATABASE_URL"].endswith(":55432/taxoffice")


def _environment(root: Path) -> dict[str, str]:
    """The stack's settings, as its processes get them."""
    values = {}
    for line in (root / "stack.env").read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        values[name] = value.strip("'")
    return {**os.environ, **values}


def _cli(root: Path, *args: str) -> str:
    done = subprocess.run(
        [*CLI, *args], env=_environment(root), capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _replica_scalar(port: int, query: str) -> str:
    psql = [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "taxoffice", "-tAc", query]
    return subprocess.run(psql, capture_output=True, text=True, timeout=30, check=True).stdout.strip()


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="taxoffice-stack-"))
    root.chmod(0o755)  # run as root, the servers run as postgres and must reach their directories
    yield root
    subprocess.run([*CLI, "stack", "down", "--dir", str(root)], capture_output=True, timeout=120, check=False)
    subprocess.run(["rm", "-rf", str(root)], check=False)


def _wait_until_up(url: str, server: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + UP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the stack stopped: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the stack's API did not answer within {UP_SECONDS} s: {log.read_text()[-3000:]}")


def _read_only_pages_read_the_replica(url: str) -> None:
    """A report, the manager's dashboard and the public debtor list say they were read on the replica."""
    with httpx.Client(base_url=url, timeout=60) as client:
        token = client.post("/api/v1/auth/token", json={"username": "manager", "password": "manager-demo-2026"})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        report = client.get("/api/v1/reports/compliance")
        oversight = client.get("/api/v1/arrears/oversight")
    assert oversight.status_code == 200, oversight.text
    assert report.status_code == 200, report.text
    parameters = report.json()["parameters"]
    assert parameters["read_from"] == "replica"
    assert float(parameters["replica_lag_seconds"]) >= 0
    # The manager's page says so too.
    with httpx.Client(base_url=url, timeout=60) as browser:
        login = browser.get("/login", headers={"accept": "text/html"})
        csrf = re.search(r'<meta name="csrf-token" content="([^"]*)">', login.text)
        assert csrf is not None
        form = {"_csrf_token": csrf.group(1), "username": "manager", "password": "manager-demo-2026", "next": ""}
        browser.post("/login", data=form, headers={"accept": "text/html"})
        dashboard = browser.get("/manager", headers={"accept": "text/html"})
    assert dashboard.status_code == 200
    assert 'id="replica-lag"' in dashboard.text
    # The other read-only pages: the public debtor list says it was read on the replica; oversight answers too.
    debtors = httpx.get(f"{url}/debtors", headers={"accept": "text/html"}, timeout=60)
    assert debtors.status_code == 200
    assert 'id="replica-lag"' in debtors.text


def test_a_return_filed_on_the_primary_is_read_on_the_replica(stack_dir: Path) -> None:
    api, primary, replica, redis = free_port(), free_port(), free_port(), free_port()
    log = stack_dir / "stack.log"
    ports = ["--port", str(api), "--primary-port", str(primary), "--replica-port", str(replica)]
    command = [*CLI, "stack", "up", "--dir", str(stack_dir), "--api", "2", "--workers", "1", *ports]
    with log.open("w") as output:
        server = subprocess.Popen(
            [*command, "--redis-port", str(redis)],
            env={**os.environ, "TAXOFFICE_PASSWORD_HASH": "fast"},
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{api}"
    try:
        _wait_until_up(url, server, log)
        assert _replica_scalar(replica, "SELECT pg_is_in_recovery()") == "t"
        _cli(stack_dir, "demo", "load", "--taxpayers", "300")
        with httpx.Client(base_url=url, timeout=60) as client:
            token = client.post("/api/v1/auth/token", json={"username": "taxpayer", "password": "taxpayer-demo-2026"})
            client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            tax_code = client.get("/api/v1/auth/me").json()["tax_code"]
            owed = client.get(f"/api/v1/taxpayers/{tax_code}/obligations").json()
            period = next(o["period"] for o in owed if o["form"] == "01/GTGT" and o["status"] == "overdue")
            filed = client.post("/api/v1/returns", json=vat_return(tax_code, period, vat_values()))
            assert filed.status_code == 201, filed.text
            return_id = filed.json()["id"]
        # Written on the primary, streamed to the replica within moments.
        deadline = time.monotonic() + 30
        on_replica = f"SELECT count(*) FROM tax_return WHERE id = {int(return_id)}"  # noqa: S608 - an int
        while _replica_scalar(replica, on_replica) != "1":
            assert time.monotonic() < deadline, "the return did not reach the replica within 30 s"
            time.sleep(0.2)
        _read_only_pages_read_the_replica(url)
    finally:
        stopped = subprocess.run(
            [*CLI, "stack", "down", "--dir", str(stack_dir)], capture_output=True, text=True, timeout=120, check=False
        )
        assert "stopped" in stopped.stdout, stopped.stdout + stopped.stderr
        assert server.wait(timeout=30) is not None
