"""Demo data on PostgreSQL: COPY, valid unique codes, realistic mix, and the codes counter moves on."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import codes, taxcode
from registry.models import Taxpayer
from taxoffice.commands import insert_demo_taxpayers
from taxoffice.config import Settings


async def test_demo_load_copies_valid_taxpayers(session: AsyncSession, settings: Settings) -> None:
    assert await insert_demo_taxpayers(session, settings, 5_000, seed=1) == 5_000
    rows = (
        await session.execute(
            select(Taxpayer.tax_code, Taxpayer.kind, Taxpayer.status, Taxpayer.name, Taxpayer.name_search)
        )
    ).all()
    assert len(rows) == 5_000
    assert len({r.tax_code for r in rows}) == 5_000
    assert all(taxcode.is_valid(r.tax_code) for r in rows)
    branches = [r for r in rows if r.kind == "branch"]
    assert branches
    assert all(r.tax_code[:10] in {x.tax_code for x in rows} for r in branches)
    assert sum(r.status == "00" for r in rows) > 4_000
    assert any("Nguyễn" in r.name for r in rows)
    assert all(r.name_search == r.name_search.lower() for r in rows)
    # Codes issued afterwards never clash with the loaded ones.
    fresh = await codes.next_organisation_code(session, settings.tax_code_prefix)
    assert fresh not in {r.tax_code for r in rows}
    assert await session.scalar(select(func.count()).select_from(Taxpayer).where(Taxpayer.tax_code == fresh)) == 0
