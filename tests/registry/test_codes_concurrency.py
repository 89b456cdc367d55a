"""Two transactions issuing tax codes at once never get the same code (committed data, own connections)."""

import asyncio

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from registry import codes
from registry.models import TaxCodeCounter

PREFIX = "98"  # a prefix no other test uses; its counter row is removed afterwards


async def test_concurrent_issuers_queue_on_the_counter(engine: AsyncEngine) -> None:
    try:
        async with AsyncSession(engine) as first, AsyncSession(engine) as second:
            code_a = await codes.next_organisation_code(first, PREFIX)
            # The second issuer waits on the counter row's lock until the first commits.
            waiting = asyncio.create_task(codes.next_organisation_code(second, PREFIX))
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await first.commit()
            code_b = await asyncio.wait_for(waiting, timeout=10)
            await second.commit()
        assert code_a != code_b
        assert code_a.startswith(PREFIX)
        assert code_b.startswith(PREFIX)
    finally:
        async with AsyncSession(engine) as cleanup:
            await cleanup.execute(delete(TaxCodeCounter).where(TaxCodeCounter.prefix == PREFIX))
            await cleanup.commit()


async def test_many_concurrent_issuers(engine: AsyncEngine) -> None:
    async def issue() -> str:
        async with AsyncSession(engine) as session:
            code = await codes.next_organisation_code(session, PREFIX)
            await session.commit()
            return code

    try:
        issued = await asyncio.gather(*(issue() for _ in range(8)))
        assert len(set(issued)) == 8
    finally:
        async with AsyncSession(engine) as cleanup:
            await cleanup.execute(delete(TaxCodeCounter).where(TaxCodeCounter.prefix == PREFIX))
            await cleanup.commit()
