"""What checking a token against the user's current state costs a request, on PostgreSQL.

Each authenticated request reads its user by primary key (active, role, token version, forced password change) in
the session the handler then uses. Timed: that read alone in a fresh session (checkout, query, release: the cost
to a handler that reads nothing else), the read in an open transaction (the cost to a handler that uses the
database anyway), and ``GET /api/v1/auth/me`` end to end in this process (the app over ASGI, no network), both
sequential, after a warm-up.

Run: ``flock /tmp/taxoffice-bench.lock .venv/bin/python bench/tokens.py [--requests N] [--database-url URL]``.
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from bench._common import database, log, percentile, run_benchmark
from taxoffice.app import create_app
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, principal_of
from taxoffice.auth.tokens import CURRENT_STATE, issue_token
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head
from tests.support.servers import fresh_database


def _line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"  {name}: median {statistics.median(ms):.3f} ms, p95 {percentile(ms, 95):.3f} ms, "
        f"p99 {percentile(ms, 99):.3f} ms ({len(ms)} sequential)"
    )


async def _measure(url: str, requests: int) -> None:
    settings = Settings(database_url=url, secret_key="bench-secret-key-not-for-production-use", password_hash="fast")  # noqa: S106 - a throwaway benchmark key
    engine = create_engine(settings)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        user = await UserService(session, settings).create(
            Principal.system("bench"),
            username="bench.officer",
            password="bench-officer-passphrase",  # noqa: S106 - a throwaway benchmark user
            role=Role.OFFICER,
        )
        await session.commit()
    app = create_app(settings, engine=engine)
    app.state.update(app.state.alchemy.create_app_state_items())
    headers = {"Authorization": f"Bearer {issue_token(app.state.jwt_auth, principal_of(user), user.token_version)}"}
    reads: list[float] = []
    for n in range(requests + 200):
        started = time.perf_counter()
        async with AsyncSession(engine) as session:
            (await session.execute(CURRENT_STATE.statement, {"user_id": user.id})).one()
        if n >= 200:
            reads.append(time.perf_counter() - started)
    queries: list[float] = []
    async with AsyncSession(engine) as session:
        for n in range(requests + 200):
            started = time.perf_counter()
            (await session.execute(CURRENT_STATE.statement, {"user_id": user.id})).one()
            if n >= 200:
                queries.append(time.perf_counter() - started)
    calls: list[float] = []
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for n in range(requests + 200):
            started = time.perf_counter()
            answer = await client.get("/api/v1/auth/me", headers=headers)
            if n >= 200:
                calls.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text  # noqa: S101 - the benchmark is void otherwise
    await engine.dispose()
    log("token check against the user's current state:")
    log(_line("the user read alone (session, query, release)", reads))
    log(_line("the user read in an open transaction (a handler that uses the database)", queries))
    log(_line("GET /api/v1/auth/me end to end, check included", calls))


def _run(args: argparse.Namespace) -> None:
    with database(args.database_url) as server:
        url = fresh_database(server, "taxoffice_bench_tokens")
        upgrade_to_head(url)
        asyncio.run(_measure(url, args.requests))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    run_benchmark(_run, parser.parse_args())
