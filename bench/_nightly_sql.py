"""The machine's own limit for each nightly step: one plain SQL pass over the rows the step reads.

Each statement reads the same tables as its job and nets them in one SELECT (no rule applied, nothing written):
what PostgreSQL alone takes to read and sum those rows on this machine, measured in the same run.
"""

import datetime
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_PAID = "SELECT charge_id, sum(amount) AS paid FROM payment_allocation WHERE paid_on <= :day GROUP BY charge_id"
# Waiting money netted against what the same taxpayers owe (reconcile-payments).
_RECONCILE = """
WITH waiting AS (
    SELECT taxpayer_id, sum(unallocated) AS money FROM payment
    WHERE unallocated > 0 AND status IN ('unallocated', 'credit') AND taxpayer_id IS NOT NULL GROUP BY taxpayer_id
), owed AS (
    SELECT c.taxpayer_id, sum(greatest(c.amount - coalesce(a.paid, 0), 0)) AS owed
    FROM account_charge c JOIN waiting w ON w.taxpayer_id = c.taxpayer_id
    LEFT JOIN (PAID) a ON a.charge_id = c.id GROUP BY c.taxpayer_id
)
SELECT count(*), coalesce(sum(least(w.money, coalesce(o.owed, 0))), 0) FROM waiting w LEFT JOIN owed o USING (taxpayer_id)
"""
# 0.03 % a day of every tax charge's unpaid amount since its deadline (accrue-interest).
_INTEREST = """
SELECT count(*), coalesce(sum(greatest(c.amount - coalesce(a.paid, 0), 0) * 3 * greatest(:day - c.due_on - 1, 0)
    / 10000), 0)
FROM account_charge c LEFT JOIN (PAID) a ON a.charge_id = c.id WHERE c.kind = 'tax'
"""
# Every taxpayer's overdue amount: charges due before the day less what was applied to them (flag-arrears).
_NETTING = """
SELECT count(*), coalesce(sum(owed), 0) FROM (
    SELECT c.taxpayer_id, sum(greatest(c.amount - coalesce(a.paid, 0), 0)) AS owed
    FROM account_charge c LEFT JOIN (PAID) a ON a.charge_id = c.id
    WHERE c.due_on < :day GROUP BY c.taxpayer_id
) t WHERE owed > 0
"""
# The four reports' sums: collections by month and tax type, returns by form and period, registrations by month,
# the arrears stock by bucket (monthly-reports).
_REPORTS = """
SELECT count(*), coalesce(sum(total), 0) FROM (
    SELECT sum(amount) AS total FROM collection_day WHERE day <= :day GROUP BY date_trunc('month', day), tax_type
    UNION ALL SELECT count(*) FROM tax_return WHERE status = 'accepted' GROUP BY form_code, period
    UNION ALL SELECT count(*) FROM taxpayer GROUP BY date_trunc('month', registered_on), kind
    UNION ALL SELECT sum(amount) FROM arrears_stock GROUP BY as_of, bucket
) t
"""
LIMITS = {
    name: sql.replace("(PAID)", f"({_PAID})")
    for name, sql in {
        "reconcile-payments": _RECONCILE,
        "accrue-interest": _INTEREST,
        "flag-arrears": _NETTING,
        "monthly-reports": _REPORTS,
    }.items()
}


async def plain_pass(engine: AsyncEngine, name: str, day: datetime.date) -> tuple[float, tuple[int, int]]:
    """Run step ``name``'s plain SQL pass once (after one warming run); its seconds and (rows, sum)."""
    async with engine.connect() as conn:
        await conn.execute(text("SET work_mem = '256MB'"))
        await conn.execute(text(LIMITS[name]), {"day": day})
        began = time.perf_counter()
        rows, total = (await conn.execute(text(LIMITS[name]), {"day": day})).one()
        return time.perf_counter() - began, (int(rows), int(total))
