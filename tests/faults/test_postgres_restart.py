"""PostgreSQL restarted under a stream of filings: 503s with Retry-After (never 500), and afterwards every
acknowledged return present and decided, every interrupted one decided by a replay or by the sweeper.

The cluster is a throwaway one this test starts for itself (``postgres_cluster``), so restarting it disturbs no
other test. Clients retry a 503 with the same Idempotency-Key; one filing in four gives up at its first 503, as
a client that crashed would, and is left to the sweeper.
"""

import asyncio
import dataclasses
import datetime
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from filings.models import TaxReturn
from filings.sweeper import GRACE, decide_received
from taxoffice.accounts.models import Charge
from taxoffice.app import create_app
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.migrations import upgrade_to_head
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.servers import Postgres, postgres_cluster
from tests.support.users import Login

pytestmark = pytest.mark.faults

FILERS = 40
PERIODS = ("2026-01", "2026-02")
CLIENTS = 8
RESTART_AFTER = 20  # acknowledged filings before the restart
MAX_TRIES = 60
MAX_WAIT_SECONDS = 0.3  # Retry-After is honoured, capped to keep the test short


@dataclasses.dataclass
class Tally:
    answers: Counter[int] = dataclasses.field(default_factory=Counter)
    acknowledged: dict[str, dict[str, object]] = dataclasses.field(default_factory=dict)
    abandoned: list[str] = dataclasses.field(default_factory=list)
    restarted_in: float = 0.0
    enough: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)  # time to restart PostgreSQL


@pytest.fixture(scope="module")
def cluster() -> Iterator[Postgres]:
    with postgres_cluster() as server:
        upgrade_to_head(server.url)
        yield server


@pytest.fixture
async def office(cluster: Postgres, settings: Settings) -> AsyncIterator[tuple[Litestar, AsyncEngine]]:
    own = dataclasses.replace(settings, database_url=cluster.url, db_pool_size=8, db_pool_timeout_seconds=2)
    engine = create_engine(own)
    clock = Clock()
    clock.set(2026, 3, 10)
    app = create_app(own, engine=engine, clock=clock)
    app.state.update(app.state.alchemy.create_app_state_items())
    yield app, engine
    await engine.dispose()


async def _file(client: httpx.AsyncClient, headers: dict[str, str], key: str, body: bytes, tally: Tally) -> None:
    abandon = int(key.rsplit("-", 1)[1]) % 4 == 0
    for _ in range(MAX_TRIES):
        response = await client.post(
            "/api/v1/returns",
            content=body,
            headers={**headers, "Idempotency-Key": key, "Content-Type": "application/json"},
        )
        tally.answers[response.status_code] += 1
        if response.status_code in {200, 201}:
            tally.acknowledged[key] = response.json()
            if len(tally.acknowledged) >= RESTART_AFTER:
                tally.enough.set()
            return
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        if abandon:
            tally.abandoned.append(key)
            return
        await asyncio.sleep(min(float(response.headers["retry-after"]), MAX_WAIT_SECONDS))
    msg = f"{key}: no answer but 503 after {MAX_TRIES} tries"
    raise AssertionError(msg)


async def test_postgres_restart_under_filings_loses_nothing(
    office: tuple[Litestar, AsyncEngine], cluster: Postgres, settings: Settings
) -> None:
    app, engine = office
    factory = create_session_factory(engine)
    async with factory() as session:
        codes = [
            (await register_enterprise(session, f"0109557{n:03d}", f"Công ty {n}")).tax_code for n in range(FILERS)
        ]
        headers = await Login(app, session, settings)(Role.OFFICER)
    work: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for index, (code, period) in enumerate((c, p) for p in PERIODS for c in codes):
        work.put_nowait((f"pg-restart-{index}", json.dumps(vat_return(code, period, vat_values())).encode()))
    total = work.qsize()
    tally = Tally()

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not work.empty():
            key, body = work.get_nowait()
            await _file(client, headers, key, body, tally)

    async def restart() -> None:
        await tally.enough.wait()
        started = time.monotonic()
        await asyncio.to_thread(cluster.restart)
        tally.restarted_in = time.monotonic() - started

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    started = time.monotonic()
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client, asyncio.timeout(120):
        await asyncio.gather(restart(), *(client_loop(client) for _ in range(CLIENTS)))
    elapsed = time.monotonic() - started

    # The fault was felt, and only as 503s.
    assert tally.answers[503] > 0, tally.answers
    assert set(tally.answers) <= {200, 201, 503}, tally.answers
    assert len(tally.acknowledged) + len(tally.abandoned) == total
    # What nobody replayed is decided by the sweeper, past its grace period.
    swept = await decide_received(factory, now=datetime.datetime(2026, 3, 10, 3, tzinfo=datetime.UTC) + 2 * GRACE)
    assert swept.failed == 0
    async with factory() as session:
        rows = {r.idempotency_key: r for r in await session.scalars(select(TaxReturn))}
        charges = Counter(
            source for (source,) in await session.execute(select(Charge.source).where(Charge.kind == "tax"))
        )
        received = await session.scalar(select(func.count()).where(TaxReturn.status == "received"))
    assert received == 0
    # Every acknowledged return is there as acknowledged, decided (and with valid figures: accepted), charged once.
    for key, receipt in tally.acknowledged.items():
        stored = rows[key]
        assert (stored.id, stored.transaction_code) == (receipt["id"], receipt["transaction_code"])
        assert receipt["status"] == stored.status == "accepted", (key, receipt, stored.findings)
        assert stored.decided_at is not None
        assert charges[f"return:{stored.id}"] == 1
    # One return per key and per period; every charge belongs to an accepted return.
    assert len(rows) <= total
    assert all(rows[key].status == "accepted" for key in tally.abandoned if key in rows)
    assert sum(charges.values()) == sum(1 for r in rows.values() if r.status == "accepted")
    print(  # noqa: T201 - the figures the report quotes
        f"\npostgres restart: {total} filings in {elapsed:.1f} s, restart {tally.restarted_in:.1f} s, "
        f"answers {dict(tally.answers)}, abandoned {len(tally.abandoned)} (of which received: "
        f"{sum(1 for k in tally.abandoned if k in rows)}), swept {swept.as_dict()}"
    )
