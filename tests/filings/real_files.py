"""Real HTKK files over HTTP: the company of a file on the register, its login, and filing the file."""

import datetime
from pathlib import Path

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from filings.htkk import HtkkReturn, parse_htkk
from filings.periods import PeriodKind
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.users import Login

REAL = Path(__file__).parent.parent / "fixtures" / "htkk" / "real"


async def registered(session: AsyncSession, tax_code: str, name: str, vat_frequency: str = "quarterly") -> Taxpayer:
    """The company of a file, on the register under its own tax code (registered long ago, as real ones are).

    The real 01/GTGT files are quarterly returns, so their companies file VAT quarterly.
    """
    taxpayer = await register_enterprise(session, f"9{tax_code[1:10]}", name)
    long_ago = datetime.date(2015, 1, 1)
    await session.execute(
        update(Taxpayer)
        .where(Taxpayer.id == taxpayer.id)
        .values(tax_code=tax_code, registered_on=long_ago, vat_frequency=vat_frequency)
    )
    await session.commit()
    await session.refresh(taxpayer)
    return taxpayer


async def filer_of(name: str, session: AsyncSession, login: Login) -> tuple[bytes, HtkkReturn, dict[str, str]]:
    """A real file, what it declares, and its company's login (the company registered under the file's code)."""
    data = (REAL / name).read_bytes()
    document = parse_htkk(data)
    frequency = "monthly" if document.period.kind is PeriodKind.MONTH else "quarterly"
    filer = await registered(session, document.tax_code, document.taxpayer_name, frequency)
    return data, document, await login(Role.TAXPAYER, tax_code=filer.tax_code)


async def file_return(
    client: httpx.AsyncClient, me: dict[str, str], data: bytes, *, upload: bool = False
) -> httpx.Response:
    """``POST /returns`` with the file as the raw body, or as a browser uploads it."""
    if upload:
        files = {"file": ("tokhai.xml", data, "application/octet-stream")}
        return await client.post("/api/v1/returns", files=files, headers=me)
    return await client.post("/api/v1/returns", content=data, headers={**me, "content-type": "application/xml"})
