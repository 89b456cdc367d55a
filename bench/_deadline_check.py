"""After the run: every acknowledged return and payment is stored exactly once, as acknowledged.

Read on the primary. A return is found by its Idempotency-Key (unique per filer, and every key of the run is new):
exactly one row, the receipt's id and transaction code, accepted, its tax charge posted once. A payment is found by
its bank reference: exactly one row, the id and amount answered. Rows the run wrote but never acknowledged (a
request that failed after its commit) are counted too.
"""

from dataclasses import dataclass, field

from sqlalchemy import text

from taxoffice.config import Settings
from taxoffice.db import create_engine

RETURNS = text(
    "SELECT r.idempotency_key, count(*) AS n, min(r.id) AS id, min(r.transaction_code) AS code, "
    "  bool_and(r.status = 'accepted') AS accepted, "
    "  max((SELECT count(*) FROM account_charge c WHERE c.source = 'return:' || r.id AND c.kind = 'tax')) AS charges "
    "FROM tax_return r WHERE r.idempotency_key LIKE :prefix GROUP BY r.idempotency_key"
)
DOUBLED_CODES = text(
    "SELECT count(*) FROM (SELECT transaction_code FROM tax_return WHERE idempotency_key LIKE :prefix "
    "GROUP BY transaction_code HAVING count(*) > 1) doubled"
)
PAYMENTS = text(
    "SELECT bank_ref, count(*) AS n, min(id) AS id, min(amount) AS amount FROM payment "
    "WHERE bank_ref LIKE :prefix GROUP BY bank_ref"
)


@dataclass
class Check:
    """The verdict and the lines that explain it."""

    lines: list[str] = field(default_factory=list)
    failures: int = 0

    @property
    def ok(self) -> bool:
        """Nothing lost, doubled or different from what was acknowledged."""
        return self.failures == 0


def _compare(
    label: str, acknowledged: dict[str, dict[str, object]], stored: dict[str, tuple[int, dict[str, object]]]
) -> tuple[int, str]:
    """Failures and a line: acknowledged rows missing, stored more than once, or not as answered."""
    missing = [key for key in acknowledged if key not in stored]
    doubled = [key for key, (n, _row) in stored.items() if n != 1]
    different = [
        key
        for key, answer in acknowledged.items()
        if key in stored and any(stored[key][1][name] != answer.get(name) for name in stored[key][1])
    ]
    unacknowledged = [key for key in stored if key not in acknowledged]
    failures = len(missing) + len(doubled) + len(different)
    line = (
        f"  {label}: {len(acknowledged):,} acknowledged, {len(stored):,} stored; {len(missing)} missing, "
        f"{len(doubled)} stored more than once, {len(different)} not as acknowledged, {len(unacknowledged)} stored "
        f"but never acknowledged"
    )
    examples = (missing + doubled + different)[:3]
    if examples:
        line += f" (e.g. {', '.join(examples)})"
    return failures, line


async def verify(url: str, acknowledged: dict[str, dict[str, dict[str, object]]], run: str) -> Check:
    """Compare what the server acknowledged with what the primary holds for keys of ``run``."""
    engine = create_engine(Settings(database_url=url))
    prefix = {"prefix": f"{run}-%"}
    try:
        async with engine.connect() as conn:
            returns = (await conn.execute(RETURNS, prefix)).mappings().all()
            doubled_codes = int((await conn.execute(DOUBLED_CODES, prefix)).scalar_one())
            payments = (await conn.execute(PAYMENTS, prefix)).mappings().all()
    finally:
        await engine.dispose()
    check = Check()
    stored_returns = {
        row["idempotency_key"]: (int(row["n"]), {"id": row["id"], "transaction_code": row["code"]}) for row in returns
    }
    acknowledged_returns = {**acknowledged.get("return json", {}), **acknowledged.get("return xml", {})}
    failures, line = _compare("returns (by Idempotency-Key)", acknowledged_returns, stored_returns)
    not_accepted = sum(1 for row in returns if not row["accepted"])
    charged_twice = sum(1 for row in returns if int(row["charges"]) > 1)
    line += f"; {not_accepted} not accepted, {charged_twice} charged twice, {doubled_codes} receipt codes doubled"
    check.failures += failures + not_accepted + charged_twice + doubled_codes
    check.lines.append("exactly once, in the primary:")
    check.lines.append(line)
    stored_payments = {row["bank_ref"]: (int(row["n"]), {"id": row["id"], "amount": row["amount"]}) for row in payments}
    failures, line = _compare(
        "bank payments (by bank reference)", acknowledged.get("bank payment", {}), stored_payments
    )
    check.failures += failures
    check.lines.append(line)
    return check
