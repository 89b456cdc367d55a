"""Domain errors. Services raise only these; the app maps them once to RFC 9457 problems."""

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with one field of the input."""

    field: str
    code: str
    message: str


class DomainError(Exception):
    """Base of every error a service may raise; ``status``, ``code`` and ``title`` shape the problem."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self, detail: str, *, errors: list[FieldError] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class ValidationFailedError(DomainError):
    """Input is well-formed but a field is wrong."""

    status = 422
    code = "validation-failed"
    title = "Invalid input"


class InvalidRequestError(DomainError):
    """The body is readable but has the wrong shape: unknown fields, wrong types."""

    status = 400
    code = "invalid-request"
    title = "Invalid request"


class MalformedInputError(DomainError):
    """The body cannot be read at all (broken JSON or XML, forbidden XML constructs)."""

    status = 400
    code = "malformed-input"
    title = "Malformed input"


class PayloadTooLargeError(DomainError):
    """The body is larger than allowed."""

    status = 413
    code = "body-too-large"
    title = "Body too large"


class RuleViolationError(DomainError):
    """The request breaks a business rule."""

    status = 422
    code = "rule-violation"
    title = "Rule violation"


class ConflictError(DomainError):
    """The request conflicts with the current state."""

    status = 409
    code = "conflict"
    title = "Conflict"


class ResourceNotFoundError(DomainError):
    """Nothing with that identity exists (or the caller may not know it does)."""

    status = 404
    code = "not-found"
    title = "Not found"


class AuthenticationError(DomainError):
    """Credentials missing or wrong."""

    status = 401
    code = "unauthenticated"
    title = "Authentication failed"


class ForbiddenError(DomainError):
    """Authenticated, but not allowed to do this."""

    status = 403
    code = "forbidden"
    title = "Forbidden"


class TooManyAttemptsError(DomainError):
    """Slow down: too many failed attempts."""

    status = 429
    code = "too-many-attempts"
    title = "Too many attempts"
