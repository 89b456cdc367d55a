"""The collections benchmark's data, made set-based in PostgreSQL from series: everything is a function of ``p``.

Charges come in pairs ``p`` (0-based) of one taxpayer ``n = p % T`` (its ``m = p // T``-th pair), due the same day
between 20 Jan 2025 and 19 Dec 2026: charge ``2p`` is VAT 1701 (65 %), CIT 1052 (20 %) or PIT 1001 (15 %), charge
``2p + 1`` a late-filing fine 4254 (20 %) or PIT 1001 withheld for employees. Both are paid in two instalments, each
one payment covering both charges (payment ``2p`` up to 19 days before the due date, payment ``2p + 1`` on time or,
for three pairs in ten, 1 to 90 days late with 0.03 % a day of interest on each tax charge's late half). So a pair
makes four or more allocation lines (tax, fine, interest). Ids are assigned in insertion order on fresh tables, so
the allocations name their charge, payment and taxpayer by arithmetic on the first id (checked after each insert),
not by joins over millions of rows. Foreign keys are not checked during the load when the role may switch them off
(``session_replication_role = replica``; it also skips the taxpayer name-words trigger, which no report reads):
that loads twice as fast (1,000,000 lines: 11 s against 23 s with the checks, measured here), and every id is right
by construction.
"""

import datetime
import math
from typing import Any, cast

from sqlalchemy import CursorResult, Result, text
from sqlalchemy.ext.asyncio import AsyncSession

OFFICES = 30
# Allocation lines per pair on average: four, plus an interest line for each tax charge of a late pair
# (3 pairs in 10 are late; the second charge is a tax, not a fine, in 8 of 10).
LINES_PER_PAIR = 4 + 0.3 * (1 + 0.8)
FIRST_DUE = datetime.date(2025, 1, 20)
DUE_SPREAD_DAYS = 700
LAST_DAY = datetime.date(2026, 12, 31)

_TAXPAYERS = """
INSERT INTO taxpayer (tax_code, kind, name, name_search, id_number, street, ward, district, province, tax_office,
    chapter, registered_on, vat_frequency, tax_types, status, status_effective_on, created_at, updated_at)
SELECT 'C' || lpad(n::text, 9, '0'), 'enterprise', 'Công ty Thu ' || n, 'cong ty thu ' || n,
    lpad(n::text, 12, '0'), '', '', '', '', 'CQT' || lpad((n % :offices)::text, 2, '0'), '754', date '2020-01-01',
    'monthly', '["VAT", "CIT", "PIT"]'::jsonb, '00', date '2020-01-01', now(), now()
FROM generate_series(0, :taxpayers - 1) AS n ORDER BY n
"""

# One row per pair: its due day, whether its second instalment is late, both charges' kinds and amounts, the
# instalments' days and the interest each tax charge's late half carries.
_PAIRS = """
SELECT q.*,
    CASE WHEN late THEN (amount0 - amount0 / 2) * 3 * (paid_b - due_on) / 10000 ELSE 0 END AS interest0,
    CASE WHEN late AND kind1 = 'tax' THEN (amount1 - amount1 / 2) * 3 * (paid_b - due_on) / 10000 ELSE 0 END
        AS interest1
FROM (
    SELECT b.*,
        CASE WHEN h < 65 THEN 'VAT' WHEN h < 85 THEN 'CIT' ELSE 'PIT' END AS type0,
        CASE WHEN h < 65 THEN '1701' WHEN h < 85 THEN '1052' ELSE '1001' END AS sub0,
        1000000 + (p * 7919) % 2000 * 50000 AS amount0,
        CASE WHEN h2 < 20 THEN 'fine' ELSE 'tax' END AS kind1,
        CASE WHEN h2 < 20 THEN 'VAT' ELSE 'PIT' END AS type1,
        CASE WHEN h2 < 20 THEN '4254' ELSE '1001' END AS sub1,
        CASE WHEN h2 < 20 THEN 2000000 + p % 24 * 1000000 ELSE 500000 + (p * 104729) % 400 * 25000 END AS amount1,
        due_on - (p % 20)::int AS paid_a,
        CASE WHEN late THEN least(due_on + 1 + (p * 13 % 90)::int, CAST(:last_day AS date))
            ELSE due_on - (p % 20 / 4)::int END AS paid_b
    FROM (
        SELECT p, p % :taxpayers AS n, (p * 61 + p / :taxpayers * 7) % 100 AS h, (p * 37 + p / :taxpayers) % 100 AS h2,
            CAST(:first_due AS date) + ((p * 7919 + p / :taxpayers * 11) % :spread)::int AS due_on,
            (p * 7 + p / :taxpayers) % 10 < 3 AS late
        FROM generate_series(0::bigint, :pairs - 1) AS p
    ) AS b
) AS q
"""

