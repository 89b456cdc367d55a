"""The payments benchmark's data: charges and payments made set-based in PostgreSQL, and the checks afterwards.

Charge ``g`` (0-based) belongs to the ``g % T``-th taxpayer (by id) and is that taxpayer's ``g // T``-th charge;
payment ``p`` pays, one way or another, charge ``p`` of the same scheme (its taxpayer's ``p // T``-th charge, or
the first when there is no such charge). Everything is a function of ``g`` and ``p``, so runs are reproducible.
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Charge g: h = g * 2654435761 mod 100 picks what it is. 0-69 VAT (sub-item 1701; a third of the taxpayers
# quarterly), 70-84 CIT (1052: the 2025 finalisation or a 2026 provisional quarter), 85-96 a late-filing fine
# (4254), 97-99 a reduction of VAT by a supplementary return. Months run 2025-01 … 2026-10, due the 20th of
# the next month; quarters 2025-Q1 … 2026-Q3, due the last day of the month after the quarter.
_CHARGES = """
WITH tp AS (
    SELECT id, tax_code, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM taxpayer
), g AS (
    SELECT g, g % :taxpayers AS n, g / :taxpayers AS k, (g::bigint * 2654435761) % 100 AS h
    FROM generate_series(0::bigint, :charges - 1) AS g
), c AS (
    SELECT g.g, g.h, tp.id AS taxpayer_id, tp.tax_code,
        make_date(2025, 1, 1) + make_interval(months => ((g.n + 5 * greatest(g.k - (g.h >= 97)::int, 0)) % 22)::int)
            AS month,
        make_date(2025, 1, 1) + make_interval(months => 3 * ((g.n + 2 * g.k) % 7)::int) AS quarter,
        g.n % 3 = 0 AS quarterly
    FROM g JOIN tp ON tp.n = g.n
), d AS (
    SELECT c.*,
        CASE
            WHEN h >= 70 AND h < 85 AND g % 2 = 0 THEN '2025'
            WHEN h >= 70 AND h < 85 THEN to_char(make_date(2026, 1 + 3 * (g % 3)::int, 1), 'YYYY-"Q"Q')
            WHEN quarterly AND h < 70 THEN to_char(quarter, 'YYYY-"Q"Q')
            ELSE to_char(month, 'YYYY-MM')
        END AS period,
        CASE
            WHEN h >= 70 AND h < 85 AND g % 2 = 0 THEN date '2026-03-31'
            WHEN h >= 70 AND h < 85 THEN (make_date(2026, 1 + 3 * (g % 3)::int, 1) + interval '4 months -1 day')::date
            WHEN quarterly AND h < 70 THEN (quarter + interval '4 months -1 day')::date
            WHEN h >= 85 AND h < 97 THEN (month + interval '1 month 49 days')::date
            ELSE (month + interval '1 month 19 days')::date
        END AS due_on,
        CASE
            WHEN h >= 97 THEN -(100000 + (g * 7919) % 200 * 10000)
            WHEN h >= 85 THEN 2000000 + (g * 104729) % 24 * 1000000
            ELSE 500000 + (g * 7919) % 20000 * 5000
        END AS amount
    FROM c
)
INSERT INTO account_charge
    (taxpayer_id, tax_code, tax_type, sub_item, period, kind, amount, due_on, interest_from, source, note,
     created_at, updated_at)
SELECT taxpayer_id, tax_code,
    CASE WHEN h >= 70 AND h < 85 THEN 'CIT' ELSE 'VAT' END,
    CASE WHEN h >= 70 AND h < 85 THEN '1052' WHEN h >= 85 AND h < 97 THEN '4254' ELSE '1701' END,
    period,
    CASE WHEN h >= 85 AND h < 97 THEN 'fine' ELSE 'tax' END,
    amount, due_on, due_on, 'bench:' || g, '', now(), now()
FROM d ORDER BY g
"""

# Payment p: q = p * 40503 mod 100 picks the amount. 0-54 exactly the charge, 55-74 half of it (partial),
# 75-84 the charge plus 5 million (overpaid: a credit), 85-99 a round sum unrelated to the charge. One in four
# names the charge's period and sub-item. Paid from 10 days before to 60 days after the deadline, never after
# 26 Nov 2026; reductions are "paid" as if they were a 1-million charge.
_PAYMENTS = """
WITH p AS (
    SELECT p, (p::bigint * 40503) % 100 AS q,
        CASE WHEN (p / :taxpayers) * :taxpayers + p % :taxpayers < :charges
             THEN (p / :taxpayers) * :taxpayers + p % :taxpayers ELSE p % :taxpayers END AS g
    FROM generate_series(0::bigint, :payments - 1) AS p
), j AS (
    SELECT p.p, p.q, c.taxpayer_id, c.tax_code, c.period, c.sub_item, c.due_on, greatest(c.amount, 1000000) AS owed
    FROM p JOIN account_charge AS c ON c.source = 'bench:' || p.g
), a AS (
    SELECT j.*,
        CASE
            WHEN q < 55 THEN owed
            WHEN q < 75 THEN owed / 2000 * 1000
            WHEN q < 85 THEN owed + 5000000
            ELSE (p * 7919 % 50 + 1) * 1000000
        END AS amount
    FROM j
)
INSERT INTO payment
    (bank_ref, tax_code, taxpayer_id, payer_name, amount, paid_on, period, sub_item, chapter, tax_office, source,
     status, unallocated, received_by, note, created_at, updated_at)
