"""Migration 243aa0506a7c: an interest pause for every case frozen before ``interest_pause`` existed.

Four open frozen cases on the revision before it: one with a freeze action dated from 1 Sep 2025 (taken 1 Oct,
relief ``no_interest``), one whose action names no day (taken 1 Oct), one with only a ``category`` event (frozen
on 15 Oct), one with neither (seen frozen on 30 Oct); a fifth whose taxpayer already has an open pause, and an
open case that is not frozen. The upgrade pauses the four from those days and touches nothing else; run again,
it adds nothing.
"""

import asyncio
from pathlib import Path

from alembic import command
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.models import InterestPause
from taxoffice.arrears.models import ArrearsAction, ArrearsCase, ArrearsCaseEvent
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import alembic_config
from tests.arrears.worklist_support import D, case_values, taxpayer

BEFORE = "a61c0e4f7d25"
BACKFILL = "243aa0506a7c"
ON = D(2025, 10, 30)


async def _seed(session: AsyncSession) -> dict[str, int]:
    """The cases of the module's docstring; taxpayer ids by name."""
    ids: dict[str, int] = {}
    for name in ("dated", "undated", "event", "bare", "paused", "open"):
        debtor = await taxpayer(session, f"Công ty {name}")
        category = "collectible" if name == "open" else "frozen"
        # The columns of that revision only (no ladder_due_on yet): a Core insert of those given.
        values = case_values(debtor, oldest_due_on=D(2025, 7, 31), total=100_000_000, as_of=ON, category=category)
        del values["ladder_due_on"]
        case_id = (await session.execute(insert(ArrearsCase).values(values).returning(ArrearsCase.id))).scalar_one()
        ids[name] = debtor.id
        details = {"dated": {"frozen": True, "frozen_from": "2025-09-01", "relief": "no_interest"}, "undated": {}}
        if name in details:
            session.add(
                ArrearsAction(
                    case_id=case_id, kind="freeze", taken_on=D(2025, 10, 1), officer="o", details=details[name]
                )
            )
        if name == "event":
            session.add(
                ArrearsCaseEvent(
                    case_id=case_id,
                    event_on=D(2025, 10, 15),
                    kind="category",
                    from_value="collectible",
                    to_value="frozen",
                    overdue_total=100_000_000,
                    actor="o",
                )
            )
        if name == "paused":  # the columns of that revision only (no charge_ids yet)
            await session.execute(
                insert(InterestPause).values(
                    taxpayer_id=debtor.id, started_on=D(2025, 8, 20), reason="freeze", reference="case:x"
                )
            )
    await session.commit()
    return ids


async def _pauses(url: str) -> list[tuple[int, object, object, str]]:
    engine = create_engine(Settings(database_url=url))
    async with AsyncSession(engine) as session:
        rows = await session.execute(
            select(
                InterestPause.taxpayer_id, InterestPause.started_on, InterestPause.ended_on, InterestPause.reason
            ).order_by(InterestPause.taxpayer_id)
        )
        found = [tuple(row) for row in rows]
    await engine.dispose()
    return found  # type: ignore[return-value]


async def test_frozen_cases_get_their_pause_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    await asyncio.to_thread(command.upgrade, config, BEFORE)
    engine = create_engine(Settings(database_url=url))
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ids = await _seed(session)
    await engine.dispose()
    await asyncio.to_thread(command.upgrade, config, BACKFILL)
    expected = [
        (ids["dated"], D(2025, 9, 1), None, "no_interest"),
        (ids["undated"], D(2025, 10, 1), None, "freeze"),
        (ids["event"], D(2025, 10, 15), None, "freeze"),
        (ids["bare"], ON, None, "freeze"),
        (ids["paused"], D(2025, 8, 20), None, "freeze"),
    ]
    assert await _pauses(url) == sorted(expected)
    await asyncio.to_thread(command.downgrade, config, BEFORE)
    await asyncio.to_thread(command.upgrade, config, BACKFILL)
    assert await _pauses(url) == sorted(expected)
