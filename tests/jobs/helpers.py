"""Taxpayers whose suspension has ended, and reading recorded runs, for the job tests."""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from registry.schemas import StatusChange
from registry.services import TaxpayerService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from taxoffice.jobruns.models import JobRun
from tests.registry.helpers import register_enterprise

OFFICER = Principal(user_id=None, username="officer-jobs", role=Role.OFFICER, tax_office="HNI")
SUSPENDED_ON = datetime.date(2026, 3, 2)
SUSPENDED_UNTIL = datetime.date(2026, 6, 1)
# The first day resume-suspensions returns the taxpayer to status 00.
RESUME_ON = datetime.date(2026, 6, 2)


async def suspended_taxpayer(session: AsyncSession, id_number: str) -> Taxpayer:
    """A taxpayer suspended (status 05) from 2 March to 1 June 2026, committed."""
    taxpayer = await register_enterprise(session, id_number)
    change = StatusChange(status="05", reason="Tạm ngừng kinh doanh", effective_on=SUSPENDED_ON, until=SUSPENDED_UNTIL)
    await TaxpayerService(session).change_status(OFFICER, taxpayer.tax_code, change, SUSPENDED_ON, WorkingCalendar())
    await session.commit()
    return taxpayer


async def status_of(session: AsyncSession, tax_code: str) -> str:
    """A taxpayer's registry status, read afresh."""
    status: str | None = await session.scalar(
        select(Taxpayer.status).where(Taxpayer.tax_code == tax_code).execution_options(populate_existing=True)
    )
    assert status is not None
    return status


async def runs_of(session: AsyncSession, name: str) -> list[JobRun]:
    """Recorded runs of job ``name``, oldest first, read afresh."""
    query = select(JobRun).where(JobRun.name == name).order_by(JobRun.id).execution_options(populate_existing=True)
    return list(await session.scalars(query))
