"""The e-filing benchmark's fixtures: the database, filers and their logins, the server, the returns to file."""

import asyncio
import datetime
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import insert, select, text, update

from bench._common import log
from bench._http_load import stop_server, wait_healthy
from filings.htkk import render_htkk
from filings.periods import parse_period
from registry.models import Taxpayer
from taxoffice.auth.models import User
from taxoffice.auth.passwords import hash_password
from taxoffice.auth.roles import Role
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
TAXOFFICE = Path(sys.executable).with_name("taxoffice")
HOST = "127.0.0.1"
PASSWORD = "filer-bench-2026"  # noqa: S105 - a throwaway benchmark login
FIRST_PERIOD = datetime.date(2022, 1, 1)  # Circular 80's 01/GTGT, which the JSON bodies fill in
REGISTERED_ON = datetime.date(2020, 6, 1)
# Share of demo rows that are enterprises in business (kinds 30 %, status 00 90 %): load enough to find the filers.
DEMO_ROWS_PER_FILER = 5
M = 1_000_000


def periods(until: datetime.date) -> list[str]:
    """Every month from ``FIRST_PERIOD`` to the last one ended before ``until``."""
    labels, year, month = [], FIRST_PERIOD.year, FIRST_PERIOD.month
    while datetime.date(year, month, 1) < until.replace(day=1):
        labels.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels


def json_body(tax_code: str, period: str, values: dict[str, int]) -> bytes:
    """A JSON 01/GTGT original."""
    body = {"tax_code": tax_code, "form": "01-GTGT", "period": period, "values": values}
    return json.dumps(body, separators=(",", ":")).encode()


def xml_body(tax_code: str, name: str, period: str, values: dict[str, int]) -> bytes:
    """An HTKK XML 01/GTGT original (form 842)."""
    return render_htkk("842", "C", 0, parse_period(period), tax_code, name, values)


async def create_filers(url: str, count: int) -> list[tuple[str, str]]:
    """``count`` monthly VAT filers in business since 2020, each with a taxpayer login; returns (tax code, name).

    Demo taxpayers are generated and copied in by ``insert_demo_taxpayers``; the enterprises in business among
    them become the filers (one ``UPDATE``), and their logins are one ``INSERT`` of many rows.
    """
    settings = Settings(database_url=url, password_hash="fast")  # noqa: S106 - the name of an argon2 profile
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            await insert_demo_taxpayers(session, settings, count * DEMO_ROWS_PER_FILER, seed=2026)
            chosen = (
                select(Taxpayer.id)
                .where(Taxpayer.kind == "enterprise", Taxpayer.status == "00")
                .order_by(Taxpayer.id)
                .limit(count)
                .scalar_subquery()
            )
            await session.execute(
                update(Taxpayer)
                .where(Taxpayer.id.in_(chosen))
                .values(vat_frequency="monthly", registered_on=REGISTERED_ON, status_effective_on=REGISTERED_ON)
            )
            filers = [
                (code, name)
                for code, name in await session.execute(
                    select(Taxpayer.tax_code, Taxpayer.name)
                    .where(Taxpayer.registered_on == REGISTERED_ON, Taxpayer.vat_frequency == "monthly")
                    .where(Taxpayer.kind == "enterprise", Taxpayer.status == "00")
                    .order_by(Taxpayer.id)
                    .limit(count)
                )
            ]
            # One hash for all: argon2 keeps the salt and parameters in it, and the cheapest profile logs in fast.
            password_hash = hash_password(PASSWORD, "fast")
            users = [
                {
                    "username": code,
                    "password_hash": password_hash,
                    "role": Role.TAXPAYER.value,
                    "tax_code": code,
                    "tax_office": settings.tax_office,
                    "full_name": name,
                }
                for code, name in filers
            ]
            await session.execute(insert(User), users)
            await session.commit()
            await session.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    if len(filers) < count:
        msg = f"only {len(filers)} filers found among {count * DEMO_ROWS_PER_FILER} demo taxpayers"
        raise SystemExit(msg)
    return filers


async def log_in(base_url: str, usernames: list[str], concurrency: int = 32) -> dict[str, str]:
    """Bearer tokens through ``POST /api/v1/auth/token``, by username."""
    tokens: dict[str, str] = {}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        gate = asyncio.Semaphore(concurrency)

        async def one(username: str) -> None:
            async with gate:
                response = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            response.raise_for_status()
            tokens[username] = response.json()["access_token"]

        await asyncio.gather(*(one(u) for u in usernames))
    return tokens


@contextmanager
def http_server(url: str, workers: int, pool_size: int | None = None) -> Iterator[tuple[str, int, int]]:
    """``taxoffice serve`` on 127.0.0.1 in its own process group; yields its URL, port and group; stops it.

    ``pool_size``: each server process's database pool (``TAXOFFICE_DB_POOL_SIZE``), when given.
    """
    port = free_port()
    command = [str(TAXOFFICE), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "TAXOFFICE_DATABASE_URL": url, "TAXOFFICE_SECRET_KEY": os.urandom(32).hex()}
    env.pop("TAXOFFICE_REDIS_URL", None)
    # Every filer logs in from the load generator's one address, dozens at a time: lift the address's allowance.
    env["TAXOFFICE_LOGIN_FREE_ATTEMPTS"] = "1000000"
    if pool_size is not None:
        env["TAXOFFICE_DB_POOL_SIZE"] = str(pool_size)
    with served(command, env, port) as (base_url, group):
        yield base_url, port, group


@contextmanager
def served(command: list[str], env: dict[str, str], port: int) -> Iterator[tuple[str, int]]:
    """``command`` serving on 127.0.0.1:``port`` in its own process group; yields its URL and group; stops it."""
    with tempfile.TemporaryFile() as output:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        base_url = f"http://{HOST}:{port}"
        try:
            wait_healthy(base_url, server, output)
            yield base_url, server.pid
        finally:
            stop_server(server)
            output.seek(0)
            tail = output.read().decode(errors="replace").strip().splitlines()[-15:]
            if any("Traceback" in line or "ERROR" in line for line in tail):
                log("server output (last lines):\n  " + "\n  ".join(tail))
