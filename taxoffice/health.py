"""Probes for load balancers and orchestrators."""

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


@get("/ready", operation_id="ready", exclude_from_auth=True, tags=["probes"])
async def ready(state: State) -> Response[dict[str, Any]]:
    """The database (and Redis, when configured) answer."""
    settings: Settings = state.settings
    engine: AsyncEngine = state.engine
    checks: dict[str, str] = {}
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = "unavailable"
    if settings.redis_url:
        checks["redis"] = "ok" if await _redis_ok(settings.redis_url) else "unavailable"
    ok = all(v == "ok" for v in checks.values())
    return Response({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)
