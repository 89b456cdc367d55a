"""Recorded job runs: one row per run of a background job, wherever it ran."""

import datetime
from enum import StrEnum
from typing import Any

from advanced_alchemy.mixins import IdentityPrimaryKey
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Base, JsonB


class JobStatus(StrEnum):
    """Where a run is: queued → running → succeeded | failed."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(Base, IdentityPrimaryKey):
    """One run of a job for one ``as_of`` date; every attempt (a retry after a crash) updates it."""

    __tablename__ = "job_run"
    __table_args__ = (
        Index("ix_job_run_name_status", "name", "status"),
        Index("ix_job_run_queued_at", "queued_at"),
    )

    name: Mapped[str] = mapped_column(String(40))
    as_of: Mapped[datetime.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[str] = mapped_column(String(80))
    # How it was requested ("api", "cli", "schedule"), and the queue's job id when it ran through arq.
    origin: Mapped[str] = mapped_column(String(16))
    job_key: Mapped[str | None] = mapped_column(String(120), index=True)
    queued_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    started_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    counts: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    error: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    # A partitioned run (docs/operations.md): its whole run has ``parts`` set and no ``part``; each of its
    # partitions has ``part`` (0 … parts - 1), ``parts`` and ``parent_id`` (the whole run). Unpartitioned: all None.
    parts: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[int | None] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("job_run.id", ondelete="CASCADE"), index=True)


class JobOutbox(Base, IdentityPrimaryKey):
    """A requested run not yet started: written with the run, deleted when it starts (``JobRunService.start``).

    Rows are queued to Redis after the commit and again, idempotently (the arq job id is ``name:as_of``), by the
    relay (``jobs/outbox.py``) until the run starts: a run requested while Redis was down, or lost with Redis's
    memory, is queued when Redis answers again.
    """

    __tablename__ = "job_outbox"

    run_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("job_run.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    as_of: Mapped[datetime.date] = mapped_column(Date)
    requested_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    # When it was last put in the queue (None: never, so a queue that already holds the key holds another run's).
    enqueued_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
