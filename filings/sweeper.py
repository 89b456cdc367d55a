"""The ``decide-received`` job: decide every return whose decision was interrupted.

A receipt is committed before its decision (``FilingService.receive``), so a crash or a database outage in
between leaves it ``received``. A replay with the same Idempotency-Key decides it; this job decides the ones
nobody replays: every return ``received`` for longer than ``GRACE`` (a live request decides within milliseconds),
through the same checks and decision as filing (``filings.settling.settle``). Idempotent: a return already decided
is left as it is, and one decided meanwhile by a replay keeps that decision.
"""

import datetime
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from filings.models import TaxReturn
from filings.services import FilingService
from filings.settling import settle, stored
from filings.vocabulary import ReturnStatus
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError

logger = logging.getLogger("taxoffice.filings")

# How long a return may stay received before the sweeper decides it (its own request is still deciding it).
GRACE = datetime.timedelta(minutes=1)
# Returns decided by one run at most (the next run takes the rest).
MAX_PER_RUN = 10_000


@dataclass
class SweepCounts:
    """What a run did."""

    found: int = 0
    accepted: int = 0
    rejected: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        """Counts for the job record."""
        return dict(vars(self))


async def decide_received(
    factory: async_sessionmaker[AsyncSession],
    *,
    now: datetime.datetime,
    grace: datetime.timedelta = GRACE,
    limit: int = MAX_PER_RUN,
) -> SweepCounts:
    """Decide every return received before ``now - grace`` and still undecided; one transaction per return."""
    counts = SweepCounts()
    actor = Principal.system("decide-received")
    async with factory() as session:
        query = (
            select(TaxReturn.id)
            .where(TaxReturn.status == ReturnStatus.RECEIVED, TaxReturn.received_at < now - grace)
            .order_by(TaxReturn.id)
            .limit(limit)
        )
        ids = list(await session.scalars(query))
    counts.found = len(ids)
    for return_id in ids:
        async with factory() as session:
            filings = FilingService(session, AccountService(session))
            try:
                ret = await settle(
                    filings, actor, await stored(session, return_id), await filings.working_calendar(), now
                )
            except DomainError:
                # Cannot happen to bytes once received; kept visible (logged, counted) and the rest goes on.
                logger.exception("return %s could not be decided", return_id)
                await session.rollback()
                counts.failed += 1
                continue
            await session.commit()
        if ret.status == ReturnStatus.ACCEPTED:
            counts.accepted += 1
        elif ret.status != ReturnStatus.RECEIVED:
            counts.rejected += 1
    return counts
