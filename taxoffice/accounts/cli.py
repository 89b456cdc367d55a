"""The statement import as the command line runs it: committed batch by batch, with a progress bar."""

from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn

from taxoffice.accounts.imports import check_size, import_statement
from taxoffice.accounts.payments import ImportOutcome
from taxoffice.auth.roles import Principal
from taxoffice.clock import today_vn
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory


async def import_file(settings: Settings, path: Path, actor: Principal) -> ImportOutcome:
    """Import ``path``; each batch is committed, so a stopped import can be run again (duplicates are known)."""
    size = path.stat().st_size  # noqa: ASYNC240 - the command line owns this loop; reading the file is its work
    check_size(size, settings)
    engine = create_engine(settings)
    columns = (TextColumn("{task.description}"), BarColumn(), TransferSpeedColumn(), TimeElapsedColumn())
    try:
        async with create_session_factory(engine)() as session:
            with Progress(*columns) as progress, path.open("rb") as stream:
                task = progress.add_task(path.name, total=size)

                async def after_batch(_rows: int) -> None:
                    await session.commit()
                    progress.update(task, completed=min(stream.tell(), size))

                outcome = await import_statement(
                    session, actor, stream, today_vn(), settings, filename=path.name, after_batch=after_batch
                )
            progress.update(task, completed=size)
            return outcome
    finally:
        await engine.dispose()
