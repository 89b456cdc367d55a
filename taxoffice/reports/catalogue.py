"""The reports there are: how each is built, which groupings it takes, and what data its figures depend on."""

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.models import TaxReturn
from registry.models import RegistrationApplication, Taxpayer, TaxpayerChange
from taxoffice.accounts.models import Allocation, Charge
from taxoffice.jobruns.models import JobRun
from taxoffice.reports import arrears, collections, compliance, growth
from taxoffice.reports.models import CollectionTarget
from taxoffice.reports.tables import Report

Builder = Callable[..., Awaitable[Report]]


@dataclass(frozen=True)
class ReportSpec:
    """One report: its builder, the groupings it takes, and the cheap reads that change when its data does.

    ``version`` columns are maxima over indexed columns (primary keys, a tiny table's ``updated_at``), so
    checking whether a cached result is still good costs a few index lookups.
    """

    build: Builder
    title: tuple[str, str]
    dimensions: tuple[str, ...]
    version: tuple[ColumnElement[Any], ...]
    # Also cached at most this long (data that changes in place without a new row: decisions on returns).
    max_age: datetime.timedelta | None = None


def _max(column: Any) -> ColumnElement[Any]:  # noqa: ANN401 - any mapped column
    return func.max(column)


_TARGETS: tuple[ColumnElement[Any], ...] = (_max(CollectionTarget.updated_at), func.count(CollectionTarget.id))
_FLAG_RUNS = _max(JobRun.finished_at)

REPORTS: dict[str, ReportSpec] = {
    growth.NAME: ReportSpec(
        growth.taxpayer_growth,
        ("Tăng trưởng người nộp thuế", "Taxpayer growth"),
        tuple(growth.DIMENSIONS),
        (_max(Taxpayer.id), _max(TaxpayerChange.id)),
    ),
    collections.NAME: ReportSpec(
        collections.collections_report,
        ("Số thu ngân sách", "Collections"),
        tuple(collections.DIMENSIONS),
        (_max(Allocation.id), *_TARGETS),
    ),
    arrears.NAME: ReportSpec(
        arrears.arrears_report,
        ("Nợ thuế", "Arrears"),
        tuple(arrears.DIMENSIONS),
        (_FLAG_RUNS, _max(Allocation.id)),
    ),
    compliance.NAME: ReportSpec(
        compliance.compliance_report,
        ("Tuân thủ kê khai, nộp thuế", "Compliance"),
        tuple(compliance.DIMENSIONS),
        (
            _max(TaxReturn.id),
            _max(Charge.id),
            _max(Allocation.id),
            _max(Taxpayer.id),
            _max(TaxpayerChange.id),
            _max(RegistrationApplication.id),
            _max(RegistrationApplication.updated_at),
        ),
        max_age=datetime.timedelta(minutes=1),
    ),
}


async def data_version(session: AsyncSession, spec: ReportSpec) -> tuple[object, ...]:
    """The values of ``spec.version`` now (one round trip): when any of them moves, a cached result is stale."""
    row = (await session.execute(select(*(select(column).scalar_subquery() for column in spec.version)))).one()
    return tuple(row)
