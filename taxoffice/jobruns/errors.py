"""Errors of the job-run records."""

from collections.abc import Iterable

from taxoffice.errors import DomainError, FieldError, ResourceNotFoundError


class UnknownJobError(ResourceNotFoundError):
    """No job has that name: the problem lists the ones that exist."""

    code = "unknown-job"
    title = "Unknown job"

    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known))
        super().__init__(
            f"No job is called {name!r}; known jobs: {names}.",
            errors=[FieldError("name", "job.unknown", f"Known jobs: {names}.")],
        )
        self.known = sorted(known)


class JobRunNotFoundError(ResourceNotFoundError):
    """No recorded run has that id."""

    code = "job-run-not-found"
    title = "Job run not found"


class JobFailedError(DomainError):
    """A job run here and now failed (the error is recorded on its run)."""

    status = 500
    code = "job-failed"
    title = "Job failed"
