"""The taxpayer-growth report: registrations, closures and the base under management, against a year earlier.

SQL counts taxpayers by registration month (and closures by the month their code closed, status 01, which is
final) for each kind and tax office; pandas turns the monthly counts into the base at each period's end
(everything registered up to then, less everything closed up to then) and compares each period with the same
period a year earlier.
"""

import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from registry.statuses import TaxpayerStatus
from taxoffice.reports._frames import cells, frame, year_month
from taxoffice.reports.params import ReportQuery, period_label, period_labels, shift_year, year_earlier
from taxoffice.reports.tables import (
    PERIOD,
    TAX_OFFICE,
    Chart,
    Column,
    Kind,
    Report,
    Section,
    growth,
    total_label,
    totals_row,
)

NAME = "taxpayer-growth"
DIMENSIONS: dict[str, Column] = {
    "kind": Column("kind", "Loại người nộp thuế", "Taxpayer kind"),
    "tax_office": TAX_OFFICE,
}
FIGURES = (
    Column("registered", "Đăng ký mới", "New registrations", Kind.COUNT, total=True),
    Column("closed", "Chấm dứt hiệu lực MST", "Closures", Kind.COUNT, total=True),
    Column("base", "Đang quản lý cuối kỳ", "Base at period end", Kind.COUNT),
    Column("base_year_earlier", "Đang quản lý cùng kỳ năm trước", "Base a year earlier", Kind.COUNT),
    Column("base_growth", "Tăng so với cùng kỳ", "Growth on a year earlier", Kind.COUNT),
    Column("base_growth_rate", "Tỷ lệ tăng (%)", "Growth rate", Kind.PERCENT),
    Column("registered_year_earlier", "Đăng ký mới cùng kỳ năm trước", "New registrations a year earlier", Kind.COUNT),
    Column("registered_growth_rate", "Tăng đăng ký mới (%)", "New registrations growth", Kind.PERCENT),
)


async def _monthly(session: AsyncSession, query: ReportQuery) -> pd.DataFrame:
    """Registrations and closures per month, kind and office, over all history up to the report's end."""
    filters = [Taxpayer.tax_office == query.tax_office] if query.tax_office else []
    registered_y, registered_m = year_month(Taxpayer.registered_on)
    registered = (
        select(registered_y, registered_m, Taxpayer.kind, Taxpayer.tax_office, func.count().label("n"))
        .where(Taxpayer.registered_on <= query.end, *filters)
        .group_by(registered_y, registered_m, Taxpayer.kind, Taxpayer.tax_office)
    )
    closed_y, closed_m = year_month(Taxpayer.status_effective_on)
    closed = (
        select(closed_y, closed_m, Taxpayer.kind, Taxpayer.tax_office, func.count().label("n"))
        .where(Taxpayer.status == TaxpayerStatus.CLOSED.value, Taxpayer.status_effective_on <= query.end, *filters)
        .group_by(closed_y, closed_m, Taxpayer.kind, Taxpayer.tax_office)
    )
    names = ["y", "m", "kind", "tax_office", "n"]
    new = frame((await session.execute(registered)).all(), names, ["n"]).rename(columns={"n": "registered"})
    gone = frame((await session.execute(closed)).all(), names, ["n"]).rename(columns={"n": "closed"})
    both = new.merge(gone, on=["y", "m", "kind", "tax_office"], how="outer")
    for name in ("registered", "closed"):
        both[name] = both[name].fillna(0).astype("int64")
    return both


def shape(monthly: pd.DataFrame, query: ReportQuery) -> list[tuple[object, ...]]:
    """Rows of the report (period, dimensions, figures) from the monthly counts."""
    dims = list(query.group_by)
    first = shift_year(query.start)
    labels = period_labels(query.start, query.end, query.grain)
    wanted = set(labels) | {year_earlier(label) for label in labels}
    if monthly.empty:
        return [(label, *([None] * len(dims)), 0, 0, 0, 0, 0, None, 0, None) for label in labels] if not dims else []
    data = monthly.copy()
    data["ym"] = data["y"] * 12 + data["m"] - 1
    keys = dims or ["_all"]
    if not dims:
        data["_all"] = ""
    per_month = data.groupby([*keys, "ym"], as_index=False)[["registered", "closed"]].sum()
    span = range(
        min(int(per_month["ym"].min()), first.year * 12 + first.month - 1), query.end.year * 12 + query.end.month
    )
    rows: list[tuple[object, ...]] = []
    for key, group in per_month.groupby(keys, sort=True):
        series = group.set_index("ym")[["registered", "closed"]].reindex(span, fill_value=0)
        base = (series["registered"] - series["closed"]).cumsum()
        periods = pd.DataFrame(
            {
                "period": [period_label_of(ym, query) for ym in span],
                "registered": series["registered"].to_numpy(),
                "closed": series["closed"].to_numpy(),
                "base": base.to_numpy(),
            }
        )
        periods = periods[periods["period"].isin(wanted)]
        by_period = periods.groupby("period", sort=True).agg(
            registered=("registered", "sum"), closed=("closed", "sum"), base=("base", "last")
        )
        values = tuple(key)
        stats: dict[str, tuple[int, int, int]] = {
            str(label): (int(registered), int(closed), int(at_end))
            for label, registered, closed, at_end in by_period.itertuples(index=True)
        }
        for label in labels:
            if label not in stats:
                continue
            registered, closed, at_end = stats[label]
            before = stats.get(year_earlier(label), (0, 0, 0))
            rows.append(
                (
                    label,
                    *(values if dims else ()),
                    registered,
                    closed,
                    at_end,
                    before[2],
                    at_end - before[2],
                    growth(at_end, before[2]),
                    before[0],
                    growth(registered, before[0]),
                )
            )
    rows.sort(key=lambda row: tuple(str(cell) for cell in row[: 1 + len(dims)]))
    return rows


def period_label_of(ym: int, query: ReportQuery) -> str:
    """The period label of month index ``ym`` (year * 12 + month - 1)."""
    return period_label(ym // 12, ym % 12 + 1, query.grain)


async def taxpayer_growth(
    session: AsyncSession, query: ReportQuery, *, generated_by: str, now: datetime.datetime
) -> Report:
    """The taxpayer-growth report for ``query``."""
    columns = (PERIOD, *(DIMENSIONS[name] for name in query.group_by), *FIGURES)
    rows = [cells(row, columns) for row in shape(await _monthly(session, query), query)]
    section = Section(
        key="growth",
        vi="Tăng trưởng người nộp thuế",
        en="Taxpayer growth",
        columns=columns,
        rows=rows,
        totals=totals_row(columns, rows, total_label(query.lang)),
        chart=Chart("bar", "period", ("registered", "closed"), "Đăng ký mới và chấm dứt", "Registrations and closures"),
    )
    return Report(
        name=NAME,
        vi="Báo cáo tăng trưởng người nộp thuế",
        en="Taxpayer growth report",
        parameters=query.describe(),
        generated_at=now,
        generated_by=generated_by,
        sections=(section,),
    )
