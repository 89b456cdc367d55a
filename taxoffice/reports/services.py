"""Building reports (cached until their data changes), rendering them, collection targets, kept report files."""

import asyncio
import dataclasses
import datetime
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth import audit
from taxoffice.auth.roles import Principal, Role
from taxoffice.db import dialect_insert, replica_lag
from taxoffice.errors import FieldError, ForbiddenError
from taxoffice.reports.catalogue import REPORTS, ReportSpec, data_version
from taxoffice.reports.errors import ReportFileNotFoundError, ReportParameterError, UnknownReportError
from taxoffice.reports.formats import render_csv, render_json
from taxoffice.reports.models import CollectionTarget, ReportFile
from taxoffice.reports.params import ReportQuery
from taxoffice.reports.tables import Report
from taxoffice.reports.workbook import XLSX_MEDIA_TYPE, render_xlsx

CACHE_ENTRIES = 64


class FileFormat(StrEnum):
    """The formats a report is given in."""

    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    FileFormat.JSON: "application/json",
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: XLSX_MEDIA_TYPE,
}


@dataclass(frozen=True)
class Rendered:
    """A report in one format, with its media type and a file name."""

    content: bytes
    media_type: str
    filename: str


class ReportCache:
    """Built reports by (name, query), each with the data version it was built on; least recently used go first."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self.entries = entries
        self._store: OrderedDict[tuple[str, ReportQuery], tuple[tuple[object, ...], datetime.datetime, Report]] = (
            OrderedDict()
        )

    def get(
        self, key: tuple[str, ReportQuery], version: tuple[object, ...], now: datetime.datetime, spec: ReportSpec
    ) -> Report | None:
        """The cached report of ``key`` if built on ``version`` and not older than the spec allows."""
        found = self._store.get(key)
        if found is None or found[0] != version:
            return None
        if spec.max_age is not None and now - found[1] > spec.max_age:
            return None
        self._store.move_to_end(key)
        return found[2]

    def put(
        self, key: tuple[str, ReportQuery], version: tuple[object, ...], now: datetime.datetime, report: Report
    ) -> None:
        """Keep ``report``."""
        self._store[key] = (version, now, report)
        self._store.move_to_end(key)
        while len(self._store) > self.entries:
            self._store.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        self._store.clear()


CACHE = ReportCache()


def spec_of(name: str) -> ReportSpec:
    """The report ``name``, or ``UnknownReportError``."""
    spec = REPORTS.get(name)
    if spec is None:
        raise UnknownReportError(name, REPORTS)
    return spec


def scope(actor: Principal, query: ReportQuery) -> ReportQuery:
    """``query`` as ``actor`` may see it: an officer sees their own tax office's figures only."""
    if actor.role is not Role.OFFICER:
        return query
    if query.tax_office not in {None, actor.tax_office}:
        msg = f"Officers see reports of their own tax office ({actor.tax_office}) only."
        raise ForbiddenError(msg)
    if actor.tax_office is None:
        msg = "This officer has no tax office; ask an administrator to set one."
        raise ForbiddenError(msg)
    return dataclasses.replace(query, tax_office=actor.tax_office)


