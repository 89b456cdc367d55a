"""Serving the app over HTTP: one uvicorn server per process, each on its own listening socket.

``uvicorn --workers N`` binds one socket in a supervisor and shares it with its workers. On Linux one worker then
tends to accept most connections, and since that socket is made with protocol 0 asyncio never sets ``TCP_NODELAY``
on the accepted connections, so a kept-alive client waits for its delayed ACK (~40 ms) on many responses (uvicorn
issue #3149). Here each worker binds its own socket with ``SO_REUSEPORT`` (the kernel spreads new connections over
them) and protocol ``IPPROTO_TCP`` with ``TCP_NODELAY`` (inherited by accepted connections, and set again by
asyncio). One worker runs in this process itself, with no supervisor.
"""

import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

APP = "taxoffice.asgi:app"
# Seconds a worker gets to finish its requests after SIGTERM/SIGINT before it is killed.
GRACE_SECONDS = 20.0
# The cyclic collector's youngest-generation threshold while serving (Python's default is 700): a request makes a
# few thousand container objects, nearly all freed by reference counting, so collecting every 700 is mostly waste.
GC_GEN0_THRESHOLD = 20_000


@dataclass(frozen=True)
class ServeOptions:
    """Where and how many processes serve."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    app: str = APP
    log_level: str = "warning"


def listening_socket(host: str, port: int, *, reuse_port: bool, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket with ``TCP_NODELAY`` (a port taken by another program fails here, with OSError).

    Connections that arrive before its server starts wait in the backlog.
    """
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    family, kind, proto, _name, address = info[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def _config(options: ServeOptions) -> uvicorn.Config:
    return uvicorn.Config(
        options.app,
        host=options.host,
        port=options.port,
        log_level=options.log_level,
        access_log=False,
        lifespan="on",
    )


def _serve_one(options: ServeOptions, sock: socket.socket) -> None:
    """Run one uvicorn server on ``sock`` until SIGINT/SIGTERM (uvicorn's own handlers shut it down gracefully).

    After a graceful stop uvicorn raises the signal again; SIGINT's KeyboardInterrupt ends the process quietly, as
    ``uvicorn.run`` does, and SIGTERM ends it by the signal.
    """
    config = _config(options)
    config.load()  # imports the app (SQLAlchemy, Litestar, pandas …) now, so that it can be frozen
    settle_garbage_collector()
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])


def settle_garbage_collector() -> None:
    """Move everything loaded so far out of the collector's sight and collect less often.

    The app's modules, tables and routes live as long as the process: ``gc.freeze`` keeps the full collections from
    walking those hundreds of thousands of objects again and again (each walk a pause every request in flight waits
    out), and a higher first threshold makes the young collections rarer.
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, middle, oldest)


def _worker_main(options: ServeOptions, sock: socket.socket) -> None:
    """A worker process: serve on the socket the supervisor bound for it."""
    _serve_one(options, sock)


def _start_workers(options: ServeOptions, sockets: Sequence[socket.socket]) -> list[BaseProcess]:
    context = multiprocessing.get_context("spawn")
    processes: list[BaseProcess] = []
    for number, sock in enumerate(sockets, start=1):
        process = context.Process(target=_worker_main, args=(options, sock), name=f"taxoffice-worker-{number}")
        process.start()
        processes.append(process)
    return processes


def _stop_workers(processes: Sequence[BaseProcess]) -> None:
    """SIGTERM to each live worker (uvicorn finishes its requests), SIGKILL to any still alive after the grace."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(GRACE_SECONDS)
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(5)


def serve(options: ServeOptions) -> int:
    """Serve until interrupted; returns the exit status (not 0 when a worker died by itself).

    With ``workers`` 1 the server runs in this process. Otherwise this process binds one ``SO_REUSEPORT`` socket per
    worker (so a port in use fails here, at once), starts the workers, and waits: SIGINT or SIGTERM stops them all
    gracefully; a worker that exits by itself stops the others too, for the service manager to restart the lot.
    """
    if options.workers <= 1:
        _serve_one(options, listening_socket(options.host, options.port, reuse_port=False))
        return 0
    sockets = [listening_socket(options.host, options.port, reuse_port=True) for _ in range(options.workers)]
    stopping = False

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        processes = _start_workers(options, sockets)
    finally:
        for sock in sockets:
            sock.close()  # each worker has its own copy
    try:
        while not stopping and all(p.is_alive() for p in processes):
            multiprocessing.connection.wait([p.sentinel for p in processes], timeout=0.5)
    finally:
        died = [p for p in processes if not p.is_alive()]
        _stop_workers(processes)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if died and not stopping:
        names = ", ".join(f"{p.name} (exit status {p.exitcode})" for p in died)
        print(f"stopped: {names} exited", file=sys.stderr)  # noqa: T201 - the server's last word on its console
        return 1
    return 0
