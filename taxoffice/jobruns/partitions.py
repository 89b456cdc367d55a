"""Partitioned runs in ``job_run``: a whole run and its partitions, complete only when every partition is.

A job that can be split runs for one day as ``parts`` partitions (``taxoffice.partition``: taxpayer id modulo
``parts``), each a queued job of its own that any worker may take. The whole run's row (``parts`` set, no
``part``) is ``running`` from the split until the last partition succeeds; then, in one transaction under the
whole run's row lock, the job's closing step runs (the day's arrears stock, for flag-arrears) and the whole run
succeeds with the partitions' counts summed. A partition that fails, or whose worker was killed, is run again
(arq's retry, or ``unfinished`` to queue the rest again); partitions are idempotent, and the whole run waits.
"""

import datetime
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth import audit
from taxoffice.auth.roles import Principal
from taxoffice.errors import ConflictError
from taxoffice.jobruns.models import JobRun, JobStatus


class PartitionedRunBusyError(ConflictError):
    """A partitioned run of the job is still running: a second would share its taxpayers."""

    code = "partitioned-run-busy"
    title = "Partitioned run still running"


def part_key(name: str, as_of: datetime.date, whole_id: int, part: int, parts: int) -> str:
    """The queue's job id of one partition: unique to its whole run, so a retry of it finds the same run."""
    return f"{name}:{as_of.isoformat()}:{whole_id}:{part + 1}/{parts}"


class PartitionedRuns:
    """Splitting a run into partitions, and completing it when they have all succeeded."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def split(
        self,
        actor: Principal,
        name: str,
        as_of: datetime.date,
        parts: int,
        *,
        origin: str,
        now: datetime.datetime,
    ) -> tuple[JobRun, list[JobRun]]:
        """Record the whole run (running) and its ``parts`` partitions (queued), with the audit entry."""
        busy = await self.session.scalar(
            select(JobRun.id)
            .where(JobRun.name == name, JobRun.part.is_(None), JobRun.parts.is_not(None))
            .where(JobRun.status == JobStatus.RUNNING.value)
            .limit(1)
        )
        if busy is not None:
            msg = f"Partitioned run {busy} of {name} is still running; finish it (its partitions) first."
            raise PartitionedRunBusyError(msg)
        common: dict[str, Any] = {"name": name, "as_of": as_of, "requested_by": actor.username, "origin": origin}
        whole = JobRun(**common, status=JobStatus.RUNNING.value, queued_at=now, started_at=now, attempt=1, parts=parts)
        self.session.add(whole)
        await self.session.flush()
        partitions = [
            JobRun(
                **common,
                status=JobStatus.QUEUED.value,
                queued_at=now,
                attempt=0,
                parts=parts,
                part=part,
                parent_id=whole.id,
                job_key=part_key(name, as_of, whole.id, part, parts),
            )
            for part in range(parts)
        ]
        self.session.add_all(partitions)
        await self.session.flush()
        data = {"name": name, "as_of": as_of.isoformat(), "parts": parts}
        await audit.record(self.session, actor, "job.requested", "job_run", whole.id, data)
        return whole, partitions

    async def partitions(self, whole_id: int) -> list[JobRun]:
        """The partitions of whole run ``whole_id``, in order, read afresh."""
        query = (
            select(JobRun)
            .where(JobRun.parent_id == whole_id)
            .order_by(JobRun.part)
            .execution_options(populate_existing=True)
        )
        return list(await self.session.scalars(query))

    async def unfinished(self, whole_id: int) -> list[JobRun]:
        """The partitions of ``whole_id`` that have not succeeded (to queue again after a lost worker)."""
        return [run for run in await self.partitions(whole_id) if run.status != JobStatus.SUCCEEDED.value]

    async def completed(self, whole_id: int) -> tuple[JobRun, dict[str, int]] | None:
        """Whole run ``whole_id``, locked, with its partitions' summed counts, if they all succeeded and it has not.

        The caller runs the job's closing step and finishes the whole run in this transaction; two partitions
        ending at once wait for each other on the lock, and only the first finds the run to complete.
        """
        query = select(JobRun).where(JobRun.id == whole_id).with_for_update().execution_options(populate_existing=True)
        whole = await self.session.scalar(query)
        if whole is None or whole.status == JobStatus.SUCCEEDED.value or whole.parts is None:
            return None
        partitions = await self.partitions(whole_id)
        done = [run for run in partitions if run.status == JobStatus.SUCCEEDED.value]
        if len(done) < whole.parts:
            return None
        total: Counter[str] = Counter()
        for run in done:
            total.update(run.counts or {})
        return whole, dict(total)
