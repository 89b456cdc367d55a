"""What the command line does, as async functions (each opens its own engine and commits itself)."""

import asyncio
import datetime
import json
import random
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from registry import codes, demo
from registry.models import Taxpayer
from registry.statuses import TaxpayerStatus
from registry.vocabulary import TaxpayerKind
from taxoffice.auth import audit
from taxoffice.auth.models import AuditEvent, User
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService
from taxoffice.clock import today_vn, utc_now
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.fastpaths import on_driver, on_postgres

BATCH = 50_000
# Demo logins (documented in the README); created by `demo load` only.
DEMO_USERS = [
    ("officer", "officer-demo-2026", Role.OFFICER),
    ("manager", "manager-demo-2026", Role.MANAGER),
    ("bank", "bank-demo-2026", Role.BANK),
]
DEMO_TAXPAYER = ("taxpayer", "taxpayer-demo-2026")  # a monthly VAT enterprise of the officer's tax office
# The demo taxpayer was registered at least this long ago, so it has the demo activity's two years of returns.
DEMO_HISTORY_DAYS = 3 * 366


async def create_user(
    settings: Settings,
    *,
    username: str,
    password: str,
    role: Role,
    tax_code: str | None = None,
    tax_office: str | None = None,
    email: str | None = None,
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
                email=email,
            )
            await session.commit()
    finally:
        await engine.dispose()


async def change_user(settings: Settings, change: Callable[[UserService], Awaitable[User]]) -> User:
    """Apply one change to a user (``UserService.set_active`` or ``set_role``) as the command line, and commit."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            user = await change(UserService(session, settings))
            await session.commit()
            return user
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


def demo_batch(
    rng: random.Random,
    block: list[str],
    personal_start: int,
    on_postgres: bool,
    stamps: tuple[datetime.date, datetime.datetime],
    home_office: str | None = None,
) -> list[tuple[Any, ...]]:
    """One batch of demo rows as they are written: for COPY on PostgreSQL (JSON as text), else as generated."""
    today, now = stamps
    rows = list(demo.generate(rng, len(block), block, personal_start, today, now, home_office))
    if not on_postgres:
        return rows
    json_at = demo.COLUMNS.index("tax_types")
    return [(*r[:json_at], json.dumps(r[json_at]), *r[json_at + 1 :]) for r in rows]


async def _write_rows(session: AsyncSession, rows: list[tuple[Any, ...]]) -> None:
    if on_postgres(session):
        async with on_driver(await session.connection()) as raw:
            await raw.copy_records_to_table("taxpayer", records=rows, columns=list(demo.COLUMNS))
    else:
        await session.execute(insert(Taxpayer), demo.as_dicts(rows))


async def _reserve(session: AsyncSession, settings: Settings, count: int) -> tuple[list[str], int]:
    """``count`` fresh 10-digit codes and the first of ``count`` personal ID numbers, reserved in the session."""
    # More sequence numbers than codes: about 1 in 11 has no valid check digit.
    after = await codes.reserve_sequences(session, settings.tax_code_prefix, count + count // 8 + 20)
    block, _last = demo.first_codes(settings.tax_code_prefix, after, count)
    personal_after = await codes.reserve_sequences(session, "PI", count)
    return block, 1_000_000_000 + personal_after + 1


async def demo_taxpayer(session: AsyncSession, home_office: str, today: datetime.date) -> Taxpayer | None:
    """The enterprise behind the demo taxpayer login.

    In business, in ``home_office``, a monthly VAT filer registered long enough before ``today`` for two years of
    returns.
    """
    rows = await session.scalars(
        select(Taxpayer)
        .where(
            Taxpayer.kind == TaxpayerKind.ENTERPRISE,
            Taxpayer.status == TaxpayerStatus.ACTIVE,
            Taxpayer.vat_frequency == "monthly",
            Taxpayer.tax_office == home_office,
            Taxpayer.registered_on < today - datetime.timedelta(days=DEMO_HISTORY_DAYS),
        )
        .order_by(Taxpayer.id)
        .limit(50)
    )
    return next((tp for tp in rows if "VAT" in tp.tax_types), None)


async def _demo_users(session: AsyncSession, settings: Settings, today: datetime.date) -> None:
    service = UserService(session, settings)
    actor = Principal.system("demo")
    for username, password, role in DEMO_USERS:
        if await session.scalar(select(User.id).where(User.username == username)) is None:
            await service.create(actor, username=username, password=password, role=role, tax_office=settings.tax_office)
    taxpayer = await demo_taxpayer(session, settings.tax_office, today)
    username, password = DEMO_TAXPAYER
    if taxpayer is not None and await session.scalar(select(User.id).where(User.username == username)) is None:
        await service.create(
            actor,
            username=username,
            password=password,
            role=Role.TAXPAYER,
            tax_code=taxpayer.tax_code,
            tax_office=taxpayer.tax_office,
            full_name=taxpayer.name,
        )


async def demo_done(session: AsyncSession, action: str) -> bool:
    """Whether the demo step ``action`` (``demo.load``, ``demo.activity``) already ran on this database."""
    return await session.scalar(select(AuditEvent.id).where(AuditEvent.action == action).limit(1)) is not None


async def insert_demo_taxpayers(
    session: AsyncSession,
    settings: Settings,
    count: int,
    seed: int,
    progress: Progress | None = None,
    *,
    today: datetime.date | None = None,
    home_office: str | None = None,
) -> int:
    """Generate and store ``count`` taxpayers in batches, committing each; returns how many were written.

    Registered up to ``today`` (default: today in Hanoi); with ``home_office``, one district's taxpayers belong to it.

    A thread generates the next batch while the database takes this one, so the load costs about the larger of
    the two, not their sum.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    stamps = (today or today_vn(), utc_now())
    postgres = on_postgres(session)
    task = progress.add_task("taxpayers", total=count) if progress else None
    sizes = [min(BATCH, count - start) for start in range(0, count, BATCH)]
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo") as generator:

        async def start(size: int) -> asyncio.Future[list[tuple[Any, ...]]]:
            block, personal_start = await _reserve(session, settings, size)
            return loop.run_in_executor(
                generator, demo_batch, rng, block, personal_start, postgres, stamps, home_office
            )

        upcoming = [await start(sizes[0])] if sizes else []
        for number, size in enumerate(sizes):
            rows = await upcoming.pop()
            if number + 1 < len(sizes):
                upcoming.append(await start(sizes[number + 1]))
            await _write_rows(session, rows)
            await session.commit()
            if progress is not None and task is not None:
                progress.update(task, advance=size)
    return sum(sizes)


