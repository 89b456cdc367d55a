"""The search benchmark: name prefix, accent-free words and tax-code prefix over the loaded taxpayers."""

import collections
import dataclasses
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
from _common import TARGET_SEARCH_P99_MS, log, percentile, person, verdict
from sqlalchemy import Select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from registry import demo
from registry.names import fold
from registry.search import Match, SearchQuery, plan
from registry.services import TaxpayerService
from registry.words import INDEX_ONLY, words_starting
from taxoffice.auth.roles import Principal, Role
from taxoffice.db import create_session_factory
from taxoffice.serving import settle_garbage_collector

DEMO_OFFICER = ("officer", "officer-demo-2026")  # created by `demo load` (taxoffice.commands.DEMO_USERS)
STAFF = Principal(user_id=1, username="bench", role=Role.OFFICER)


def _variant(rng: random.Random, words: str) -> str:
    """As typed: with accents, folded, or lower case with accents."""
    return rng.choice([words, fold(words), words.lower()])


def word_queries(rng: random.Random, count: int) -> list[str]:
    """Accent-free word searches (``match=words``) from the demo vocabulary: common, rare, none, partial words."""
    districts = [d for d, _office, _wards in demo.DISTRICTS]
    fixed = [
        "nguyen",
        "van",
        "thi",
        "cong ty",
        "tnhh",
        "ho kinh doanh",
        "chi nhanh",
        "dich vu",
        "thuong mai",
        "Công ty TNHH Kiểm Thử",
        "ly gia vy",
        "sao mai hoa binh",
        "zzz",
        "ng",
        "th",
        "h",
    ]
    templates: list[Callable[[], str]] = [
        lambda: rng.choice(demo.SURNAMES),
        lambda: rng.choice(demo.GIVEN),
        lambda: " ".join(person(rng)[1:]),
        lambda: f"{person(rng)[0]} {rng.choice(demo.GIVEN)}",
        lambda: " ".join(person(rng)),
        lambda: rng.choice(demo.BRANDS),
        lambda: rng.choice(demo.TRADES),
        lambda: f"Công ty {rng.choice(demo.BRANDS)}",
        lambda: f"{rng.choice(demo.TRADES)} {rng.choice(demo.BRANDS)}",
        lambda: f"{rng.choice(demo.FORMS)} {rng.choice(demo.BRANDS)}",
        lambda: f"Hộ kinh doanh {rng.choice(demo.SURNAMES)}",
        lambda: rng.choice(districts),
        lambda: f"{rng.choice(districts)} {rng.choice(demo.BRANDS)}",
        lambda: fold(rng.choice(demo.GIVEN + demo.SURNAMES + demo.BRANDS))[: rng.randint(2, 4)],
        lambda: f"{rng.choice(demo.BRANDS)} {rng.choice(demo.BRANDS)}",
    ]
    queries = dict.fromkeys(fixed)
    while len(queries) < count:
        queries.setdefault(_variant(rng, rng.choice(templates)()))
    return list(queries)


def prefix_queries(rng: random.Random, count: int) -> list[str]:
    """Name-prefix searches (``match=prefix``): people, households, companies, branches, and some matching none."""
    districts = [d for d, _office, _wards in demo.DISTRICTS]
    fixed = ["nguyen", "cong ty", "ho kinh doanh", "chi nhanh", "kiem thu", "Công ty TNHH Kiểm Thử", "n", "zzz"]
    templates: list[Callable[[], str]] = [
        lambda: rng.choice(demo.SURNAMES),
        lambda: " ".join(person(rng)[:2]),
        lambda: " ".join(person(rng)),
        lambda: f"{' '.join(person(rng)[:2])} {rng.choice(demo.GIVEN)[:2]}",
        lambda: f"Hộ kinh doanh {rng.choice(demo.SURNAMES)}",
        lambda: f"Hộ kinh doanh {' '.join(person(rng))}",
        lambda: rng.choice(demo.FORMS),
        lambda: f"{rng.choice(demo.FORMS)} {rng.choice(demo.TRADES)}",
        lambda: f"{rng.choice(demo.FORMS)} {rng.choice(demo.TRADES)} {rng.choice(demo.BRANDS)}",
        lambda: f"Chi nhánh {rng.choice(districts)}",
        lambda: f"Chi nhánh {rng.choice(districts)} - {rng.choice(demo.FORMS)}",
        lambda: rng.choice(demo.BRANDS),
    ]
    queries = dict.fromkeys(fixed)
    while len(queries) < count:
        queries.setdefault(_variant(rng, rng.choice(templates)()))
    return list(queries)