_CHARGES = """
INSERT INTO account_charge (taxpayer_id, tax_code, tax_type, sub_item, period, kind, amount, due_on, interest_from,
    source, note, created_at, updated_at)
SELECT :taxpayer_base + x.n, 'C' || lpad(x.n::text, 9, '0'),
    CASE WHEN k = 0 THEN x.type0 ELSE x.type1 END, CASE WHEN k = 0 THEN x.sub0 ELSE x.sub1 END,
    to_char(x.due_on - 20, 'YYYY-MM'), CASE WHEN k = 0 THEN 'tax' ELSE x.kind1 END,
    CASE WHEN k = 0 THEN x.amount0 ELSE x.amount1 END, x.due_on, x.due_on,
    'collect:' || lpad((2 * x.p + k)::text, 10, '0'), '', now(), now()
FROM (__PAIRS__) AS x CROSS JOIN generate_series(0, 1) AS k
ORDER BY x.p, k
""".replace("__PAIRS__", _PAIRS)

_PAYMENTS = """
INSERT INTO payment (bank_ref, tax_code, taxpayer_id, payer_name, amount, paid_on, source, status, unallocated,
    received_by, note, created_at, updated_at)
SELECT 'COLLECT' || lpad((2 * x.p + i)::text, 10, '0'), 'C' || lpad(x.n::text, 9, '0'), :taxpayer_base + x.n, '',
    CASE WHEN i = 0 THEN x.amount0 / 2 + x.amount1 / 2
        ELSE x.amount0 - x.amount0 / 2 + x.amount1 - x.amount1 / 2 + x.interest0 + x.interest1 END,
    CASE WHEN i = 0 THEN x.paid_a ELSE x.paid_b END, 'bank', 'allocated', 0, 'bench', '', now(), now()
FROM (__PAIRS__) AS x CROSS JOIN generate_series(0, 1) AS i
ORDER BY x.p, i
""".replace("__PAIRS__", _PAIRS)

# Slot s of a pair: 0-3 the two charges' halves (charge k = s % 2, instalment i = s / 2), 4-5 the interest of
# charge s - 4 paid with the second instalment (only when there is some).
_ALLOCATIONS = """
INSERT INTO payment_allocation (payment_id, charge_id, taxpayer_id, component, amount, paid_on, run, created_at,
    updated_at)
SELECT :payment_base + 2 * x.p + CASE WHEN s IN (0, 1) THEN 0 ELSE 1 END, :charge_base + 2 * x.p + s % 2,
    :taxpayer_base + x.n,
    CASE WHEN s >= 4 THEN 'interest' WHEN s % 2 = 0 THEN 'tax' ELSE x.kind1 END,
    CASE s WHEN 0 THEN x.amount0 / 2 WHEN 1 THEN x.amount1 / 2 WHEN 2 THEN x.amount0 - x.amount0 / 2
        WHEN 3 THEN x.amount1 - x.amount1 / 2 WHEN 4 THEN x.interest0 ELSE x.interest1 END,
    CASE WHEN s IN (0, 1) THEN x.paid_a ELSE x.paid_b END, 'bench', now(), now()
FROM (__PAIRS__) AS x CROSS JOIN generate_series(0, 5) AS s
WHERE s < 4 OR (s = 4 AND x.interest0 > 0) OR (s = 5 AND x.interest1 > 0)
ORDER BY x.p, s
""".replace("__PAIRS__", _PAIRS)

# Targets for 2026: each office's total and each tax type's, about 5 % above what 2025 brought in.
_TARGETS = """
INSERT INTO collection_target (year, tax_office, tax_type, amount, set_by, created_at, updated_at)
SELECT 2026, tax_office, coalesce(tax_type, ''), sum(amount) * 105 / 100, 'bench', now(), now()
FROM collection_day WHERE day BETWEEN date '2025-01-01' AND date '2025-12-31'
GROUP BY GROUPING SETS ((tax_office), (tax_office, tax_type))
"""

