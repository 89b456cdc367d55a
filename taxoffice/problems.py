"""Every error becomes an RFC 9457 ``application/problem+json`` response, mapped once here."""

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy.exc import IntegrityError

from taxoffice.errors import ConflictError, DomainError
from taxoffice.outage import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger("taxoffice")
MEDIA_TYPE = "application/problem+json"
_HTTP_CODES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "body-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
}


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
) -> Response[dict[str, Any]]:
    """A problem response."""
    body: dict[str, Any] = {"type": f"urn:taxoffice:problem:{code}", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    """Domain errors raised by services."""
    errors = [{"field": e.field, "code": e.code, "message": e.message} for e in exc.errors]
    return problem(
        exc.status, exc.code, exc.title, exc.detail, errors=errors, headers=exc.headers, instance=request.url.path
    )


def _validation_errors(extra: object) -> list[dict[str, str]]:
    items = extra if isinstance(extra, list) else []
    errors = []
    for item in items:
        if isinstance(item, dict):
            field = str(item.get("key") or item.get("source") or "body")
            errors.append({"field": field, "code": "invalid", "message": str(item.get("message", "invalid"))})
    return errors


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    """Litestar's own errors: validation, authentication, routing, size limits."""
    status = exc.status_code
    if isinstance(exc, ValidationException):
        errors = _validation_errors(exc.extra) or [{"field": "body", "code": "invalid", "message": exc.detail}]
        return problem(400, "invalid-request", "Invalid request", exc.detail, errors=errors, instance=request.url.path)
    code = _HTTP_CODES.get(status, "http-error")
    title = code.replace("-", " ").capitalize()
    return problem(status, code, title, exc.detail, headers=exc.headers, instance=request.url.path)


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """A bug: logged with its traceback, answered without internals; the database out of reach: a 503 to retry."""
    if database_unavailable(exc):
        # The first line only: a driver's message goes on with the statement and its parameters (taxpayers' data).
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, reason)
        return problem(
            HTTP_503_SERVICE_UNAVAILABLE,
            "database-unavailable",
            "Service unavailable",
            "The database cannot be reached right now (restarting, or every connection busy): nothing was "
            f"lost; send the same request again in {RETRY_AFTER_SECONDS} s, with the same Idempotency-Key.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            instance=request.url.path,
        )
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal-error",
        "Internal error",
        "Something went wrong on our side; it has been logged.",
    )


def integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[dict[str, Any]]:
    """A constraint of the database refused the change (a race a service did not settle): a 409, nothing saved.

    The driver's message names the constraint, the statement and its values (taxpayers' data): it goes to the log
    only, its first line, and the answer says no more than what happened.
    """
    reason = f"{type(exc.orig).__name__}: {str(exc.orig).splitlines()[0] if str(exc.orig) else ''}"[:300]
    logger.warning("integrity error on %s %s: %s", request.method, request.url.path, reason)
    return problem(
        HTTP_409_CONFLICT,
        ConflictError.code,
        ConflictError.title,
        "The change conflicts with data stored meanwhile (a value that must be unique, or a record it refers to); "
        "nothing was saved. Read the current state and send the request again if it still applies.",
        instance=request.url.path,
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error,
    IntegrityError: integrity_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
