"""Demo: the officer agrees an instalment plan with the demo taxpayer for its debt, as an office does.

Run by ``demo activity`` once the arrears are flagged for today. The plan goes through the same action an officer
records on the case page (``WorklistService.record_action``), so it meets the same rules (Law 38/2019 Art. 124.5,
Circular 80/2021 Art. 66.3): a bank's guarantee of the whole debt, one instalment a month for six months, the first
next month, none below the monthly average. The taxpayer's account page then shows the plan's schedule
(``taxoffice.arrears.taxpayer_plan``), the officer's case page its state, and the case leaves the public list's
candidates while the plan is kept.
"""

import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears.ageing import add_months
from taxoffice.arrears.instalments import Guarantee, Instalment
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.models import ArrearsCase, InstalmentPlan
from taxoffice.arrears.services import NewAction, WorklistService
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal
from taxoffice.auth.services import principal_of
from taxoffice.commands import DEMO_TAXPAYER
from taxoffice.config import Settings
from taxoffice.db import create_engine, create_session_factory

MONTHS = 6
DUE_DAY = 25  # each instalment due on the 25th of its month: inside the month (Art. 66.4)
GUARANTOR = "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank), Chi nhánh Hà Nội"
GUARANTEE_MARGIN = datetime.timedelta(days=30)  # the guarantee outlives the last instalment by a month
NOTE = "Nộp dần tiền thuế nợ theo đề nghị của người nộp thuế, có thư bảo lãnh của ngân hàng."


def schedule(debt: int, today: datetime.date) -> tuple[Instalment, ...]:
    """``MONTHS`` monthly instalments from next month summing to ``debt``; the last takes the remainder."""
    first = add_months(today.replace(day=DUE_DAY), 1)
    share = debt // MONTHS
    amounts = [share] * (MONTHS - 1) + [debt - share * (MONTHS - 1)]
    return tuple(Instalment(add_months(first, n), amount) for n, amount in enumerate(amounts))


async def agree_demo_plan(session: AsyncSession, officer: Principal, tax_code: str, today: datetime.date) -> int:
    """The plan agreed today on the open case of ``tax_code``; its id, or 0 when it has no such case to plan."""
    case = await session.scalar(
        select(ArrearsCase).where(ArrearsCase.tax_code == tax_code, ArrearsCase.status == CaseStatus.OPEN.value)
    )
    if case is None or case.overdue_total < MONTHS:  # six instalments of at least 1 đồng each
        return 0
    agreed = await session.scalar(
        select(InstalmentPlan.id).where(InstalmentPlan.case_id == case.id, InstalmentPlan.is_active.is_(True))
    )
    if agreed is not None:  # by a run killed after this step
        return agreed
    instalments = schedule(case.overdue_total, today)
    guarantee = Guarantee(GUARANTOR, case.overdue_total, instalments[-1].due_on + GUARANTEE_MARGIN)
    action = NewAction(kind=ActionKind.INSTALMENT_PLAN, note=NOTE, instalments=instalments, guarantee=guarantee)
    row, _view = await WorklistService(session).record_action(officer, case.id, action, today)
    return int(row.details["plan_id"])


async def agree_for_demo_taxpayer(settings: Settings, today: datetime.date) -> int:
    """The demo officer agrees a plan with the demo taxpayer's login's enterprise; the plan's id (0: none agreed)."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            logins = await session.scalars(select(User).where(User.username.in_(["officer", DEMO_TAXPAYER[0]])))
            users = {user.username: user for user in logins}
            officer, taxpayer = users.get("officer"), users.get(DEMO_TAXPAYER[0])
            if officer is None or taxpayer is None or taxpayer.tax_code is None:
                return 0
            plan_id = await agree_demo_plan(session, principal_of(officer), taxpayer.tax_code, today)
            await session.commit()
            return plan_id
    finally:
        await engine.dispose()
