"""The arrears benchmark's data, made set-based in PostgreSQL from series: everything is a function of ``n``.

Taxpayer ``n`` (1-based) has a valid tax code of Hanoi's prefix 01 (``01`` + ``n`` on seven digits + the
registry's check digit; 02 when 01 has none, so the code tells ``n`` back), and five charges ``k`` = 0…4 due between 20 Jun 2024 and 28 Aug 2026 (so some are not yet
due on the flagging day), the fifth a late-filing fine for one in three; one in fifty also has a reduction of half
its first charge's line. One taxpayer in five (``n % 5 = 0``) is a debtor: charges 0 and 1 unpaid, charge 2 half
paid; everyone else paid every charge due before the flagging day, two days before its due date. One payment per
taxpayer carries the allocations (``Shape.charges_per_payment`` splits them: charges ``k // size``). Interest snapshots (what accrue-interest keeps) are one row per tax charge:
0.03 % a day of the unpaid tax. Statuses: 1 % each of 01, 03, 06, 07 (difficult to collect), 1 % 05, else 00.
"""

import datetime
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Result, text
from sqlalchemy.ext.asyncio import AsyncSession

OFFICES = 40
OFFICERS_PER_OFFICE = 10
FIRST_DUE = datetime.date(2024, 6, 20)
DUE_SPREAD_DAYS = 800

# The check-digit remainder of ``01`` + ``n`` on seven digits (registry.taxcode.WEIGHTS; 29 is prefix 01's part).
_REMAINDER = (
    "(29 + "
    + " + ".join(f"{w} * (n / {10**p} % 10)" for w, p in zip((23, 19, 17, 13, 7, 5, 3), range(6, -1, -1), strict=True))
    + ") % 11"
)
# Prefix 02 adds 29 (= 7 mod 11) to a remainder of 0: its check digit is then (10 - 7) % 10 = 3.
TAX_CODE = (
    "CASE WHEN __R__ = 0 THEN '02' || lpad(n::text, 7, '0') || '3' "
    "ELSE '01' || lpad(n::text, 7, '0') || ((10 - __R__) % 10)::text END"
).replace("__R__", _REMAINDER)
# ``n`` read back from such a code, and which taxpayers are ours.
N_OF_CODE = "substr(tax_code, 3, 7)::int"
OURS = "tax_code ~ '^0[12][0-9]{8}$'"

# Kinds by ``n % 10``: below ``:enterprises`` an enterprise, then households up to ``:households``, then individuals.
_TAXPAYERS = """
INSERT INTO taxpayer (tax_code, kind, name, name_search, id_number, street, ward, district, province, tax_office,
    chapter, registered_on, vat_frequency, tax_types, status, status_effective_on, created_at, updated_at)
SELECT __TAX_CODE__,
    CASE WHEN n % 10 < :enterprises THEN 'enterprise' WHEN n % 10 < :households THEN 'household' ELSE 'individual' END,
    CASE WHEN n % 10 < :enterprises THEN 'Công ty Bench ' WHEN n % 10 < :households THEN 'Hộ kinh doanh Bench '
        ELSE 'Nguyễn Văn Bench ' END || n,
    CASE WHEN n % 10 < :enterprises THEN 'cong ty bench ' WHEN n % 10 < :households THEN 'ho kinh doanh bench '
        ELSE 'nguyen van bench ' END || n,
    lpad(n::text, 12, '0'), '', '', '', '', 'CQT' || lpad((n % :offices)::text, 2, '0'),
    CASE WHEN n % 10 < :enterprises THEN '754' ELSE '757' END, date '2020-01-01',
    CASE WHEN n % 10 < :enterprises THEN 'monthly' ELSE 'quarterly' END, '[]'::jsonb,
    CASE (n::bigint * 2654435761) % 100 WHEN 0 THEN '01' WHEN 1 THEN '03' WHEN 2 THEN '06' WHEN 3 THEN '07'
        WHEN 4 THEN '05' ELSE '00' END,
    date '2020-01-01', now() - interval '1 day', now() - interval '1 day'
FROM generate_series(1, :taxpayers) AS n
""".replace("__TAX_CODE__", TAX_CODE)

