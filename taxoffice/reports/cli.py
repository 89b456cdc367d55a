"""``taxoffice report NAME``: a report written to a file, as the API gives it; ``taxoffice targets``."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from taxoffice.auth.roles import Principal
from taxoffice.clock import today_vn, utc_now
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory
from taxoffice.reports.models import CollectionTarget
from taxoffice.reports.params import check_query
from taxoffice.reports.schemas import TargetSet
from taxoffice.reports.services import FileFormat, Rendered, ReportService, spec_of


@dataclass(frozen=True)
class ReportOptions:
    """The command line's options, as given."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    period: str = "month"
    group_by: str | None = None
    tax_office: str | None = None
    lang: str = "vi"
    as_of: datetime.date | None = None
    section: str | None = None


async def write_report(
    settings: Settings, name: str, file_format: FileFormat, output: Path, options: ReportOptions
) -> Rendered:
    """Build report ``name`` with ``options`` and write it to ``output``."""
    spec = spec_of(name)
    query = check_query(
        start=options.start,
        end=options.end,
        today=today_vn(),
        grain=options.period,
        group_by=options.group_by,
        allowed=spec.dimensions,
        tax_office=options.tax_office,
        lang=options.lang,
        as_of=options.as_of,
    )
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            rendered = await ReportService(session).render(
                name,
                query,
                file_format,
                Principal.system("report"),
                utc_now(),
                options.section,
            )
    finally:
        await engine.dispose()
    output.write_bytes(rendered.content)  # noqa: ASYNC240 - the command line owns this loop
    return rendered


async def set_target(settings: Settings, target: TargetSet, actor: Principal) -> CollectionTarget:
    """Set (or change) one collection target, as ``PUT /api/v1/reports/targets`` does, and commit."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            kept = await ReportService(session).set_target(
                actor,
                year=target.year,
                tax_office=target.tax_office,
                tax_type=target.tax_type,
                amount=target.amount,
                now=utc_now(),
            )
            await session.commit()
            return kept
    finally:
        await engine.dispose()


async def list_targets(settings: Settings, year: int) -> list[CollectionTarget]:
    """The collection targets of ``year``."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            return await ReportService(session).targets(year)
    finally:
        await engine.dispose()
