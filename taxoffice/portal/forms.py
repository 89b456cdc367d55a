"""Reading an HTML form: the body as a browser posts it."""

import re
from typing import Annotated, Any, TypeVar

import msgspec
from litestar.enums import RequestEncodingType
from litestar.params import Body

from taxoffice.errors import FieldError, ValidationFailedError

T = TypeVar("T")

# ``data: Form[LoginForm]`` reads ``application/x-www-form-urlencoded`` into the dataclass.
Form = Annotated[T, Body(media_type=RequestEncodingType.URL_ENCODED)]
# ``data: Upload[FilingUpload]`` reads ``multipart/form-data`` (a form with a file).
Upload = Annotated[T, Body(media_type=RequestEncodingType.MULTI_PART)]


def safe_next(target: str | None, default: str) -> str:
    """Where to go after a form: a path on this site only (never ``//host`` or a full URL), else ``default``."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


_AT = re.compile(r" - at `\$\.?([^`]*)`$")


def convert(values: dict[str, Any], kind: type[T]) -> T:
    """A form's ``values`` as the API's request type ``kind``, checked by the same rules (a 422 naming the field)."""
    try:
        return msgspec.convert(values, kind, str_keys=True)
    except msgspec.ValidationError as exc:
        text = str(exc)
        match = _AT.search(text)
        field = match.group(1).replace("[", ".").replace("]", "") if match else "form"
        message = _AT.sub("", text)
        raise ValidationFailedError(f"{field}: {message}", errors=[FieldError(field, "invalid", message)]) from exc


def field_errors(errors: list[Any]) -> dict[str, str]:
    """A domain error's field errors by field name, to show beside the fields."""
    return {str(e.field): str(e.message) for e in errors}
