"""Errors of the registry; the app maps them to RFC 9457 problems through their base classes (taxoffice/errors.py)."""

from taxoffice.errors import ConflictError, ForbiddenError, ResourceNotFoundError


class TaxpayerNotFoundError(ResourceNotFoundError):
    """No taxpayer has the tax code (or the caller may not know one does: a taxpayer sees only its own)."""

    def __init__(self, tax_code: str) -> None:
        super().__init__(f"No taxpayer is registered under {tax_code}.")


class ApplicationNotFoundError(ResourceNotFoundError):
    """No registration application has the number."""

    def __init__(self, number: str) -> None:
        super().__init__(f"No application has the number {number}.")


class ApplicationDecidedError(ConflictError):
    """The application was already approved or rejected."""

    def __init__(self, number: str, status: str) -> None:
        super().__init__(f"Application {number} was already {status}.")


class AlreadyRegisteredError(ConflictError):
    """The tax code or the ID number is registered already."""


class StatusMoveError(ConflictError):
    """The registry does not allow the move between the two statuses (the detail says why)."""


class OtherOfficeError(ForbiddenError):
    """An officer acting on a record of another tax office than their own."""

    def __init__(self, what: str, own_office: str | None, tax_office: str | None) -> None:
        super().__init__(f"Officers act on {what} of their own tax office ({own_office}), not {tax_office}.")
