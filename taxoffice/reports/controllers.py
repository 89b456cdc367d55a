"""HTTP routes of the reports: the catalogue, each report in JSON, CSV or XLSX, targets, kept files."""

import datetime
from typing import Annotated

from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter, QueryParameter

from taxoffice.auth.guards import MANAGERS, STAFF_ONLY
from taxoffice.auth.roles import Principal
from taxoffice.openapi import BINARY, described
from taxoffice.params import Year
from taxoffice.reports.catalogue import REPORTS
from taxoffice.reports.models import CollectionTarget
from taxoffice.reports.params import Grain, check_query
from taxoffice.reports.schemas import ReportFileRead, ReportInfo, TargetRead, TargetSet
from taxoffice.reports.services import MEDIA_TYPES, FileFormat, ReportService, spec_of

API_FILES = "/api/v1/reports/files"
# A report, or a kept file, in each format: JSON (the report document), CSV, XLSX.
REPORT_ANSWERS = described(
    answers={
        media.split(";")[0]: {"type": "object"} if f is FileFormat.JSON else BINARY for f, media in MEDIA_TYPES.items()
    }
)


class ReportController(Controller):
    """Reports for managers and officers (officers: their own tax office)."""

    path = "/reports"
    tags = ["reports"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listReports", guards=[STAFF_ONLY])
    async def catalogue(self) -> list[ReportInfo]:
        """The reports there are and the groupings each takes."""
        return [
            ReportInfo(
                name=name,
                title_vi=spec.title[0],
                title_en=spec.title[1],
                group_by=list(spec.dimensions),
                formats=[f.value for f in FileFormat],
            )
            for name, spec in REPORTS.items()
        ]

    @get("/{name:str}", operation_id="getReport", guards=[STAFF_ONLY], operation_class=REPORT_ANSWERS)
    async def report(
        self,
        name: FromPath[str],
        reports: NamedDependency[ReportService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
        today: NamedDependency[datetime.date],
        file_format: Annotated[FileFormat, QueryParameter(name="format")] = FileFormat.JSON,
        from_on: Annotated[datetime.date | None, QueryParameter(name="from")] = None,
        to_on: Annotated[datetime.date | None, QueryParameter(name="to")] = None,
        period: FromQuery[str] = Grain.MONTH.value,
        group_by: FromQuery[str | None] = None,
        tax_office: FromQuery[str | None] = None,
        lang: FromQuery[str] = "vi",
        as_of: FromQuery[datetime.date | None] = None,
        section: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """Report ``name`` for the dates, period, grouping and office asked, as JSON, CSV (one section) or XLSX."""
        spec = spec_of(name)
        query = check_query(
            start=from_on,
            end=to_on,
            today=today,
            grain=period,
            group_by=group_by,
            allowed=spec.dimensions,
            tax_office=tax_office,
            lang=lang,
            as_of=as_of,
        )
        rendered = await reports.render(name, query, file_format, actor, now, section)
        disposition = "inline" if file_format is FileFormat.JSON else "attachment"
        return Response(
            rendered.content,
            media_type=rendered.media_type,
            headers={"Content-Disposition": f'{disposition}; filename="{rendered.filename}"'},
        )


class TargetController(Controller):
    """Annual collection targets: managers set them, staff read them."""

    path = "/reports/targets"
    tags = ["reports"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listCollectionTargets", guards=[STAFF_ONLY])
    async def targets(self, reports: NamedDependency[ReportService], year: FromQuery[Year]) -> list[TargetRead]:
        """The targets of ``year``."""
        return [_target(t) for t in await reports.targets(year)]

    @put(operation_id="setCollectionTarget", guards=[MANAGERS])
    async def set_target(
        self,
        data: JSONBody[TargetSet],
        reports: NamedDependency[ReportService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> TargetRead:
        """Set or change one target (the same year, office and tax type replace the amount)."""
        target = await reports.set_target(
            actor, year=data.year, tax_office=data.tax_office, tax_type=data.tax_type, amount=data.amount, now=now
        )
        return _target(target)


class ReportFileController(Controller):
    """Reports the monthly job generated for the whole department, kept for managers to download."""

    path = "/reports/files"
    tags = ["reports"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listReportFiles", guards=[MANAGERS])
    async def files(
        self,
        reports: NamedDependency[ReportService],
        period: FromQuery[Annotated[str | None, Parameter(pattern=r"^\d{4}-\d{2}$")]] = None,
    ) -> list[ReportFileRead]:
        """Kept files, newest month first (``period``: one month, ``2026-10``)."""
        return [
            ReportFileRead(
                id=f.id,
                name=f.name,
                period=f.period,
                format=f.file_format,
                size=f.size,
                generated_at=f.generated_at,
                generated_by=f.generated_by,
                href=f"{API_FILES}/{f.id}",
            )
            for f in await reports.files(period)
        ]

    @get("/{file_id:int}", operation_id="downloadReportFile", guards=[MANAGERS], operation_class=REPORT_ANSWERS)
    async def download(self, file_id: FromPath[int], reports: NamedDependency[ReportService]) -> Response[bytes]:
        """One kept file."""
        kept = await reports.file(file_id)
        filename = f"{kept.name}_{kept.period}.{kept.file_format}"
        return Response(
            kept.content,
            media_type=MEDIA_TYPES[FileFormat(kept.file_format)],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def _target(target: CollectionTarget) -> TargetRead:
    return TargetRead(
        year=target.year,
        tax_office=target.tax_office,
        tax_type=target.tax_type,
        amount=target.amount,
        set_by=target.set_by,
        updated_at=target.updated_at,
    )


ROUTES = [TargetController, ReportFileController, ReportController]
