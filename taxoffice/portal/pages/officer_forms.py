"""What the officers' forms share: a form read into the API's request type, and its errors shown beside fields."""

import re
from typing import Any, TypeVar

import msgspec

from taxoffice.errors import DomainError, FieldError, ValidationFailedError
from taxoffice.portal.forms import field_errors

S = TypeVar("S")
_AT = re.compile(r"at `\$\.([^`]+)`")


def as_request(kind: type[S], values: dict[str, Any], *, strict: bool = True) -> S:
    """``values`` checked as the API checks its body of type ``kind`` (lengths, ranges, enumerations).

    ``strict=False`` reads numbers and booleans from text, as a query string gives them.

    Raises:
        ValidationFailedError: the first bad field, named.
    """
    try:
        return msgspec.convert(values, kind, strict=strict, str_keys=True)
    except msgspec.ValidationError as exc:
        match = _AT.search(str(exc))
        field = match.group(1) if match else ""
        raise ValidationFailedError(str(exc), errors=[FieldError(field, "invalid", str(exc))]) from exc


def failure(exc: DomainError) -> dict[str, Any]:
    """A refused form's context: the problem's words, and each field's message by field name."""
    return {"error": exc.detail, "errors": field_errors(exc.errors)}
