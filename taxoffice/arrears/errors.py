"""Errors of the arrears worklist; the app maps them to RFC 9457 problems through their base classes."""

from taxoffice.errors import ConflictError, FieldError, ResourceNotFoundError, ValidationFailedError


class CaseNotFoundError(ResourceNotFoundError):
    """No case with that id, or one of another tax office than the officer's."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"No arrears case {case_id}.")


class NoticeNotFoundError(ResourceNotFoundError):
    """No debt notice with that id for that taxpayer (or not one the caller may see)."""

    def __init__(self, notice_id: int) -> None:
        super().__init__(f"No debt notice {notice_id}.")


class CaseClosedError(ConflictError):
    """The case is closed: nothing more is recorded on it."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"Arrears case {case_id} is closed; a new debt opens a new case.")


class ActionInvalidError(ValidationFailedError):
    """An action that cannot be recorded as sent: a missing channel, a plan that breaks the rules …."""

    def __init__(self, detail: str, errors: list[FieldError]) -> None:
        super().__init__(detail, errors=errors)


class OfficerNotInOfficeError(ValidationFailedError):
    """The officer a case is given to is not an active officer of the case's tax office."""

    def __init__(self, officer_id: int, tax_office: str) -> None:
        super().__init__(
            f"User {officer_id} is not an active officer of tax office {tax_office}.",
            errors=[FieldError("officer_id", "officer.not_in_office", f"Choose an officer of {tax_office}.")],
        )


class NoOfficersError(ValidationFailedError):
    """Auto-assignment for a tax office that has no active officer."""

    def __init__(self, tax_office: str) -> None:
        super().__init__(
            f"Tax office {tax_office} has no active officer to give cases to.",
            errors=[FieldError("tax_office", "office.no_officers", "Create officers of this office first.")],
        )


def bad_query(field: str, code: str, message: str) -> ValidationFailedError:
    """A query parameter that is well-formed but wrong (reversed range, bad cursor …)."""
    return ValidationFailedError(message, errors=[FieldError(field, code, message)])
