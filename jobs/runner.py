"""Running jobs now, in this process (the CLI and the embedded default)."""

import datetime
from typing import Any

from jobs.tasks import TASKS
from taxoffice.auth.roles import Principal
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.errors import ResourceNotFoundError


async def run_job_now(settings: Settings, name: str, as_of: datetime.date | None, actor: Principal) -> dict[str, Any]:
    """Run job ``name`` for ``as_of`` and return its counts."""
    task = TASKS.get(name)
    if task is None:
        msg = f"No job is called {name!r}; known jobs: {', '.join(sorted(TASKS))}."
        raise ResourceNotFoundError(msg)
    engine = create_engine(settings)
    try:
        ctx: dict[str, Any] = {"settings": settings, "session_factory": create_session_factory(engine), "actor": actor}
        return await task(ctx, as_of.isoformat() if as_of else None)
    finally:
        await engine.dispose()
