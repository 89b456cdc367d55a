"""The fuzz tests themselves, imported by one module per database (PostgreSQL, the embedded SQLite).

Each database's module imports these fixtures and tests, so the fixtures it resolves (``engine``, ``settings``) are
that database's. One world (taxpayers, a payment, a user of every role) is built per module in a transaction rolled
back at the end; every example runs in a savepoint of it, rolled back after its answer is checked.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from taxoffice.config import Settings
from tests.support.fuzz import (
    case_strategy,
    fuzz_settings,
    load_schema,
    openapi_document,
    operations,
    seeded,
    send,
    served_document,
    with_known_values,
)
from tests.support.module_app import app_on, client_of, rolled_back_connection
from tests.taxoffice.access_world import World, build_world


@dataclass
class Fuzz:
    """The schema, its strategies (built once per operation), and the rows a path may name."""

    schema: schemathesis.BaseSchema
    world: World
    known: dict[str, str]
    strategies: dict[tuple[str, str], st.SearchStrategy[Any]] = field(default_factory=dict)

    def strategy(self, method: str, path: str) -> st.SearchStrategy[Any]:
        """The requests of one operation."""
        key = (method, path)
        if key not in self.strategies:
            self.strategies[key] = case_strategy(self.schema, method, path)
        return self.strategies[key]


@pytest.fixture(scope="module")
def fuzz_skips() -> dict[tuple[str, str], str]:
    """Operations a database's module does not fuzz, ``(method, path)`` → why (none by default)."""
    return {}


@pytest.fixture(scope="module")
async def fuzz_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with rolled_back_connection(engine) as conn:
        yield conn


@pytest.fixture(scope="module")
def fuzz_application(settings: Settings, engine: AsyncEngine, fuzz_connection: AsyncConnection) -> Litestar:
    return app_on(fuzz_connection, settings, engine)


@pytest.fixture(scope="module")
async def fuzz_client(fuzz_application: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(fuzz_application) as client:
        yield client


@pytest.fixture(scope="module")
async def fuzz(
    fuzz_application: Litestar, fuzz_connection: AsyncConnection, fuzz_client: httpx.AsyncClient, settings: Settings
) -> Fuzz:
    async with AsyncSession(bind=fuzz_connection, join_transaction_mode="create_savepoint") as session:
        world = await build_world(fuzz_application, session, settings)
    known = {
        "tax_code": world.tax_code_a,
        "payment_id": str(world.payment_id),
        "username": "matrix.target",
        "slug": "01-GTGT",
        "name": "collections",
    }
    return Fuzz(load_schema(await served_document(fuzz_client)), world, known)


async def test_fuzzes_the_served_document(fuzz_client: httpx.AsyncClient) -> None:
    served = await served_document(fuzz_client)
    assert served == openapi_document(), "the operations fuzzed are not those the app serves"
    assert len(operations()) == sum(
        method in {"get", "post", "put", "patch", "delete"} for item in served["paths"].values() for method in item
    )


@pytest.mark.parametrize(("method", "path"), operations())
@seeded
@fuzz_settings()
@hypothesis.given(data=st.data())
async def test_operation(
    fuzz: Fuzz,
    fuzz_client: httpx.AsyncClient,
    fuzz_connection: AsyncConnection,
    fuzz_skips: dict[tuple[str, str], str],
    method: str,
    path: str,
    data: st.DataObject,
) -> None:
    if reason := fuzz_skips.get((method, path)):
        pytest.skip(reason)
    case, principal = data.draw(fuzz.strategy(method, path), label="request and principal")
    with_known_values(case, fuzz.known, data.draw(st.booleans(), label="name existing rows"))
    savepoint = await fuzz_connection.begin_nested()
    try:
        await send(fuzz_client, case, fuzz.world.headers[principal], fuzz_connection.dialect.name)
    finally:
        await savepoint.rollback()
