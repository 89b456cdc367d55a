"""The HTTP server processes: one SO_REUSEPORT socket per worker, TCP_NODELAY, graceful stop, a dead worker."""

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from taxoffice.serving import listening_socket
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


async def pid_app(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    """A minimal ASGI app answering with the id of the process that served the request."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = str(os.getpid()).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})


def test_sockets_share_the_port_and_accepted_connections_have_no_nagle() -> None:
    port = free_port()
    first = listening_socket("127.0.0.1", port, reuse_port=True)
    second = listening_socket("127.0.0.1", port, reuse_port=True)
    try:
        assert first.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
        assert first.proto == socket.IPPROTO_TCP
        with pytest.raises(OSError, match="in use"):
            listening_socket("127.0.0.1", port, reuse_port=False)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            # The kernel hands the connection to either socket: accept from the one it chose.
            ready, _writable, _errors = select.select([first, second], [], [], 5)
            assert ready, "no socket received the connection"
            accepted, _address = ready[0].accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        first.close()
        second.close()


@contextmanager
def _server(workers: int) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    code = (
        "import sys; from taxoffice.serving import ServeOptions, serve; "
        f"sys.exit(serve(ServeOptions(port={port}, workers={workers}, app='tests.test_serving:pid_app')))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "the server exited while starting"
            try:
                httpx.get(base_url, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer within 30 s"
                time.sleep(0.1)
        yield process, base_url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _pids(base_url: str, connections: int) -> set[int]:
    """The processes that answered, one new connection per request."""
    pids = set()
    for _ in range(connections):
        with httpx.Client(base_url=base_url, timeout=5) as client:
            pids.add(int(client.get("/").text))
    return pids


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_workers_share_connections_and_stop_gracefully() -> None:
    with _server(workers=2) as (process, base_url):
        pids = _pids(base_url, 40)
        assert len(pids) == 2
        assert process.pid not in pids
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    assert all(_gone(pid) for pid in pids)


def test_a_dead_worker_stops_the_server() -> None:
    with _server(workers=2) as (process, base_url):
        pids = _pids(base_url, 40)
        os.kill(min(pids), signal.SIGKILL)
        assert process.wait(30) == 1
    assert all(_gone(pid) for pid in pids)


def test_one_worker_serves_in_the_process_itself() -> None:
    with _server(workers=1) as (process, base_url):
        assert _pids(base_url, 3) == {process.pid}
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