async def _settle(engine: AsyncEngine) -> None:
    """After a bulk load on PostgreSQL: mark the new pages all-visible and gather statistics.

    A words search's probe reads `ix_taxpayer_id_name` alone only where the visibility map says every row of a page
    is visible; autovacuum would get there too, later. VACUUM also merges the GIN indexes' pending entries.
    """
    if not on_postgres(engine):
        return
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM (ANALYZE) taxpayer")


async def load_demo(settings: Settings, count: int, seed: int, today: datetime.date | None = None) -> None:
    """Load ``count`` synthetic taxpayers and the demo users, with a progress bar; once per database.

    ``today`` (default: today in Hanoi) is the last day a taxpayer may have registered. A database the demo was
    already loaded into gets nothing more: running it twice doubles nothing.
    """
    today = today or today_vn()
    engine = create_engine(settings)
    started = time.perf_counter()
    try:
        async with create_session_factory(engine)() as session:
            if await demo_done(session, "demo.load"):
                print("The demo data is already loaded in this database: nothing added.")  # noqa: T201 - command output
                return
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns) as progress:
                written = await insert_demo_taxpayers(
                    session, settings, count, seed, progress, today=today, home_office=settings.tax_office
                )
            await _demo_users(session, settings, today)
            await audit.record(
                session, Principal.system("demo"), "demo.load", "taxpayer", "*", {"count": written, "seed": seed}
            )
            if on_postgres(engine):
                # VACUUM marks a page all-visible only once the commits of its rows are on disk: with the server's
                # synchronous_commit off they may not be yet, and this commit waits for all of them.
                await session.execute(text("SET LOCAL synchronous_commit = on"))
            await session.commit()
        await _settle(engine)
    finally:
        await engine.dispose()
    elapsed = time.perf_counter() - started
    print(f"Loaded {written:,} taxpayers in {elapsed:.1f} s.")  # noqa: T201 - command output
    logins = ", ".join(f"{user} / {password}" for user, password, _role in DEMO_USERS)
    print(f'Demo logins: {logins}, {DEMO_TAXPAYER[0]} / {DEMO_TAXPAYER[1]} (see README.md, "Demo data").')  # noqa: T201