async def code_queries(engine: AsyncEngine, rng: random.Random, count: int) -> list[str]:
    """Tax-code prefixes (3 to 12 digits) of codes drawn from the table, and a few matching none."""
    async with engine.connect() as conn:
        codes = list(
            (
                await conn.execute(
                    text("SELECT tax_code FROM taxpayer TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 2000")
                )
            ).scalars()
        )
    queries = dict.fromkeys(["01", "010", "0010", "9999"])
    attempts = 0
    while codes and len(queries) < count and attempts < count * 20:
        attempts += 1
        code = rng.choice(codes).replace("-", "")
        queries.setdefault(code[: rng.randint(3, len(code))])
    return list(queries)


@dataclasses.dataclass(frozen=True)
class Probe:
    """One search to time."""

    kind: str
    q: str

    @property
    def query(self) -> SearchQuery:
        """The service's query."""
        return SearchQuery(q=self.q, match=Match.PREFIX if self.kind == "prefix" else Match.WORDS, limit=50)


@dataclasses.dataclass
class Timing:
    """A probe's latencies in ms and how many rows its first page had."""

    probe: Probe
    ms: list[float] = dataclasses.field(default_factory=list)
    rows: int = 0


async def time_searches(
    factory: async_sessionmaker[AsyncSession], probes: list[Probe], rounds: int, budget: float
) -> dict[Probe, Timing]:
    """Each probe ``rounds`` times in a shuffled order, after one unmeasured pass; one session per search.

    Measured passes stop early once ``budget`` seconds have gone (pathologically slow searches).
    """
    timings = {p: Timing(p) for p in probes}
    order = list(probes)
    shuffler = random.Random(11)
    deadline = time.perf_counter() + budget
    for round_no in range(rounds + 1):
        shuffler.shuffle(order)
        for probe in order:
            if round_no > 1 and time.perf_counter() > deadline:
                log(f"search: time budget of {budget:.0f} s spent; measured pass {round_no} stopped early")
                return timings
            started = time.perf_counter()
            async with factory() as session:
                rows, _next = await TaxpayerService(session).search(STAFF, probe.query)
            elapsed = (time.perf_counter() - started) * 1000
            if round_no:
                timings[probe].ms.append(elapsed)
                timings[probe].rows = len(rows)
    return timings


def summarize(label: str, samples: list[float], extra: str = "") -> str:
    """p50/p90/p99/max of latencies in ms, against the p99 target."""
    p99 = percentile(samples, 99)
    return (
        f"{label}: {len(samples):,} searches, p50 {percentile(samples, 50):.1f} ms, p90 {percentile(samples, 90):.1f} ms,"
        f" p99 {p99:.1f} ms, max {max(samples):.1f} ms{extra}"
        f"  [target p99 < {TARGET_SEARCH_P99_MS:.0f} ms: {verdict(p99 < TARGET_SEARCH_P99_MS)}]"
    )