# Charge (n, k): due FIRST_DUE + (37 n + 11 (n div 40) + 97 k) mod 800 days (the n div 40 term spreads each
# office's taxpayers over every day, not a 40-day grid); the reduction (k = 5) copies charge 0's line.
_CHARGES = """
WITH tp AS (
    SELECT id, tax_code, __N__::bigint AS n FROM taxpayer WHERE __OURS__
), c AS (
    SELECT tp.id, tp.tax_code, tp.n, k,
        (CAST(:first_due AS date) + ((tp.n * 37 + (tp.n / 40) * 11 + CASE WHEN k = 5 THEN 0 ELSE k END * 97) % :spread)::int) AS due_on
    FROM tp CROSS JOIN generate_series(0, 5) AS k
    WHERE k < 5 OR tp.n % 50 = 7
)
INSERT INTO account_charge (taxpayer_id, tax_code, tax_type, sub_item, period, kind, amount, due_on, interest_from,
    source, note, created_at, updated_at)
SELECT id, tax_code, 'VAT',
    CASE WHEN k = 4 AND n % 3 = 0 THEN '4254' ELSE '1701' END,
    to_char(due_on - interval '1 month', 'YYYY-MM'),
    CASE WHEN k = 4 AND n % 3 = 0 THEN 'fine' ELSE 'tax' END,
    CASE WHEN k = 5 THEN -(1000000 + ((n * 5) * 7919 % 200) * 50000) / 2
        ELSE 1000000 + ((n * 5 + k) * 7919 % 200) * 50000 END,
    due_on, due_on, 'bench:' || n || ':' || k, '', now() - interval '1 day', now() - interval '1 day'
FROM c ORDER BY n, k
""".replace("__N__", N_OF_CODE).replace("__OURS__", OURS)

# What each positive charge due before the day got paid: all of it, except a debtor's charges 0-1 (nothing) and 2
# (half). ``k`` is read back from the charge's source.
_PAID = """
SELECT c.id AS charge_id, c.taxpayer_id, c.tax_code, c.kind, c.due_on, t.k / :charges_per_payment AS grp,
    CASE WHEN t.n % 5 = 0 AND t.k < 2 THEN 0 WHEN t.n % 5 = 0 AND t.k = 2 THEN c.amount / 2 ELSE c.amount END AS paid
FROM account_charge AS c
CROSS JOIN LATERAL (SELECT split_part(c.source, ':', 2)::int AS n, split_part(c.source, ':', 3)::int AS k) AS t
WHERE c.source LIKE 'bench:%' AND c.amount > 0 AND c.due_on < CAST(:day AS date)
"""

_PAYMENTS = """
INSERT INTO payment (bank_ref, tax_code, taxpayer_id, payer_name, amount, paid_on, source, status, unallocated,
    received_by, note, created_at, updated_at)
SELECT 'BENCH-' || taxpayer_id || '-' || grp, min(tax_code), taxpayer_id, '', sum(paid), max(due_on) - 2, 'bank', 'allocated', 0,
    'bench', '', now() - interval '1 day', now() - interval '1 day'
FROM (__PAID__) AS p WHERE paid > 0 GROUP BY taxpayer_id, grp
""".replace("__PAID__", _PAID)

_ALLOCATIONS = """
INSERT INTO payment_allocation (payment_id, charge_id, taxpayer_id, component, amount, paid_on, run, created_at,
    updated_at)
SELECT pay.id, p.charge_id, p.taxpayer_id, p.kind, p.paid, p.due_on - 2, 'bench', now() - interval '1 day',
    now() - interval '1 day'
FROM (__PAID__) AS p JOIN payment AS pay ON pay.bank_ref = 'BENCH-' || p.taxpayer_id || '-' || p.grp
WHERE p.paid > 0
""".replace("__PAID__", _PAID)

