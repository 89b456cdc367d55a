"""Keeping a taxpayer's VAT filing frequency per calendar year (``vat_frequency_year``; rules in ``vat_frequency``)."""

import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer, VatFrequencyYear
from registry.vat_frequency import first_year_of_change, frequency_in
from taxoffice.db import dialect_insert


async def record_change(session: AsyncSession, taxpayer: Taxpayer, old: str, new: str, on: datetime.date) -> int:
    """Record that ``taxpayer`` files VAT ``new`` instead of ``old`` from the year a change on ``on`` applies to.

    The first change also records ``old`` from the registration year, so the years before keep it. Returns the
    first year of ``new``.
    """
    year = first_year_of_change(on, taxpayer.registered_on)
    rows = []
    has_rows = await session.scalar(select(VatFrequencyYear.id).where(VatFrequencyYear.taxpayer_id == taxpayer.id))
    if has_rows is None and year > taxpayer.registered_on.year:
        rows.append((taxpayer.registered_on.year, old))
    rows.append((year, new))
    statement = dialect_insert(session)(VatFrequencyYear).values(
        [
            {"taxpayer_id": taxpayer.id, "year_from": year_from, "frequency": frequency, "notified_on": on}
            for year_from, frequency in rows
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["taxpayer_id", "year_from"],
            set_={"frequency": statement.excluded.frequency, "notified_on": on, "updated_at": func.now()},
        )
    )
    return year


async def frequency_of_year(session: AsyncSession, taxpayer: Taxpayer, year: int) -> str:
    """The VAT frequency ``taxpayer`` files at in ``year`` (the filer query reads the same in SQL)."""
    rows = await session.execute(
        select(VatFrequencyYear.year_from, VatFrequencyYear.frequency).where(
            VatFrequencyYear.taxpayer_id == taxpayer.id
        )
    )
    return frequency_in(year, [(row[0], row[1]) for row in rows], taxpayer.vat_frequency)