# Where each table's ids start, and whether they run without a gap in insertion order (the first and the last
# row inserted hold the first and the last id).
_IDS = {
    "taxpayer": "SELECT min(id), max(id), count(*), "
    "(SELECT id FROM taxpayer WHERE tax_code = 'C000000000'), "
    "(SELECT id FROM taxpayer WHERE tax_code = 'C' || lpad((:count - 1)::text, 9, '0')) FROM taxpayer",
    "account_charge": "SELECT min(id), max(id), count(*), "
    "(SELECT id FROM account_charge WHERE source = 'collect:0000000000'), "
    "(SELECT id FROM account_charge WHERE source = 'collect:' || lpad((:count - 1)::text, 10, '0')) "
    "FROM account_charge",
    "payment": "SELECT min(id), max(id), count(*), "
    "(SELECT id FROM payment WHERE bank_ref = 'COLLECT0000000000'), "
    "(SELECT id FROM payment WHERE bank_ref = 'COLLECT' || lpad((:count - 1)::text, 10, '0')) FROM payment",
}


def _rows(result: Result[Any]) -> int:
    """The rows a DML statement touched."""
    return int(cast("CursorResult[Any]", result).rowcount)


def sizes(lines: int) -> tuple[int, int]:
    """Taxpayers and charge pairs for about ``lines`` allocation lines (3 taxpayers per 100 lines)."""
    return max(OFFICES, lines * 3 // 100), max(1, math.ceil(lines / LINES_PER_PAIR))


async def _first_id(session: AsyncSession, table: str, count: int) -> int:
    """The first id of ``table``, after checking that its ``count`` rows got ids in insertion order."""
    low, high, rows, first, last = (await session.execute(text(_IDS[table]), {"count": count})).one()
    if (rows, first, last, high - low + 1) != (count, low, high, count):
        msg = f"{table}: ids not assigned in insertion order ({low}…{high}, {rows:,} rows; first {first}, last {last})"
        raise RuntimeError(msg)
    return int(low)


async def _insert(session: AsyncSession, sql: str, params: dict[str, object], *, replica: bool) -> int:
    """One bulk ``INSERT … SELECT`` in its own transaction (foreign keys unchecked when ``replica``); rows written."""
    if replica:
        await session.execute(text("SET LOCAL session_replication_role = replica"))
    await session.execute(text("SET LOCAL work_mem = '64MB'"))
    return _rows(await session.execute(text(sql), params))


async def can_skip_fk_checks(session: AsyncSession) -> bool:
    """Whether this role may switch foreign-key checks off (a superuser: the throwaway cluster's ``postgres``)."""
    return bool(await session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")))


async def load(session: AsyncSession, lines: int, *, replica: bool) -> dict[str, int]:
    """Taxpayers, charges, payments and about ``lines`` allocation lines (empty tables); row counts."""
    taxpayers, pairs = sizes(lines)
    counts: dict[str, int] = {}
    params: dict[str, object] = {
        "offices": OFFICES,
        "taxpayers": taxpayers,
        "pairs": pairs,
        "first_due": FIRST_DUE,
        "spread": DUE_SPREAD_DAYS,
        "last_day": LAST_DAY,
    }
    steps = (
        ("taxpayers", _TAXPAYERS, "taxpayer", taxpayers, "taxpayer_base"),
        ("charges", _CHARGES, "account_charge", 2 * pairs, "charge_base"),
        ("payments", _PAYMENTS, "payment", 2 * pairs, "payment_base"),
    )
    for name, sql, table, expected, base in steps:
        counts[name] = await _insert(session, sql, params, replica=replica)
        params[base] = await _first_id(session, table, expected)
        await session.commit()
    counts["allocation lines"] = await _insert(session, _ALLOCATIONS, params, replica=replica)
    await session.commit()
    return counts


async def set_targets(session: AsyncSession) -> int:
    """Collection targets for 2026 from 2025's collections (needs ``collection_day``); how many."""
    written = _rows(await session.execute(text(_TARGETS)))
    await session.execute(text("ANALYZE collection_day"))
    await session.commit()
    return written


# What the report would cost without the summary: the year's money by month and tax type from the ledger.
DIRECT_GROUP_BY = text(
    "SELECT date_trunc('month', a.paid_on) AS month, c.tax_type, sum(a.amount) "
    "FROM payment_allocation AS a JOIN account_charge AS c ON c.id = a.charge_id "
    "WHERE a.paid_on BETWEEN :start AND :end GROUP BY 1, 2"
)
