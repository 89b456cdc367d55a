"""Bounds on what the HTTP API reads from paths and query strings, shared by every controller.

Out-of-range input is the caller's mistake and answers a 4xx problem: a number the database cannot hold never
reaches it (asyncpg refuses it with an error that would otherwise be a 500), nor does text with a NUL character
(``validity.nul_at``), whether it comes in the path, the query string or a JSON body (``OfficeRequest``).
"""

from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.params import Parameter

from taxoffice.errors import ResourceNotFoundError
from taxoffice.validity import ID_MAX, id_in_range, refuse_nul

# A page of results: at least one row, at most 200.
PAGE_MAX = 200
PageLimit = Annotated[int, Parameter(ge=1, le=PAGE_MAX)]
# A keyset cursor (the last id seen) and an id used as a filter.
Cursor = Annotated[int | None, Parameter(ge=0, le=ID_MAX)]
IdFilter = Annotated[int | None, Parameter(ge=1, le=ID_MAX)]
# A tax year: the office keeps 2000 to 2100 (``taxoffice.validity``).
YEAR_MIN, YEAR_MAX = 2000, 2100
Year = Annotated[int, Parameter(ge=YEAR_MIN, le=YEAR_MAX)]
OptionalYear = Annotated[int | None, Parameter(ge=YEAR_MIN, le=YEAR_MAX)]


async def check_path_ids(request: Request[Any, Any, Any]) -> None:
    """Every route's hook: an integer path parameter no row can have is not found (404), before any work.

    Text with a NUL character, in the path or the query string, is refused (422) just as early.

    Raises:
        ResourceNotFoundError: an ``{…:int}`` path parameter outside the database's BIGINT range.
    """
    for name, value in request.path_params.items():
        if isinstance(value, int) and not id_in_range(value):
            msg = f"Nothing has the {name.replace('_', ' ')} {value}."
            raise ResourceNotFoundError(msg)
        refuse_nul(value, name)
    for name, text in request.query_params.multi_items():
        refuse_nul(text, name)


class OfficeRequest(Request[Any, Any, Any]):
    """The app's requests: a JSON body or a form with a NUL character anywhere in its text is refused (422)."""

    async def json(self) -> Any:  # noqa: ANN401 - a JSON document, whatever its shape
        """The decoded JSON body, refused if any of its text (keys included) holds a NUL character."""
        value = await super().json()
        refuse_nul(value)
        return value

    async def form(self) -> FormMultiDict:
        """The decoded form (a page's form or an upload), refused if a field's text holds a NUL character."""
        form = await super().form()
        for name, value in form.multi_items():
            if isinstance(value, str):
                refuse_nul(value, name)
        return form