_ACCRUALS = """
INSERT INTO interest_accrual (charge_id, taxpayer_id, as_of, accrued, outstanding, created_at, updated_at)
SELECT charge_id, taxpayer_id, CAST(:day AS date), i, i, now() - interval '1 day', now() - interval '1 day'
FROM (
    SELECT p.charge_id, p.taxpayer_id,
        ((c.amount - p.paid) * 3 * (CAST(:day AS date) - p.due_on - 1) + 5000) / 10000 AS i
    FROM (__PAID__) AS p JOIN account_charge AS c ON c.id = p.charge_id
    WHERE p.kind = 'tax'
) AS a
""".replace("__PAID__", _PAID)

_OFFICERS = """
INSERT INTO app_user (username, password_hash, role, tax_office, is_active, must_change_password,
    created_at, updated_at)
SELECT 'bench-officer-' || o || '-' || k, 'not-a-login', 'officer', 'CQT' || lpad(o::text, 2, '0'), true, false,
    now(), now()
FROM generate_series(0, :offices - 1) AS o CROSS JOIN generate_series(0, :per_office - 1) AS k
"""

_ASSIGN = """
UPDATE arrears_case AS c SET officer_id = u.id
FROM (
    SELECT id, tax_office, (row_number() OVER (PARTITION BY tax_office ORDER BY id) - 1)::int AS k
    FROM app_user WHERE username LIKE 'bench-officer-%'
) AS u
WHERE c.status = 'open' AND u.tax_office = c.tax_office AND u.k = (c.taxpayer_id / :offices) % :per_office
"""

# The next day's changes: debtors n % 200 = 5 pay everything overdue on the day (a new payment and its
# allocations); taxpayers n % 200 = 6 get a new VAT charge due on the day (overdue from the next day).
_CHANGE_PAYMENTS = """
INSERT INTO payment (bank_ref, tax_code, taxpayer_id, payer_name, amount, paid_on, source, status, unallocated,
    received_by, note, created_at, updated_at)
SELECT 'BENCH-PAY-' || t.id, t.tax_code, t.id, '', 1, CAST(:day AS date), 'bank', 'allocated', 0, 'bench', '', now(), now()
FROM taxpayer AS t WHERE __OURS__ AND __N__ % 200 = 5
""".replace("__N__", N_OF_CODE).replace("__OURS__", OURS)

_CHANGE_ALLOCATIONS = """
INSERT INTO payment_allocation (payment_id, charge_id, taxpayer_id, component, amount, paid_on, run, created_at,
    updated_at)
SELECT pay.id, c.id, c.taxpayer_id, c.kind, c.amount - coalesce(a.paid, 0), CAST(:day AS date), 'bench', now(), now()
FROM payment AS pay
JOIN account_charge AS c ON c.taxpayer_id = pay.taxpayer_id
LEFT JOIN (
    SELECT charge_id, sum(amount) AS paid FROM payment_allocation
    WHERE taxpayer_id IN (SELECT taxpayer_id FROM payment WHERE bank_ref LIKE 'BENCH-PAY-%')
    GROUP BY charge_id
) AS a ON a.charge_id = c.id
WHERE pay.bank_ref LIKE 'BENCH-PAY-%' AND c.amount > 0 AND c.due_on < CAST(:day AS date)
    AND c.amount - coalesce(a.paid, 0) > 0
"""

# Interest paid with them, and the snapshot accrue-interest would keep for them the next night.
_CHANGE_INTEREST = """
INSERT INTO payment_allocation (payment_id, charge_id, taxpayer_id, component, amount, paid_on, run, created_at,
    updated_at)
SELECT pay.id, ia.charge_id, ia.taxpayer_id, 'interest', ia.outstanding, CAST(:day AS date), 'bench', now(), now()
FROM payment AS pay JOIN interest_accrual AS ia ON ia.taxpayer_id = pay.taxpayer_id
WHERE pay.bank_ref LIKE 'BENCH-PAY-%' AND ia.outstanding > 0
"""

_CHANGE_SNAPSHOTS = """
UPDATE interest_accrual SET outstanding = 0, updated_at = now()
WHERE outstanding > 0 AND taxpayer_id IN (SELECT taxpayer_id FROM payment WHERE bank_ref LIKE 'BENCH-PAY-%')
"""

