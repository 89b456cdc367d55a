"""Writing off a case's debt by decision: reductions on the ledger, interest with them, the case closes."""

import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.accounts.accrual import accrue_interest
from taxoffice.accounts.models import Charge, InterestAccrual, InterestWaiver
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
    assert action.details == {
        "decision": "123/QĐ-CT",
        "written_off": {"VAT": 8_034_200},
        "total": 8_034_200,
        "tax": 6 * M,
        "interest": 34_200,
        "fines": 2 * M,
    }
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


async def test_the_write_off_takes_the_interest_on_the_part_paid_late_too(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # VAT 10,000,000 due 31 Jul 2025; 4,000,000 paid late on 11 Aug. On 20 Aug the interest owed is
    # 10 days (1-10 Aug) on 10,000,000 = 30,000 plus 9 days (11-19 Aug) on 6,000,000 = 16,200: 46,200.
    taxpayer = await debtor(session, "001093000003", (ChargeKind.TAX, 10 * M, DUE))
    await pay(session_factory, taxpayer, "VCB-WO-3", 4 * M, D(2025, 8, 11))
    await flag(session_factory, DAY)
    case = await open_case(session, taxpayer)
    before = await AccountService(session).statement(taxpayer.tax_code, DAY)
    assert (before.outstanding, before.interest) == (6 * M, 46_200)

    action, _view = await WorklistService(session).record_action(
        OFFICER, case.id, NewAction(ActionKind.WRITE_OFF, details={"decision": "45/QĐ-UBND"}), DAY
    )
    await session.commit()
    assert (action.details["tax"], action.details["interest"], action.details["total"]) == (6 * M, 46_200, 6_046_200)
    # Cutting the 6,000,000 leaves the interest of the 4,000,000 paid late (10 days: 12,000): the decision
    # cancels it too (Art. 85: "tiền thuế, tiền chậm nộp, tiền phạt"), as a waiver on the charge.
    waived = list(
        await session.execute(select(InterestWaiver.amount, InterestWaiver.reference, InterestWaiver.waived_on))
    )
    assert [tuple(row) for row in waived] == [(12_000, f"write-off:{case.id}", DAY)]
    later = await AccountService(session).statement(taxpayer.tax_code, D(2025, 12, 31))
    assert (later.outstanding, later.interest, later.credit) == (0, 0, 0)  # nothing accrues afterwards
    after = await AccountService(session).statement(taxpayer.tax_code, DAY)
    assert (after.outstanding, after.interest, after.credit) == (0, 0, 0)
    (item,) = after.items
    assert (item.amount, item.paid, item.interest_accrued, item.interest_waived) == (4 * M, 4 * M, 12_000, 12_000)
    shown = [(line.entry, line.amount) for line in after.lines if line.reference == f"write-off:{case.id}"]
    assert shown == [("charge:tax", -6 * M), ("waived:interest", -12_000)]
    # The nightly jobs read the same: no interest outstanding, the case closes.
    await accrue_interest(session_factory, D(2025, 8, 21))
    snapshot = await session.scalar(
        select(InterestAccrual.outstanding).where(InterestAccrual.taxpayer_id == taxpayer.id)
    )
    assert snapshot == 0
    await flag(session_factory, D(2025, 8, 21))
    assert [c.status for c in await cases(session, taxpayer)] == ["closed"]


async def test_a_write_off_on_a_ground_checks_it_and_names_who_decides(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await debtor(session, "001093000004", (ChargeKind.TAX, 5 * M, DUE))
    await flag(session_factory, DAY)
    case = await open_case(session, taxpayer)
    service = WorklistService(session)
    # 85.3 needs the registration revoked (125.1.g) and ten years past the deadline: neither holds.
    with pytest.raises(ActionInvalidError) as raised:
        await service.record_action(
            OFFICER, case.id, NewAction(ActionKind.WRITE_OFF, details={"decision": "1", "ground": "uncollectible"}), DAY
        )
    assert [(e.field, e.code) for e in raised.value.errors] == [("details.ground", "write_off.not_eligible")] * 2
    # 85.1, an enterprise declared bankrupt with nothing left: the province decides (Art. 87), not the department.
    bankrupt = {"decision": "9/QĐ-UBND", "ground": "bankrupt", "no_assets": True}
    with pytest.raises(ActionInvalidError) as raised:
        await service.record_action(
            OFFICER, case.id, NewAction(ActionKind.WRITE_OFF, details=bankrupt | {"authority": "tax_department"}), DAY
        )
    assert [(e.field, e.code) for e in raised.value.errors] == [("details.authority", "write_off.authority")]
    assert "(chairman of the provincial People's Committee)" in raised.value.errors[0].message
    assert list(await session.scalars(select(Charge.amount).where(Charge.taxpayer_id == taxpayer.id))) == [5 * M]
    action, _view = await service.record_action(
        OFFICER, case.id, NewAction(ActionKind.WRITE_OFF, details=bankrupt | {"authority": "province"}), DAY
    )
    assert action.details["authority"] == "province"
    assert action.details["total"] == 5 * M + 28_500  # 19 days on 5,000,000


async def test_the_write_off_with_its_interest_on_the_embedded_database(
    sqlite_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with sqlite_factory() as session:
        taxpayer = await debtor(session, "001093000005", (ChargeKind.TAX, 10 * M, DUE))
    await pay(sqlite_factory, taxpayer, "VCB-WO-5", 4 * M, D(2025, 8, 11))
    await flag(sqlite_factory, DAY)
    async with sqlite_factory() as session:
        case = await open_case(session, taxpayer)
        action, _view = await WorklistService(session).record_action(
            OFFICER, case.id, NewAction(ActionKind.WRITE_OFF, details={"decision": "45/QĐ-UBND"}), DAY
        )
        await session.commit()
        assert (action.details["interest"], action.details["total"]) == (46_200, 6_046_200)
        after = await AccountService(session).statement(taxpayer.tax_code, DAY)
        assert (after.outstanding, after.interest, after.items[0].interest_waived) == (0, 0, 12_000)
    await accrue_interest(sqlite_factory, D(2025, 8, 21))
    await flag(sqlite_factory, D(2025, 8, 21))
    async with sqlite_factory() as session:
        assert await session.scalar(select(InterestAccrual.outstanding)) == 0
        assert [c.status for c in await cases(session, taxpayer)] == ["closed"]
