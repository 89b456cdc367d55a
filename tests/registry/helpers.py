"""Registering taxpayers directly for tests."""

import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from registry.schemas import Address, TaxpayerCreate
from registry.services import TaxpayerService
from registry.vocabulary import TaxpayerKind
from taxoffice.auth.roles import Principal, Role

SYSTEM = Principal(user_id=None, username="tests", role=Role.OFFICER, tax_office="HNI")


async def register_enterprise(
    session: AsyncSession,
    id_number: str,
    name: str = "Công ty TNHH Kiểm Thử",
    kind: TaxpayerKind = TaxpayerKind.ENTERPRISE,
    *,
    registered_on: datetime.date | None = None,
) -> Taxpayer:
    """A new active taxpayer, committed (to the test's savepoint); registered on 5 January 2026 unless told."""
    data = TaxpayerCreate(
        kind=kind, name=name, id_number=id_number, address=Address(street="1 Láng"), registered_on=registered_on
    )
    taxpayer = await TaxpayerService(session).register(SYSTEM, data, datetime.date(2026, 1, 5))
    await session.commit()
    return taxpayer
