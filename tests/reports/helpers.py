"""Small known datasets for the report tests."""

import datetime
from itertools import count

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from registry.schemas import Address, TaxpayerCreate
from registry.services import TaxpayerService
from registry.vocabulary import TaxpayerKind
from taxoffice.accounts.models import CollectionDay
from taxoffice.auth.roles import Principal, Role
from taxoffice.reports.params import ReportQuery, check_query

# Registers the taxpayers of every office the reports are tested over.
REGISTRAR = Principal.system("tests")
MANAGER = Principal(user_id=None, username="manager", role=Role.MANAGER)
NOW = datetime.datetime(2026, 11, 27, 8, 0, tzinfo=datetime.UTC)
_id_numbers = count(10_000_001)


async def taxpayer(
    session: AsyncSession,
    registered_on: datetime.date,
    *,
    kind: TaxpayerKind = TaxpayerKind.ENTERPRISE,
    tax_office: str = "10100",
    closed_on: datetime.date | None = None,
) -> Taxpayer:
    """A taxpayer registered on ``registered_on`` (its code closed on ``closed_on``), committed."""
    data = TaxpayerCreate(
        kind=kind,
        name="Công ty TNHH Báo Cáo",
        id_number=f"{next(_id_numbers):012d}",
        address=Address(street="1 Tràng Tiền"),
        tax_office=tax_office,
        registered_on=registered_on,
    )
    created = await TaxpayerService(session).register(REGISTRAR, data, datetime.date(2026, 11, 27))
    if closed_on is not None:
        await session.execute(
            update(Taxpayer).where(Taxpayer.id == created.id).values(status="01", status_effective_on=closed_on)
        )
    await session.commit()
    return created


# (day, tax office, tax type, sub-item, component, paid late, amount)
Day = tuple[datetime.date, str, str, str, str, bool, int]
_DAY_KEYS = ("day", "tax_office", "tax_type", "sub_item", "component", "overdue", "amount")


async def collected(session: AsyncSession, days: list[Day]) -> None:
    """Rows of the daily collections summary, as the reconcile job keeps it, committed."""
    await session.execute(
        insert(CollectionDay), [dict(zip(_DAY_KEYS, day, strict=True)) | {"lines": 1} for day in days]
    )
    await session.commit()


def query(allowed: tuple[str, ...], **given: object) -> ReportQuery:
    """A checked query: the report's ``allowed`` groupings, ``given`` parameters over defaults (today 27 Nov 2026)."""
    fields: dict[str, object] = {
        "start": None,
        "end": None,
        "today": datetime.date(2026, 11, 27),
        "grain": "month",
        "group_by": None,
    }
    fields.update(given)
    return check_query(allowed=allowed, **fields)  # type: ignore[arg-type]