_CHANGE_CHARGES = """
INSERT INTO account_charge (taxpayer_id, tax_code, tax_type, sub_item, period, kind, amount, due_on, interest_from,
    source, note, created_at, updated_at)
SELECT id, tax_code, 'VAT', '1701', 'NEXT', 'tax', 2000000, CAST(:day AS date), CAST(:day AS date), 'bench-next:' || id, '', now(), now()
FROM taxpayer WHERE __OURS__ AND __N__ % 200 = 6
""".replace("__N__", N_OF_CODE).replace("__OURS__", OURS)


def _rows(result: Result[Any]) -> int:
    """The rows a DML statement touched."""
    return int(cast("CursorResult[Any]", result).rowcount)


@dataclass(frozen=True)
class Shape:
    """What may vary between the benchmarks sharing this data.

    Attributes:
        first_due: the earliest due date (charges fall due over ``DUE_SPREAD_DAYS`` from it).
        enterprises: taxpayers with ``n % 10`` below it are enterprises (10: all of them).
        households: then households up to it; the rest individuals.
        charges_per_payment: charges ``k`` paid by one payment (``k // charges_per_payment``; 6: all of them).
    """

    first_due: datetime.date = FIRST_DUE
    enterprises: int = 10
    households: int = 10
    charges_per_payment: int = 6


def steps(taxpayers: int, day: datetime.date, shape: Shape = Shape()) -> list[tuple[str, str, dict[str, object]]]:
    """The loading statements in order, each ``(name, sql, parameters)``."""
    kinds = {"enterprises": shape.enterprises, "households": shape.households}
    paid = {"day": day, "charges_per_payment": shape.charges_per_payment}
    return [
        ("taxpayers", _TAXPAYERS, {"taxpayers": taxpayers, "offices": OFFICES, **kinds}),
        ("charges", _CHARGES, {"first_due": shape.first_due, "spread": DUE_SPREAD_DAYS}),
        ("payments", _PAYMENTS, paid),
        ("allocations", _ALLOCATIONS, paid),
        ("interest snapshots", _ACCRUALS, paid),
        ("officers", _OFFICERS, {"offices": OFFICES, "per_office": OFFICERS_PER_OFFICE}),
    ]


async def execute(session: AsyncSession, sql: str, params: dict[str, object]) -> int:
    """One loading statement in its own transaction; the rows it wrote."""
    written = _rows(await session.execute(text(sql), params))
    await session.commit()
    return written


async def load(session: AsyncSession, taxpayers: int, day: datetime.date) -> dict[str, int]:
    """Taxpayers, charges, payments, allocations and interest snapshots for flagging on ``day``; row counts."""
    counts = {name: await execute(session, sql, params) for name, sql, params in steps(taxpayers, day)}
    for table in ("taxpayer", "account_charge", "payment", "payment_allocation", "interest_accrual", "app_user"):
        await session.execute(text(f"ANALYZE {table}"))  # a fixed list of our table names
    await session.commit()
    return counts


async def assign_officers(session: AsyncSession) -> int:
    """Give each open case to one of its office's officers (what auto-assignment would balance); how many."""
    result = await session.execute(text(_ASSIGN), {"offices": OFFICES, "per_office": OFFICERS_PER_OFFICE})
    await session.execute(text("ANALYZE arrears_case"))
    await session.commit()
    return _rows(result)


async def change_accounts(session: AsyncSession, day: datetime.date) -> dict[str, int]:
    """The next day's changes (1 % of the taxpayers): payments that settle debts, charges falling due."""
    counts: dict[str, int] = {}
    for name, sql in (
        ("payments", _CHANGE_PAYMENTS),
        ("allocations", _CHANGE_ALLOCATIONS),
        ("interest allocations", _CHANGE_INTEREST),
        ("interest snapshots", _CHANGE_SNAPSHOTS),
        ("charges", _CHANGE_CHARGES),
    ):
        result = await session.execute(text(sql), {"day": day})
        counts[name] = _rows(result)
    await session.commit()
    return counts
