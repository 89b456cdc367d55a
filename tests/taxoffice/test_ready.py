"""Readiness: 503 when the database cannot serve; Redis down is only "degraded" (a real Redis server)."""

import dataclasses

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from taxoffice.app import create_app
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from tests.support.servers import free_port


def _app(settings: Settings, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]) -> Litestar:
    app = create_app(settings, engine=engine, session_maker=factory)
    app.state.update(app.state.alchemy.create_app_state_items())
    return app


async def _ready(app: Litestar) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get("/ready")


async def test_ready_with_redis(
    settings: Settings, engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], redis_url: str
) -> None:
    response = await _ready(_app(dataclasses.replace(settings, redis_url=redis_url), engine, session_factory))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


async def test_degraded_not_unready_when_redis_is_down(
    settings: Settings, engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # Filing, payments and reads still work without Redis: a load balancer must keep this process.
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    response = await _ready(_app(dataclasses.replace(settings, redis_url=nowhere), engine, session_factory))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "redis": "unavailable"}}


async def test_not_ready_when_the_database_is_down(settings: Settings) -> None:
    down = dataclasses.replace(settings, database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x")
    engine = create_engine(down)
    try:
        response = await _ready(_app(down, engine, create_session_factory(engine)))
    finally:
        await engine.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
