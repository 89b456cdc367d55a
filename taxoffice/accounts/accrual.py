"""The accrue-interest job: late-payment interest on every tax charge as of a day, kept for reports and arrears.

Set-based in batches of taxpayers; running it again for the same day rewrites the same figures (idempotent).
"""

import datetime
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.interest import Pause
from taxoffice.accounts.ledger import AllocationRow, ChargeRow, Ledger
from taxoffice.accounts.ledger_batch import load_batch
from taxoffice.accounts.models import Charge, InterestAccrual
from taxoffice.accounts.reconcile import BATCH_TAXPAYERS, SETTLING_ERRORS
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.clock import Clock, utc_now
from taxoffice.fastpaths import upsert_rows
from taxoffice.partition import Partition

logger = logging.getLogger(__name__)
_COLUMNS = ("charge_id", "taxpayer_id", "as_of", "accrued", "outstanding", "created_at", "updated_at")
_REWRITTEN = ("as_of", "accrued", "outstanding", "updated_at")


@dataclass
class AccrualCounts:
    """What a run did."""

    taxpayers: int = 0
    charges: int = 0
    interest_outstanding: int = 0
    set_aside: int = 0

    def as_dict(self) -> dict[str, int]:
        """Counts for the job record."""
        return dict(vars(self))


def _accruals(
    charges: list[ChargeRow],
    allocations: list[AllocationRow],
    pauses: Sequence[Pause],
    as_of: datetime.date,
    waivers: Mapping[int, int] | None = None,
) -> list[tuple[int, int, int]]:
    """One taxpayer's interest: (charge id, accrued, still unpaid) for each charge bearing interest.

    Interest waived by a write-off (``waivers``) is no longer outstanding.
    """
    rows: list[tuple[int, int, int]] = []
    for state in Ledger.build(charges, allocations, pauses=pauses, waivers=waivers).charges:
        if state.bears_interest:
            accrued = state.interest_accrued(as_of)
            outstanding = max(accrued - state.paid[ChargeKind.INTEREST] - state.waived, 0)
            rows.append((state.row.id, accrued, outstanding))
    return rows


async def accrue_interest(
    session_factory: async_sessionmaker[AsyncSession],
    as_of: datetime.date,
    *,
    batch_size: int = BATCH_TAXPAYERS,
    partition: Partition | None = None,
    clock: Clock = utc_now,
) -> AccrualCounts:
    """Interest accrued and still unpaid on every tax charge (of ``partition``'s taxpayers), as if paid on ``as_of``.

    Each batch's rows are upserted by one statement (``taxoffice.fastpaths.upsert_rows``), stamped by ``clock``.
    """
    counts = AccrualCounts()
    after = 0
    while True:
        async with session_factory() as session:
            query = (
                select(Charge.taxpayer_id)
                .where(Charge.kind == ChargeKind.TAX.value, Charge.taxpayer_id > after)
                .distinct()
                .order_by(Charge.taxpayer_id)
                .limit(batch_size)
            )
            if partition is not None:
                query = query.where(partition.holds(Charge.taxpayer_id))
            ids = list(await session.scalars(query))
            if not ids:
                return counts
            after = ids[-1]
            batch = await load_batch(session, ids, with_payments=False)
            rows: list[tuple[Any, ...]] = []
            now = clock()
            for taxpayer_id in ids:
                try:
                    own = _accruals(
                        batch.charges.get(taxpayer_id, []),
                        batch.allocations.get(taxpayer_id, []),
                        batch.pauses.get(taxpayer_id, ()),
                        as_of,
                        batch.waivers.get(taxpayer_id),
                    )
                except SETTLING_ERRORS as exc:
                    # Legacy data the ledger cannot settle (a charge older than any known rate …): this taxpayer is
                    # set aside, with its reason in the log and the count in the run's result; the rest go on.
                    counts.set_aside += 1
                    logger.warning(
                        "accrue-interest set aside taxpayer %s: %s: %s", taxpayer_id, type(exc).__name__, exc
                    )
                    continue
                for charge_id, accrued, outstanding in own:
                    rows.append((charge_id, taxpayer_id, as_of, accrued, outstanding, now, now))
                    counts.interest_outstanding += outstanding
                counts.taxpayers += 1
            counts.charges += len(rows)
            table = cast("Table", InterestAccrual.__table__)
            await upsert_rows(await session.connection(), table, ("charge_id",), _COLUMNS, rows, _REWRITTEN)
            await session.commit()
