"""HTTP routes of the background jobs: run one now, see its recorded runs (admins)."""

import datetime
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_202_ACCEPTED

from taxoffice.auth.guards import ADMINS
from taxoffice.auth.roles import Principal
from taxoffice.jobruns.models import JobStatus
from taxoffice.jobruns.schemas import JobRequest, JobRunRead
from taxoffice.jobruns.services import JobDispatcher, JobRunService
from taxoffice.openapi import problems


class JobController(Controller):
    """Background jobs and their recorded runs."""

    path = "/jobs"
    tags = ["jobs"]  # noqa: RUF012 - Litestar reads a plain list
    guards = [ADMINS]  # noqa: RUF012 - Litestar reads a plain list

    @post("/", operation_id="requestJob", status_code=HTTP_202_ACCEPTED, responses=problems(404))  # unknown job
    async def request(
        self,
        data: JSONBody[JobRequest],
        job_runs: NamedDependency[JobRunService],
        job_dispatcher: NamedDependency[JobDispatcher],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        now: NamedDependency[datetime.datetime],
    ) -> Response[JobRunRead]:
        """Run a job now: the run is recorded (queued) and dispatched once that record is committed."""
        run = await job_runs.queue(
            actor, data.name, data.as_of or today, known=job_dispatcher.names, origin="api", now=now
        )
        return Response(
            JobRunRead.of(run),
            status_code=HTTP_202_ACCEPTED,
            background=BackgroundTask(job_dispatcher.dispatch, run.id, run.name, run.as_of),
        )

    @get("/{run_id:int}", operation_id="getJobRun")
    async def get_run(self, run_id: FromPath[int], job_runs: NamedDependency[JobRunService]) -> JobRunRead:
        """One recorded run: status, counts, error."""
        return JobRunRead.of(await job_runs.get(run_id))

    @get("/", operation_id="listJobRuns")
    async def list_runs(
        self,
        job_runs: NamedDependency[JobRunService],
        name: FromQuery[str | None] = None,
        status: FromQuery[JobStatus | None] = None,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=500)]] = 100,
    ) -> list[JobRunRead]:
        """Recorded runs, newest first."""
        return [JobRunRead.of(r) for r in await job_runs.search(name=name, status=status, limit=limit)]


ROUTES = [JobController]
