"""Request and response types of the jobs API."""

import datetime
from typing import Annotated

from msgspec import Meta, Struct

from taxoffice.jobruns.models import JobRun


class JobRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    """Run a job now, for a date (default: today in Hanoi)."""

    name: Annotated[str, Meta(min_length=1, max_length=40)]
    as_of: datetime.date | None = None


class JobRunRead(Struct, kw_only=True):
    """A recorded run of a job."""

    id: int
    name: str
    as_of: datetime.date
    status: str
    requested_by: str
    origin: str
    job_key: str | None
    queued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    counts: dict[str, int] | None
    error: str | None
    attempt: int

    @classmethod
    def of(cls, run: JobRun) -> "JobRunRead":
        """The response for ``run``."""
        return cls(
            id=run.id,
            name=run.name,
            as_of=run.as_of,
            status=run.status,
            requested_by=run.requested_by,
            origin=run.origin,
            job_key=run.job_key,
            queued_at=run.queued_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            counts=run.counts,
            error=run.error,
            attempt=run.attempt,
        )
