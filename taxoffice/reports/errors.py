"""Errors of the reports; mapped through their base classes (taxoffice/errors.py)."""

import datetime
from collections.abc import Iterable

from taxoffice.errors import FieldError, ResourceNotFoundError, RuleViolationError, ValidationFailedError


class ReportParameterError(ValidationFailedError):
    """Parameters that do not make a report: a reversed range, an unknown grouping …."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors), errors=errors)


class NoArrearsRunError(RuleViolationError):
    """No ``flag-arrears`` run on or before the day: there is no stock to report."""

    def __init__(self, day: datetime.date) -> None:
        super().__init__(
            f"No successful flag-arrears run on or before {day}: there is no arrears stock kept for that day."
        )


class UnknownReportError(ResourceNotFoundError):
    """No report by that name."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"No report '{name}'; reports: {', '.join(known)}.")


class ReportFileNotFoundError(ResourceNotFoundError):
    """No kept report file with that id."""

    def __init__(self, file_id: int) -> None:
        super().__init__(f"No report file {file_id}.")
