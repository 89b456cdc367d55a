"""Every example of README.md, run as written (in order, in one shell) against a real server on a fresh demo.

Each fenced ``sh`` block is an example and runs, except the few in ``NOT_RUN`` (each with its reason, each checked
to still be in the README); a block in another fence may hold no command. ``curl`` is wrapped to record every
answer: each must be a success, or what the ``#   → NNN {…}`` comment under it says: that status, and the literal
values it shows (``"status":"accepted"``; ``…`` stands for anything).
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.cli import ok, run_cli
from tests.support.servers import free_port

pytestmark = pytest.mark.embedded
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# First lines of the shell blocks the test does not run, and why.
NOT_RUN = {
    "make run     # installs, migrates, serves on http://127.0.0.1:8000 (SQLite file ./taxoffice.db)": (
        "installs and serves until stopped; the test serves the same app itself"
    ),
    "make demo     # = taxoffice demo load --taxpayers 1000, then taxoffice demo activity": (
        "the test runs its two commands, with smaller counts"
    ),
    "export TAXOFFICE_DATABASE_URL=postgresql+asyncpg://taxoffice:…@db/taxoffice": "production: PostgreSQL",
    "export TAXOFFICE_REDIS_URL=redis://redis:6379/0   # on the API processes too: POST /jobs then enqueues": (
        "production: Redis"
    ),
}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ARROW = re.compile(r"^#\s+→\s?(.*)$")
LITERAL = re.compile(r'"(\w+)":("[^"…]*"|-?\d+|true|false|null)(?=[,}\]])')
# Every curl records its status and body; an arrow comment records what the call before it must have answered.
PRELUDE = r"""
set -euo pipefail
echo 0 > "$WORK/.n"
curl() {
  local n; n=$(( $(cat "$WORK/.n") + 1 )); echo "$n" > "$WORK/.n"
  command curl -sS -D "$WORK/.h$n" "$@" | tee "$WORK/.b$n"
  printf 'call\t%s\t%s\t%s\n' "$n" "$(grep -o '^HTTP/[0-9.]* [0-9]*' "$WORK/.h$n" | tail -1 | cut -d' ' -f2)" "$(printf '%s' "$*" | tr '\n\t' '  ')" >> "$WORK/.log"
}
__expect() { printf 'expect\t%s\n' "$1" >> "$WORK/.log"; }
"""


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]


def _with_expectations(block: str) -> str:
    """The block with ``__expect 'comment'`` after each arrow comment (its continuation lines joined)."""
    out: list[str] = []
    pending: list[str] = []
    for line in block.splitlines():
        if (m := ARROW.match(line)) is not None:
            pending.append(m.group(1))
        elif pending and line.startswith("#  "):
            pending.append(line.lstrip("# "))
        elif pending:
            out.append(f"__expect {shlex.quote(' '.join(pending))}")
            pending = []
        out.append(line)
    if pending:
        out.append(f"__expect {shlex.quote(' '.join(pending))}")
    return "\n".join(out)


def readme_script(text: str, base: str) -> str:
    """The shell blocks to run, in order, with ``127.0.0.1:8000`` pointing at ``base``."""
    shell = [body for lang, body in _blocks(text) if lang == "sh" and body.splitlines()[0] not in NOT_RUN]
    return "\n".join(_with_expectations(body) for body in shell).replace("127.0.0.1:8000", base)


def test_every_block_is_run_or_says_why_not() -> None:
    blocks = _blocks(README.read_text(encoding="utf-8"))
    first_lines = [body.splitlines()[0] for lang, body in blocks if lang == "sh"]
    assert sorted(set(NOT_RUN) & set(first_lines)) == sorted(NOT_RUN), "NOT_RUN names a block the README lacks"
    others = [body for lang, body in blocks if lang != "sh"]
    # The one other block is the command line's synopsis, with placeholders: it runs nothing.
    assert [body.splitlines()[0] for body in others] == [
        "taxoffice serve [--host 127.0.0.1 --port 8000 --workers N]   # N processes on PostgreSQL"
    ]
    assert all("curl " not in body for body in others)


def _check(log: list[str], script: str, folder: Path) -> None:
    calls: list[tuple[str, str, str, list[str]]] = []  # number, status, command, expectations
    for line in log:
        kind, *rest = line.split("\t")
        if kind == "call":
            calls.append((rest[0], rest[1], rest[2], []))
        else:
            assert calls, f"an arrow comment before any call: {rest[0]}"
            calls[-1][3].append(rest[0])
    assert len(calls) >= script.count("curl -s"), "some example did not run"
    problems = [problem for call in calls if (problem := _problem(folder, *call)) is not None]
    assert not problems, "\n".join(problems)


def _found(body: object, key: str) -> object:
    """The first value of ``key`` anywhere in ``body`` (depth first), or None."""
    if isinstance(body, dict):
        if key in body:
            return body[key]
        values: list[object] = list(body.values())
    else:
        values = list(body) if isinstance(body, list) else []
    return next((found for v in values if (found := _found(v, key)) is not None), None)


def _problem(folder: Path, number: str, status: str, command: str, expected: list[str]) -> str | None:
    wanted = expected[-1] if expected else ""
    code = re.match(r"\s*(\d{3})\b", wanted)
    body_text = (folder / f".b{number}").read_text(encoding="utf-8")
    shown = re.sub(r"Bearer \S+", "Bearer …", command)
    if (code.group(1) if code else None) not in {None, status} or (code is None and not status.startswith("2")):
        return f"#{number} {shown} answered {status}, not {code.group(1) if code else '2xx'}: {body_text[:300]}"
    literals = dict(LITERAL.findall(wanted))
    if not literals:
        return None
    body = json.loads(body_text)
    wrong = {k: (v, _found(body, k)) for k, v in literals.items() if json.loads(v) != _found(body, k)}
    return f"#{number} {shown}: expected vs answered {wrong}" if wrong else None


@pytest.fixture
def demo_server(tmp_path: Path, migrated_file: Path) -> Iterator[tuple[str, Path]]:
    """A real server (``taxoffice serve``) on a fresh SQLite file with the demo loaded; its base URL and folder."""
    shutil.copyfile(migrated_file, tmp_path / "taxoffice.db")
    url = f"sqlite+aiosqlite:///{tmp_path / 'taxoffice.db'}"
    ok(run_cli(url, tmp_path, "users", "ensure-admin"))
    ok(run_cli(url, tmp_path, "demo", "load", "--taxpayers", "400"))
    ok(run_cli(url, tmp_path, "demo", "activity", "--filers", "10"))
    port = free_port()
    env = {**os.environ, "TAXOFFICE_DATABASE_URL": url, "TAXOFFICE_SECRET_KEY": "readme-test-secret-0123456789abcdef"}
    env["TAXOFFICE_PASSWORD_HASH"] = "fast"
    server = subprocess.Popen(
        [sys.executable, "-m", "taxoffice.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the server exited while starting"
            try:
                if httpx.get(f"http://{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_examples_work_as_written(demo_server: tuple[str, Path]) -> None:
    base, folder = demo_server
    script = PRELUDE + readme_script(README.read_text(encoding="utf-8"), base)
    (folder / "readme.sh").write_text(script, encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TAXOFFICE_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'taxoffice.db'}",
        "TAXOFFICE_SECRET_KEY": "readme-test-secret-0123456789abcdef",
        "TAXOFFICE_PASSWORD_HASH": "fast",
        "WORK": str(folder),
    }
    run = subprocess.run(
        ["bash", str(folder / "readme.sh")],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = (folder / ".log").read_text(encoding="utf-8").splitlines() if (folder / ".log").exists() else []
    assert run.returncode == 0, f"{run.stderr[-3000:]}\nlast calls: {log[-3:]}"
    _check(log, script, folder)