def _sql_literal(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


async def _explain_statement(engine: AsyncEngine, stmt: Select[Any], *, on_index: bool) -> list[str]:
    compiled = stmt.compile(dialect=engine.dialect)
    args = ", ".join(_sql_literal(compiled.params[name]) for name in compiled.positiontup or [])
    sql = compiled.string
    where = " ".join(sql[sql.rfind("WHERE") :].split()) if "WHERE" in sql else "(no condition)"
    lines = [f"      {where}", f"      with ({args})" + ("; after SET LOCAL enable_seqscan = off" if on_index else "")]
    async with engine.connect() as conn:
        if on_index:
            await conn.execute(INDEX_ONLY)
        await conn.exec_driver_sql(f"PREPARE bench_probe AS {sql}")
        try:
            for _ in range(5):
                await conn.exec_driver_sql(f"EXECUTE bench_probe({args})")
            chosen = "\n".join((await conn.exec_driver_sql(f"EXPLAIN EXECUTE bench_probe({args})")).scalars())
            generic = "$1" in chosen
            lines.append(
                "      after 5 executions PostgreSQL runs this prepared statement with "
                + ("its GENERIC plan (made without the values):" if generic else "custom plans (made for the values):")
            )
            modes = ["force_generic_plan", "force_custom_plan"] if generic else ["force_custom_plan"]
            for mode in modes:
                await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {mode}")
                shown = (
                    await conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_probe({args})")
                ).scalars()
                lines.append(f"      {mode.removeprefix('force_').replace('_', ' ')}:")
                lines += [f"        {line}" for line in shown]
        finally:
            await conn.exec_driver_sql("DEALLOCATE bench_probe")
            await conn.rollback()
    return lines


async def explain(engine: AsyncEngine, probe: Probe) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of a probe's statements as the service sends them (prepared statements).

    asyncpg prepares every statement and PostgreSQL may switch a prepared statement to a generic plan, one made
    without the parameters' values, after 5 executions; both plans are shown when it does. A words search shows two
    statements: the probe in id order (enough when it fills the page) and the last step through a GIN index, with
    the unfinished last word spelled out as the service does it.
    """
    chosen = plan(probe.query, "postgresql")
    lines: list[str] = []
    if chosen.words is None:
        return lines + await _explain_statement(engine, chosen.statement, on_index=False)
    lines.append("      1. probe of the first rows in id order:")
    lines += await _explain_statement(engine, chosen.statement, on_index=False)
    async with engine.connect() as conn:
        starting = list((await conn.execute(words_starting(chosen.words.last_word))).scalars())
    lines.append("      2. when the probes do not fill the page, through a GIN index:")
    lines.append(f"      ({len(starting)} words start with {chosen.words.last_word!r})")
    last = chosen.words.last_step(starting)
    if last is None:
        return [*lines, "      (none: no name has a word so starting)"]
    lines += await _explain_statement(engine, last, on_index=True)
    return lines


async def search_phase(
    engine: AsyncEngine, taxpayers: int, rounds: int, explain_slowest: int, budget: float
) -> list[Probe]:
    """Time searches by kind; print percentiles, the slowest queries and their plans. Returns the probes."""
    started = time.perf_counter()
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE taxpayer"))
        await conn.commit()
    log(f"search: ANALYZE taxpayer took {time.perf_counter() - started:.1f} s")
    rng = random.Random(2026)
    probes = [Probe("prefix", q) for q in prefix_queries(rng, 250)]
    probes += [Probe("words", q) for q in word_queries(rng, 300)]
    probes += [Probe("tax code", q) for q in await code_queries(engine, rng, 100)]
    # As in every server process (taxoffice/serving.py): what is loaded is frozen out of the cyclic collector, whose
    # full collections otherwise pause a search now and then by 40-50 ms in a process holding this much.
    settle_garbage_collector()
    timings = await time_searches(create_session_factory(engine), probes, rounds, budget)
    log(
        f"search over {taxpayers:,} taxpayers, service level (TaxpayerService.search as an officer, first page of 50,"
        f" one session per search, sequential; {rounds} measured passes after a warm-up pass):"
    )
    kinds = ["prefix", "words", "tax code"]
    for kind in kinds:
        chosen = [t for t in timings.values() if t.probe.kind == kind]
        samples = [ms for t in chosen for ms in t.ms]
        empty = sum(1 for t in chosen if t.rows == 0)
        full = sum(1 for t in chosen if t.rows >= 50)
        name = {"prefix": "name prefix (match=prefix)", "words": "accent-free words (match=words)"}.get(kind, kind)
        log("  " + summarize(f"{name}, {len(chosen)} queries", samples, f" ({full} full pages, {empty} empty)"))
    every = [ms for t in timings.values() for ms in t.ms]
    log("  " + summarize("all kinds", every))
    for kind in kinds:
        slowest = sorted(
            (t for t in timings.values() if t.probe.kind == kind), key=lambda t: statistics.median(t.ms), reverse=True
        )
        shown = ", ".join(f"{t.probe.q!r} {statistics.median(t.ms):.1f} ms ({t.rows} rows)" for t in slowest[:6])
        log(f"  slowest {kind} queries (median): {shown}")
        for timing in slowest[:explain_slowest]:
            log(f"    EXPLAIN ANALYZE of {kind} {timing.probe.q!r}:")
            for line in await explain(engine, timing.probe):
                log(line)
    return probes


async def http_search_phase(base_url: str, probes: list[Probe]) -> None:
    """The same searches through HTTP as the demo officer (one client, sequential, after a short warm-up)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        login = await client.post("/api/v1/auth/token", json={"username": DEMO_OFFICER[0], "password": DEMO_OFFICER[1]})
        if login.status_code != httpx.codes.OK:
            log(f"search over HTTP: skipped (no demo officer login: HTTP {login.status_code})")
            return
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        samples: dict[str, list[float]] = collections.defaultdict(list)
        failures = 0
        for round_no in range(2):
            for probe in probes if round_no else probes[:: max(1, len(probes) // 50)]:
                params = {"q": probe.q, "match": probe.query.match.value, "limit": "50"}
                started = time.perf_counter()
                response = await client.get("/api/v1/taxpayers", params=params, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                failures += response.status_code != httpx.codes.OK
                if round_no:
                    samples[probe.kind].append(elapsed)
    log("search over HTTP (GET /api/v1/taxpayers, one client, sequential, JSON of up to 50 records):")
    for kind, values in samples.items():
        log("  " + summarize(kind, values))
    if failures:
        log(f"  {failures} searches over HTTP failed")
