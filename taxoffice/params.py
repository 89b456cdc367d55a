"""Bounds on what the HTTP API reads from paths and query strings, shared by every controller.

Out-of-range input is the caller's mistake and answers a 4xx problem: a number the database cannot hold never
reaches it (asyncpg refuses it with an error that would otherwise be a 500).
"""

from typing import Annotated, Any

from litestar import Request
from litestar.params import Parameter

from taxoffice.errors import ResourceNotFoundError
from taxoffice.validity import ID_MAX, id_in_range

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

    Raises:
        ResourceNotFoundError: an ``{…:int}`` path parameter outside the database's BIGINT range.
    """
    for name, value in request.path_params.items():
        if isinstance(value, int) and not id_in_range(value):
            msg = f"Nothing has the {name.replace('_', ' ')} {value}."
            raise ResourceNotFoundError(msg)
