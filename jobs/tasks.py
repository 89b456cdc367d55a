"""Job functions: thin, primitive arguments (arq pickles them), one service call each, counts returned.

The same functions run under arq (``taxoffice worker``) and in-process (the embedded default, ``jobs run``).
``ctx["session_factory"]`` is an ``async_sessionmaker``; ``ctx["settings"]`` the settings.
"""

import datetime
from typing import Any

from registry.services import TaxpayerService
from taxoffice.auth.roles import Principal


def _as_of(value: str | None) -> datetime.date:
    from taxoffice.calendar import today_vn  # noqa: PLC0415 - "today" is read at the edge only

    return datetime.date.fromisoformat(value) if value else today_vn()


async def resume_suspensions(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:
    """Return taxpayers whose temporary suspension (status 05) has ended to status 00."""
    day = _as_of(as_of)
    async with ctx["session_factory"]() as session:
        resumed = await TaxpayerService(session).resume_suspensions(Principal.system("resume-suspensions"), day)
        await session.commit()
    return {"resumed": resumed}


# Job name (CLI, API) → function.
TASKS = {
    "resume-suspensions": resume_suspensions,
}
