"""Loading one case as the caller may see it, and the rows that record its moves."""

import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.arrears._search import may_see_office
from taxoffice.arrears.errors import CaseNotFoundError
from taxoffice.arrears.models import ArrearsCase
from taxoffice.auth.roles import Principal


async def load_case(
    session: AsyncSession, actor: Principal, case_id: int, *, for_update: bool = False
) -> tuple[ArrearsCase, Taxpayer]:
    """A case and its taxpayer, if ``actor`` may see it (another office's case is not found).

    Raises:
        CaseNotFoundError: no such case, or one of another tax office than the officer's.
    """
    query = select(ArrearsCase, Taxpayer).join(Taxpayer, Taxpayer.id == ArrearsCase.taxpayer_id)
    query = query.where(ArrearsCase.id == case_id)
    if for_update:
        query = query.with_for_update(of=ArrearsCase)
    row = (await session.execute(query)).first()
    if row is None or not may_see_office(actor, row[0].tax_office):
        raise CaseNotFoundError(case_id)
    return row[0], row[1]


def event_row(
    case: ArrearsCase, today: datetime.date, kind: str, old: str | None, new: str | None, actor: str
) -> dict[str, Any]:
    """The values of an ``arrears_case_event`` row: the case moved from ``old`` to ``new`` today."""
    return {
        "case_id": case.id,
        "event_on": today,
        "kind": kind,
        "from_value": old,
        "to_value": new,
        "overdue_total": case.overdue_total,
        "actor": actor,
    }
