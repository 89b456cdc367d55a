"""The office as a user meets it: `taxoffice serve` on a fresh SQLite file, driven by Debian's Chromium."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.cli import CLI, ok, run_cli
from tests.support.servers import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium as this machine runs it: no sandbox (root), no GPU, and none of its own calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SECRET = "browser-test-secret-browser-test-secret-0123456789"


@dataclass
class LiveOffice:
    """A running server: its address, database and folder."""

    url: str
    database_url: str
    folder: Path

    def cli(self, *args: str) -> str:
        """``taxoffice ARGS`` against this office's database (the output; it must succeed)."""
        return ok(run_cli(self.database_url, self.folder, *args))

    def api_anonymous(self) -> httpx.Client:
        """An API client without a login."""
        return httpx.Client(base_url=self.url, timeout=30)

    @contextmanager
    def api(self, username: str, password: str) -> Iterator[httpx.Client]:
        """An API client logged in as ``username`` (bearer token)."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            token = client.post("/api/v1/auth/token", json={"username": username, "password": password})
            token.raise_for_status()
            client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            yield client


def _environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TAXOFFICE_DATABASE_URL": database_url,
        "TAXOFFICE_SECRET_KEY": SECRET,
        "TAXOFFICE_PASSWORD_HASH": "fast",
        "TAXOFFICE_LOGIN_FREE_ATTEMPTS": "1000",
    }


@contextmanager
def live_office(folder: Path) -> Iterator[LiveOffice]:
    """A migrated office on a new SQLite file, served by `taxoffice serve` until the block ends."""
    database_url = f"sqlite+aiosqlite:///{folder / 'office.db'}"
    ok(run_cli(database_url, folder, "db", "upgrade"))
    port = free_port()
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder,
        env=_environment(database_url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, folder)
        yield LiveOffice(url=url, database_url=database_url, folder=folder)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_until_up(url: str, server: subprocess.Popen[Any], folder: Path) -> None:
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=2) as probe:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                msg = f"the server stopped: {(folder / 'serve.log').read_text()[-2000:]}"
                raise RuntimeError(msg)
            try:
                if probe.get(f"{url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    msg = "the server did not answer /health within 60 s"
    raise RuntimeError(msg)
