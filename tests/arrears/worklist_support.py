"""Arrears cases, officers and debts made directly for the worklist's API tests (never through flag-arrears)."""

import datetime
import itertools
from typing import Any

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears import ladder
from taxoffice.arrears.ageing import bucket_of
from taxoffice.arrears.models import ArrearsCase
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, principal_of
from taxoffice.auth.tokens import issue_token
from taxoffice.config import Settings
from tests.registry.helpers import register_enterprise
from tests.support.users import PASSWORD

_ids = itertools.count(1)
D = datetime.date


async def officer(
    app: Litestar, session: AsyncSession, settings: Settings, office: str = "HNI", role: Role = Role.OFFICER
) -> tuple[int, dict[str, str]]:
    """A new user of ``role`` in ``office``: its id and Authorization headers."""
    user = await UserService(session, settings).create(
        Principal.system("tests"),
        username=f"arrears-{role.value}-{next(_ids)}",
        password=PASSWORD,
        role=role,
        tax_office=office,
    )
    await session.commit()
    return user.id, {
        "Authorization": f"Bearer {issue_token(app.state.jwt_auth, principal_of(user), user.token_version)}"
    }


async def taxpayer(session: AsyncSession, name: str, office: str = "HNI", status: str = "00") -> Taxpayer:
    """A registered enterprise of ``office``."""
    number = f"01099{next(_ids):05d}"
    found = await register_enterprise(session, number, name)
    found.tax_office = office
    found.status = status
    await session.commit()
    return found


def case_values(
    debtor: Taxpayer,
    *,
    oldest_due_on: datetime.date,
    total: int,
    as_of: datetime.date,
    category: str = "collectible",
    officer_id: int | None = None,
    next_action: str | None = None,
    next_action_due_on: datetime.date | None = None,
) -> dict[str, Any]:
    """The columns of an open case as the flag-arrears job would leave it on ``as_of`` (all of ``total`` as tax)."""
    days = (as_of - oldest_due_on).days
    bucket = bucket_of(days)
    stage = ladder.stage_of(days, as_of)
    return {
        "taxpayer_id": debtor.id,
        "tax_code": debtor.tax_code,
        "tax_office": debtor.tax_office,
        "officer_id": officer_id,
        "status": "open",
        "opened_on": oldest_due_on + datetime.timedelta(days=1),
        "as_of": as_of,
        "category": category,
        "is_frozen": category == "frozen",
        "overdue_tax": total,
        "overdue_interest": 0,
        "overdue_fines": 0,
        "overdue_total": total,
        "oldest_due_on": oldest_due_on,
        "ladder_due_on": None if category == "frozen" else oldest_due_on,
        "bucket": bucket.value if bucket else "1-30",
        "stage": stage.kind.value if stage else None,
        "next_action": next_action,
        "next_action_due_on": next_action_due_on,
        "is_stalled": False,
    }


async def open_case(session: AsyncSession, debtor: Taxpayer, **fields: Any) -> ArrearsCase:  # noqa: ANN401
    """An open case as the flag-arrears job would leave it, stored (``fields``: those of ``case_values``)."""
    case = ArrearsCase(**case_values(debtor, **fields))
    session.add(case)
    await session.commit()
    return case


async def charge(
    session: AsyncSession,
    debtor: Taxpayer,
    amount: int,
    due_on: datetime.date,
    *,
    sub_item: str = "1701",
    period: str = "2025-06",
    kind: ChargeKind = ChargeKind.TAX,
) -> None:
    """Post one charge (VAT by default) to the debtor's account."""
    await AccountService(session).post(
        [NewCharge(debtor.id, debtor.tax_code, "VAT", sub_item, period, kind, amount, due_on, due_on, "test")]
    )
    await session.commit()
