"""Demo data on PostgreSQL: COPY, valid unique codes, realistic mix, and the codes counter moves on."""

import asyncio
import dataclasses
import datetime
import random

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from registry import codes, demo, taxcode
from registry.models import Taxpayer
from taxoffice import commands
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head
from tests.support.servers import fresh_database


async def test_demo_load_copies_valid_taxpayers(session: AsyncSession, settings: Settings) -> None:
    assert await insert_demo_taxpayers(session, settings, 5_000, seed=1) == 5_000
    rows = (
        await session.execute(
            select(Taxpayer.tax_code, Taxpayer.kind, Taxpayer.status, Taxpayer.name, Taxpayer.name_search)
        )
    ).all()
    assert len(rows) == 5_000
    assert len({r.tax_code for r in rows}) == 5_000
    assert all(taxcode.is_valid(r.tax_code) for r in rows)
    branches = [r for r in rows if r.kind == "branch"]
    assert branches
    assert all(r.tax_code[:10] in {x.tax_code for x in rows} for r in branches)
    assert sum(r.status == "00" for r in rows) > 4_000
    assert any("Nguyễn" in r.name for r in rows)
    assert all(r.name_search == r.name_search.lower() for r in rows)
    # Codes issued afterwards never clash with the loaded ones.
    fresh = await codes.next_organisation_code(session, settings.tax_code_prefix)
    assert fresh not in {r.tax_code for r in rows}
    assert await session.scalar(select(func.count()).select_from(Taxpayer).where(Taxpayer.tax_code == fresh)) == 0


async def test_batches_generated_ahead_are_the_same_taxpayers(
    session: AsyncSession, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next batch is generated in a thread while this one is written: same rows, in order, as one batch."""
    monkeypatch.setattr(commands, "BATCH", 700)  # 3,000 rows: four whole batches and a short one
    assert await insert_demo_taxpayers(session, settings, 3_000, seed=5) == 3_000
    rows = (await session.execute(select(Taxpayer.name, Taxpayer.tax_code).order_by(Taxpayer.id))).all()
    assert len(rows) == 3_000
    assert len({r.tax_code for r in rows}) == 3_000
    # The names are the generator's, batch after batch, in the order it made them.
    rng = random.Random(5)  # noqa: S311 - the demo generator's own seed
    today, now = datetime.date(2026, 11, 24), datetime.datetime.now(datetime.UTC)
    expected = []
    for size in (700, 700, 700, 700, 200):
        fake_codes = [f"01{n:07d}0" for n in range(size)]
        expected += [row[3] for row in demo.generate(rng, size, fake_codes, 1, today, now)]
    assert [r.name for r in rows] == expected


async def test_the_load_ends_with_vacuum_analyze(pg_server_url: str, settings: Settings) -> None:
    """Every page of the loaded table is all-visible, so a words search's probe can be index-only (own database)."""
    url = await asyncio.to_thread(fresh_database, pg_server_url, "taxoffice_demo_load")
    await asyncio.to_thread(upgrade_to_head, url)
    own = dataclasses.replace(settings, database_url=url)
    await commands.load_demo(own, 2_000, seed=3)
    engine = create_engine(own)
    try:
        async with engine.connect() as conn:
            stats = (
                await conn.execute(
                    text(
                        "SELECT s.last_vacuum, s.last_analyze, c.relpages, c.relallvisible FROM pg_stat_user_tables s"
                        " JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'taxpayer'"
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    assert stats.last_vacuum is not None
    assert stats.last_analyze is not None
    assert stats.relpages > 0
    assert stats.relallvisible == stats.relpages
