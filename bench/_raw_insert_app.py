"""The machine's limit for the filing benchmark: the office's HTTP stack serving one raw INSERT per request.

The same Litestar, the same uvicorn server (``taxoffice.serving.serve``: its processes, sockets and collector
settings) and the same route as filing (``POST /api/v1/returns``, answering 201 with a receipt-shaped body), but the
handler only inserts the request's body as one row through a raw asyncpg pool: no login, no parsing, no rules, no
ORM. The load generator cannot tell it from the office, so the ratio of the two rates measures the office's own work.

Run by ``bench/_limits.py`` as ``python -m bench._raw_insert_app HOST PORT WORKERS`` with ``BENCH_RAW_DSN`` (a plain
``postgresql://`` DSN) and ``BENCH_RAW_POOL_SIZE`` (connections per process, as the office's pool) in the environment.
"""

import os
import sys
from typing import Any

import asyncpg
from litestar import Litestar, Request, get, post

from taxoffice.serving import ServeOptions, serve

# The table is made by bench/_limits.py before the server starts.
TABLE = "bench_raw_insert"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, body bytea NOT NULL, "
    "created_at timestamptz NOT NULL DEFAULT now())"
)
INSERT = f"INSERT INTO {TABLE} (body) VALUES ($1) RETURNING id"  # noqa: S608 - a constant table name
POOL: dict[str, Any] = {}


async def _open_pool() -> None:
    size = int(os.environ.get("BENCH_RAW_POOL_SIZE") or 32)
    POOL["pool"] = await asyncpg.create_pool(os.environ["BENCH_RAW_DSN"], min_size=size, max_size=size)


async def _close_pool() -> None:
    await POOL["pool"].close()


@post("/api/v1/returns", status_code=201)
async def insert_one(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Insert the body as one row; the answer has the receipt's two fields the load generator reads."""
    body = await request.body()
    async with POOL["pool"].acquire() as connection:
        row_id = await connection.fetchval(INSERT, body)
    return {"status": "accepted", "transaction_code": str(row_id)}


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    """What the benchmark's start-up waits for."""
    return {"status": "ok"}


# No logging configuration, as the office's own app (``taxoffice.app``): Litestar's default would also put a handler
# on the root logger of every process that imports this module (the benchmarks), printing each httpx request.
app = Litestar([insert_one, health], on_startup=[_open_pool], on_shutdown=[_close_pool], logging_config=None)


if __name__ == "__main__":
    host, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sys.exit(serve(ServeOptions(host=host, port=port, workers=workers, app="bench._raw_insert_app:app")))