class ReportService:
    """Reports for managers and officers."""

    def __init__(self, session: AsyncSession, cache: ReportCache = CACHE, *, read: AsyncSession | None = None) -> None:
        self.session = session
        self.cache = cache
        # Where reports are built from: a streaming replica when there is one (its lag is said in the report).
        self.read = read or session

    async def build(self, name: str, query: ReportQuery, actor: Principal, now: datetime.datetime) -> Report:
        """Report ``name`` for ``query`` as ``actor`` may see it; the cached one while its data has not changed."""
        spec = spec_of(name)
        query = scope(actor, query)
        key = (name, query)
        version = await data_version(self.read, spec)
        report = self.cache.get(key, version, now, spec)
        if report is None:
            report = await spec.build(self.read, query, generated_by=actor.username, now=now)
            self.cache.put(key, version, now, report)
        if self.read is self.session:
            return report
        lag = await replica_lag(self.read)
        staleness = {"read_from": "replica", "replica_lag_seconds": "-" if lag is None else f"{lag:.1f}"}
        return dataclasses.replace(report, parameters=report.parameters | staleness)

    async def render(
        self,
        name: str,
        query: ReportQuery,
        file_format: FileFormat,
        actor: Principal,
        now: datetime.datetime,
        section: str | None = None,
    ) -> Rendered:
        """Report ``name`` in ``file_format`` (CSV: one ``section``, the first by default)."""
        report = await self.build(name, query, actor, now)
        return await render(report, file_format, query, section)

    async def targets(self, year: int) -> list[CollectionTarget]:
        """The collection targets of ``year``."""
        query = select(CollectionTarget).where(CollectionTarget.year == year)
        rows = await self.session.scalars(query.order_by(CollectionTarget.tax_office, CollectionTarget.tax_type))
        return list(rows)

    async def set_target(
        self, actor: Principal, *, year: int, tax_office: str, tax_type: str, amount: int, now: datetime.datetime
    ) -> CollectionTarget:
        """Set (or change) the target of ``year`` for ``tax_office`` and ``tax_type`` (``""``: all) at ``now``."""
        insert = dialect_insert(self.session)(CollectionTarget)
        values = {
            "year": year,
            "tax_office": tax_office,
            "tax_type": tax_type,
            "amount": amount,
            "set_by": actor.username,
        }
        await self.session.execute(
            insert.values(**values, created_at=now, updated_at=now).on_conflict_do_update(
                index_elements=["year", "tax_office", "tax_type"],
                set_={"amount": amount, "set_by": actor.username, "updated_at": now},
            )
        )
        target = await self.session.scalar(
            select(CollectionTarget)
            .where(
                CollectionTarget.year == year,
                CollectionTarget.tax_office == tax_office,
                CollectionTarget.tax_type == tax_type,
            )
            .execution_options(populate_existing=True)
        )
        assert target is not None  # noqa: S101 - just written
        await audit.record(self.session, actor, "reports.target", "collection_target", target.id, values)
        return target

    async def files(self, period: str | None = None) -> list[ReportFile]:
        """Kept report files, newest period first (without their bytes)."""
        query = select(ReportFile).order_by(ReportFile.period.desc(), ReportFile.name, ReportFile.file_format)
        if period is not None:
            query = query.where(ReportFile.period == period)
        return list(await self.session.scalars(query))

    async def file(self, file_id: int) -> ReportFile:
        """The kept report file ``file_id``."""
        found = await self.session.get(ReportFile, file_id)
        if found is None:
            raise ReportFileNotFoundError(file_id)
        return found


async def render(report: Report, file_format: FileFormat, query: ReportQuery, section: str | None) -> Rendered:
    """``report`` laid out in ``file_format``; the workbook is written on a worker thread (the loop goes on)."""
    stem = f"{report.name}_{query.start.isoformat()}_{query.end.isoformat()}"
    if file_format is FileFormat.JSON:
        return Rendered(render_json(report), MEDIA_TYPES[file_format], f"{stem}.json")
    if file_format is FileFormat.CSV:
        try:
            content = render_csv(report, section, query.lang)
        except KeyError:
            keys = ", ".join(s.key for s in report.sections)
            message = f"Unknown section '{section}'; sections: {keys}."
            raise ReportParameterError([FieldError("section", "section.unknown", message)]) from None
        key = section or report.sections[0].key
        return Rendered(content, MEDIA_TYPES[file_format], f"{stem}_{key}.csv")
    content = await asyncio.to_thread(render_xlsx, report, query.lang)
    return Rendered(content, XLSX_MEDIA_TYPE, f"{stem}.xlsx")
