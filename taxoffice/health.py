"""Probes for load balancers and orchestrators."""

import asyncio
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from taxoffice.config import Settings


@get("/health", operation_id="health", exclude_from_auth=True, tags=["probes"])
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


async def _redis_ok(url: str) -> bool:
    from redis.asyncio import Redis  # noqa: PLC0415 - only needed when Redis is configured

    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(await client.ping())
    except OSError:
        return False
    except Exception:  # noqa: BLE001 - any Redis failure means "not ready"
        return False
    finally:
        await client.aclose()


# How long a probe waits for a database connection: a pool with none free in that time cannot serve either.
READY_TIMEOUT_SECONDS = 2.0


async def _database_ok(engine: AsyncEngine) -> bool:
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "cannot serve"
        return False
    return True


@get("/ready", operation_id="ready", exclude_from_auth=True, tags=["probes"])
async def ready(state: State) -> Response[dict[str, Any]]:
    """Readiness: 503 only when requests cannot be served (the database); Redis down is "degraded" (200).

    Without Redis, filing, payments and reads go on; requested jobs wait in the outbox (``job_outbox``) and are
    queued when Redis returns. So a load balancer keeps sending requests to a process that is only degraded.
    """
    settings: Settings = state.settings
    engine: AsyncEngine = state.engine
    checks = {"database": "ok" if await _database_ok(engine) else "unavailable"}
    if settings.redis_url:
        checks["redis"] = "ok" if await _redis_ok(settings.redis_url) else "unavailable"
    if checks["database"] != "ok":
        return Response({"status": "unavailable", "checks": checks}, status_code=503)
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return Response({"status": status, "checks": checks}, status_code=200)
