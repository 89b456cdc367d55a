"""Reading an HTML form: the body as a browser posts it."""

from typing import Annotated, Any, TypeVar

from litestar.enums import RequestEncodingType
from litestar.params import Body

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


def field_errors(errors: list[Any]) -> dict[str, str]:
    """A domain error's field errors by field name, to show beside the fields."""
    return {str(e.field): str(e.message) for e in errors}
