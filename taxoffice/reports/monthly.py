"""The monthly reports: after a month ends, each report for it is generated once and kept for download."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.db import dialect_insert
from taxoffice.errors import RuleViolationError
from taxoffice.reports.catalogue import REPORTS
from taxoffice.reports.models import ReportFile
from taxoffice.reports.params import Grain, ReportQuery
from taxoffice.reports.services import FileFormat, render

# Each report as the month's file shows it: the year to the month's end, month by month, grouped thus.
MONTHLY_GROUPING: dict[str, tuple[str, ...]] = {
    "taxpayer-growth": ("kind",),
    "collections": ("tax_type",),
    "arrears": ("bucket",),
    "compliance": ("form",),
}


@dataclass
class MonthlyCounts:
    """What a run did."""

    generated: int = 0
    already_kept: int = 0
    without_data: int = 0

    def as_dict(self) -> dict[str, int]:
        """Counts for the job record."""
        return dict(vars(self))


def last_month(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last days of the last whole month before ``as_of``."""
    end = as_of.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


def monthly_query(name: str, first: datetime.date, last: datetime.date) -> ReportQuery:
    """The parameters of report ``name`` in the file of the month ``first`` … ``last``."""
    grouping = tuple(d for d in MONTHLY_GROUPING.get(name, ()) if d in REPORTS[name].dimensions)
    return ReportQuery(start=first.replace(month=1), end=last, grain=Grain.MONTH, group_by=grouping, as_of=last)


async def keep_monthly_reports(
    session: AsyncSession,
    as_of: datetime.date,
    *,
    generated_by: str,
    now: datetime.datetime,
    names: Collection[str] | None = None,
) -> MonthlyCounts:
    """Generate and keep (XLSX) every report (of ``names``, default all) of the last month before ``as_of`` not kept yet.

    A report that has nothing to stand on (the arrears report before any flag-arrears run) is counted and
    left for the next run. Each file is committed by the caller with the run.
    """
    first, last = last_month(as_of)
    period = f"{last.year}-{last.month:02d}"
    counts = MonthlyCounts()
    kept = set(
        await session.scalars(
            select(ReportFile.name).where(ReportFile.period == period, ReportFile.file_format == FileFormat.XLSX.value)
        )
    )
    for name, spec in REPORTS.items():
        if names is not None and name not in names:
            continue
        if name in kept:
            counts.already_kept += 1
            continue
        query = monthly_query(name, first, last)
        try:
            report = await spec.build(session, query, generated_by=generated_by, now=now)
        except RuleViolationError:
            counts.without_data += 1
            continue
        rendered = await render(report, FileFormat.XLSX, query, None)
        values = {
            "name": name,
            "period": period,
            "file_format": FileFormat.XLSX.value,
            "parameters": report.parameters,
            "generated_at": now,
            "generated_by": generated_by,
            "size": len(rendered.content),
            "content": rendered.content,
            "created_at": now,
            "updated_at": now,
        }
        insert = dialect_insert(session)(ReportFile).values(**values)
        await session.execute(insert.on_conflict_do_nothing(index_elements=["name", "period", "file_format"]))
        counts.generated += 1
    return counts


def reports_of(index: int, count: int) -> list[str]:
    """The reports partition ``index`` of ``count`` of the monthly-reports job generates: every ``count``-th one."""
    return [name for position, name in enumerate(REPORTS) if position % count == index]
