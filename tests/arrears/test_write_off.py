"""Writing off a case's debt by decision: reductions on the ledger, interest with them, the case closes."""

import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.models import Charge
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.errors import ActionInvalidError
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.services import NewAction, WorklistService
from taxoffice.auth.roles import Principal, Role
from tests.arrears.test_flagging import DUE, M, cases, debtor, flag, open_case, pay

OFFICER = Principal(user_id=None, username="officer-write-off", role=Role.OFFICER, tax_office="HNI")
D = datetime.date
DAY = D(2025, 8, 20)


async def test_a_write_off_cancels_tax_fines_and_their_interest_and_the_case_closes(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # VAT 10,000,000 and a fine of 2,000,000 due 31 Jul 2025; 4,000,000 paid on 31 Jul (on time, to the tax).
    taxpayer = await debtor(session, "001093000001", (ChargeKind.TAX, 10 * M, DUE), (ChargeKind.FINE, 2 * M, DUE))
    await pay(session_factory, taxpayer, "VCB-WO-1", 4 * M, DUE)
    await flag(session_factory, DAY)
    case = await open_case(session, taxpayer)
    before = await AccountService(session).statement(taxpayer.tax_code, DAY)
    # 6,000,000 of tax unpaid for the 19 days 1-19 Aug (the statement's day not yet counted) at 0.03 % a day.
    assert (before.outstanding, before.fines, before.interest) == (6 * M, 2 * M, 34_200)

    action, _view = await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.WRITE_OFF, details={"decision": "123/QĐ-CT"}), DAY
    )
    await session.commit()
    assert action.details == {"decision": "123/QĐ-CT", "written_off": {"VAT": 8_034_200}, "total": 8_034_200}
    after = await AccountService(session).statement(taxpayer.tax_code, DAY)
    assert (after.outstanding, after.fines, after.interest, after.credit) == (0, 0, 0, 0)
    reductions = list(
        await session.scalars(select(Charge.amount).where(Charge.source == f"write-off:{case.id}").order_by(Charge.id))
    )
    assert reductions == [-6 * M, -2 * M]

    await flag(session_factory, D(2025, 8, 21))
    assert [(c.status, c.closed_on) for c in await cases(session, taxpayer)] == [("closed", D(2025, 8, 21))]


async def test_a_write_off_needs_its_decision(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(session, "001093000002", (ChargeKind.TAX, 5 * M, DUE))
    await flag(session_factory, DAY)
    case = await open_case(session, taxpayer)
    with pytest.raises(ActionInvalidError) as raised:
        await WorklistService(session).record_action(
            OFFICER, case.id, NewAction(ActionKind.WRITE_OFF, details={"decision": " "}), DAY
        )
    assert [e.field for e in raised.value.errors] == ["details.decision"]
    assert list(await session.scalars(select(Charge.amount).where(Charge.taxpayer_id == taxpayer.id))) == [5 * M]
