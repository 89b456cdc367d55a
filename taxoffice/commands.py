"""What the command line does, as async functions (each opens its own engine and commits itself)."""

import datetime
import json
import random
import time
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import codes, demo
from registry.models import Taxpayer
from taxoffice.auth import audit
from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService
from taxoffice.calendar import today_vn
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory

BATCH = 50_000
# Demo logins (documented in the README); created by `demo load` only.
DEMO_USERS = [
    ("officer", "officer-demo-2026", Role.OFFICER),
    ("manager", "manager-demo-2026", Role.MANAGER),
    ("bank", "bank-demo-2026", Role.BANK),
]
DEMO_TAXPAYER_PASSWORD = "taxpayer-demo-2026"  # noqa: S105 - a documented demo login


async def create_user(
    settings: Settings,
    *,
    username: str,
    password: str,
    role: Role,
    tax_code: str | None = None,
    tax_office: str | None = None,
) -> None:
    """Create one user."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            await UserService(session, settings).create(
                Principal.system("cli"),
                username=username,
                password=password,
                role=role,
                tax_code=tax_code,
                tax_office=tax_office,
            )
            await session.commit()
    finally:
        await engine.dispose()


async def has_admin(settings: Settings) -> bool:
    """Whether any admin exists."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            return await session.scalar(select(User.id).where(User.role == Role.ADMIN.value).limit(1)) is not None
    finally:
        await engine.dispose()


async def _write_rows(session: AsyncSession, rows: list[tuple[Any, ...]]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        conn = await session.connection()
        raw = await conn.get_raw_connection()
        json_at = demo.COLUMNS.index("tax_types")
        records = [(*r[:json_at], json.dumps(r[json_at]), *r[json_at + 1 :]) for r in rows]
        await raw.driver_connection.copy_records_to_table("taxpayer", records=records, columns=list(demo.COLUMNS))  # type: ignore[union-attr]
    else:
        await session.execute(insert(Taxpayer), demo.as_dicts(rows))


async def _demo_users(session: AsyncSession, settings: Settings) -> None:
    service = UserService(session, settings)
    actor = Principal.system("demo")
    for username, password, role in DEMO_USERS:
        if await session.scalar(select(User.id).where(User.username == username)) is None:
            await service.create(actor, username=username, password=password, role=role, tax_office=settings.tax_office)
    taxpayer = await session.scalar(
        select(Taxpayer).where(Taxpayer.kind == "enterprise", Taxpayer.status == "00").order_by(Taxpayer.id).limit(1)
    )
    if taxpayer is not None and await session.scalar(select(User.id).where(User.username == taxpayer.tax_code)) is None:
        await service.create(
            actor,
            username=taxpayer.tax_code,
            password=DEMO_TAXPAYER_PASSWORD,
            role=Role.TAXPAYER,
            tax_code=taxpayer.tax_code,
            tax_office=taxpayer.tax_office,
            full_name=taxpayer.name,
        )


async def insert_demo_taxpayers(
    session: AsyncSession, settings: Settings, count: int, seed: int, progress: Progress | None = None
) -> int:
    """Generate and store ``count`` taxpayers in batches, committing each; returns how many were written."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    today = today_vn()
    now = datetime.datetime.now(datetime.UTC)
    task = progress.add_task("taxpayers", total=count) if progress else None
    written = 0
    while written < count:
        n = min(BATCH, count - written)
        # Reserve more sequence numbers than codes: about 1 in 11 has no valid check digit.
        reserve = n + n // 8 + 20
        after = await codes.reserve_sequences(session, settings.tax_code_prefix, reserve)
        block, _last = demo.first_codes(settings.tax_code_prefix, after, n)
        personal_after = await codes.reserve_sequences(session, "PI", n)
        rows = list(demo.generate(rng, n, block, 1_000_000_000 + personal_after + 1, today, now))
        await _write_rows(session, rows)
        await session.commit()
        written += n
        if progress is not None and task is not None:
            progress.update(task, advance=n)
    return written


async def load_demo(settings: Settings, count: int, seed: int) -> None:
    """Load ``count`` synthetic taxpayers and the demo users, with a progress bar."""
    engine = create_engine(settings)
    started = time.perf_counter()
    try:
        async with create_session_factory(engine)() as session:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns) as progress:
                written = await insert_demo_taxpayers(session, settings, count, seed, progress)
            await _demo_users(session, settings)
            await audit.record(
                session, Principal.system("demo"), "demo.load", "taxpayer", "*", {"count": written, "seed": seed}
            )
            await session.commit()
    finally:
        await engine.dispose()
    elapsed = time.perf_counter() - started
    print(f"Loaded {written:,} taxpayers in {elapsed:.1f} s.")  # noqa: T201 - command output
    print("Demo logins: officer / officer-demo-2026, manager / manager-demo-2026, bank / bank-demo-2026;")  # noqa: T201
    print(f"a taxpayer: its tax code / {DEMO_TAXPAYER_PASSWORD} (see `GET /api/v1/users?role=taxpayer` as admin).")  # noqa: T201