SELECT 'BENCH' || lpad(p::text, 10, '0'), tax_code, taxpayer_id, '', amount,
    least(due_on + (p * 31 % 71 - 10)::int, date '2026-11-26'),
    CASE WHEN p % 4 = 0 THEN period END, CASE WHEN p % 4 = 0 THEN sub_item END,
    '754', NULL, 'bench', 'unallocated', amount, 'bench', '', now(), now()
FROM a ORDER BY p
"""


async def insert_charges(session: AsyncSession, taxpayers: int, charges: int) -> int:
    """``charges`` charges over the first ``taxpayers`` taxpayers (all of them: the table holds only those)."""
    result = await session.execute(text(_CHARGES), {"taxpayers": taxpayers, "charges": charges})
    return int(result.rowcount)  # type: ignore[attr-defined]


async def insert_payments(session: AsyncSession, taxpayers: int, charges: int, payments: int) -> int:
    """``payments`` payments, each aimed at one charge of the scheme (see the module's docstring)."""
    params = {"taxpayers": taxpayers, "charges": charges, "payments": payments}
    result = await session.execute(text(_PAYMENTS), params)
    return int(result.rowcount)  # type: ignore[attr-defined]


# Each query counts rows that break an invariant; every one must be 0 after a run.
CHECKS = {
    "payments whose allocations + unallocated ≠ amount": """
        SELECT count(*) FROM payment AS p
        LEFT JOIN (SELECT payment_id, sum(amount) AS s FROM payment_allocation GROUP BY payment_id) AS a
            ON a.payment_id = p.id
        WHERE p.amount <> coalesce(a.s, 0) + p.unallocated""",
    "payments with negative unallocated, a status that does not match it, or still waiting": """
        SELECT count(*) FROM payment
        WHERE unallocated < 0 OR status = 'unallocated' AND taxpayer_id IS NOT NULL
            OR status = 'allocated' AND unallocated <> 0 OR status = 'credit' AND unallocated = 0""",
    "charge lines paid beyond what they owe (tax or fine, net of reductions)": """
        WITH owed AS (
            SELECT taxpayer_id, kind, tax_type, sub_item, period, sum(amount) AS owed
            FROM account_charge GROUP BY taxpayer_id, kind, tax_type, sub_item, period
        ), paid AS (
            SELECT c.taxpayer_id, c.kind, c.tax_type, c.sub_item, c.period, sum(a.amount) AS paid
            FROM payment_allocation AS a JOIN account_charge AS c ON c.id = a.charge_id AND a.component = c.kind
            GROUP BY c.taxpayer_id, c.kind, c.tax_type, c.sub_item, c.period
        )
        SELECT count(*) FROM paid JOIN owed USING (taxpayer_id, kind, tax_type, sub_item, period)
        WHERE paid.paid > greatest(owed.owed, 0)""",
    "charges paid beyond their own amount": """
        SELECT count(*) FROM (
            SELECT c.id FROM payment_allocation AS a JOIN account_charge AS c ON c.id = a.charge_id
            WHERE a.component = c.kind GROUP BY c.id, c.amount HAVING sum(a.amount) > greatest(c.amount, 0)
        ) AS over""",
    "allocations of interest to a fine, or of a component foreign to the charge": """
        SELECT count(*) FROM payment_allocation AS a JOIN account_charge AS c ON c.id = a.charge_id
        WHERE NOT (a.component = c.kind OR (a.component = 'interest' AND c.kind = 'tax'))""",
    "allocations dated otherwise than their payment, or under another taxpayer": """
        SELECT count(*) FROM payment_allocation AS a JOIN payment AS p ON p.id = a.payment_id
        WHERE a.paid_on <> p.paid_on OR a.taxpayer_id <> p.taxpayer_id""",
}


async def failed_checks(session: AsyncSession) -> dict[str, int]:
    """Each invariant with the number of rows breaking it (all 0 when the run was right)."""
    return {name: int(await session.scalar(text(sql)) or 0) for name, sql in CHECKS.items()}


async def summary(session: AsyncSession) -> list[str]:
    """Lines describing the payments and allocations as they stand."""
    lines = []
    for status, count, amount, left in await session.execute(
        text(
            "SELECT status, count(*), sum(amount)::bigint, sum(unallocated)::bigint FROM payment GROUP BY status ORDER BY status"
        )
    ):
        lines.append(f"payments {status}: {count:,} ({amount:,} đ, {left:,} đ unallocated)")
    for component, count, amount in await session.execute(
        text(
            "SELECT component, count(*), sum(amount)::bigint FROM payment_allocation GROUP BY component ORDER BY component"
        )
    ):
        lines.append(f"allocations to {component}: {count:,} rows, {amount:,} đ")
    return lines
