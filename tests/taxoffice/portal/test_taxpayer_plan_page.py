"""The taxpayer's account page shows its instalment plan: each instalment paid, next or missed, and what a miss brings."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears.instalments import Instalment, PlanState, PlanStatus
from taxoffice.arrears.taxpayer_plan import InstalmentStatus, instalment_rows
from taxoffice.auth.roles import Role
from tests.arrears.worklist_support import D, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login

M = 1_000_000
BANK = "Ngân hàng TMCP Ngoại thương Việt Nam"
SCHEDULE = (Instalment(D(2025, 11, 15), 4 * M), Instalment(D(2025, 12, 15), 4 * M), Instalment(D(2026, 1, 15), 4 * M))


def test_each_instalment_is_paid_next_missed_or_later() -> None:
    paid, nxt, missed, later = (
        InstalmentStatus.PAID,
        InstalmentStatus.NEXT,
        InstalmentStatus.MISSED,
        InstalmentStatus.LATER,
    )
    kept = PlanState(PlanStatus.KEPT, 4 * M, next_due=SCHEDULE[1])
    assert [r.status for r in instalment_rows(SCHEDULE, kept)] == [paid, nxt, later]
    # 3,500,000 paid by 15 Nov: the first is missed (500,000 short), the others wait; no "next" once missed.
    short = PlanState(PlanStatus.MISSED, 3_500_000, missed_index=0, missed_on=D(2025, 11, 16), shortfall=500_000)
    assert [r.status for r in instalment_rows(SCHEDULE, short)] == [missed, later, later]
    done = PlanState(PlanStatus.COMPLETED, 12 * M)
    assert [r.status for r in instalment_rows(SCHEDULE, done)] == [paid, paid, paid]


async def test_the_taxpayer_sees_its_plan_then_the_missed_instalment_and_the_guarantor(
    session: AsyncSession, clock: Clock, client: httpx.AsyncClient, login: Login, browser: PageClient
) -> None:
    clock.set(2025, 10, 30)
    debtor = await taxpayer(session, "Công ty Nộp Dần")
    case = await open_case(session, debtor, oldest_due_on=D(2025, 7, 31), total=12 * M, as_of=D(2025, 10, 30))
    plan = {
        "kind": "instalment_plan",
        "instalments": [{"due_on": i.due_on.isoformat(), "amount": i.amount} for i in SCHEDULE],
        "guarantee": {"guarantor": BANK, "amount": 12 * M, "valid_until": "2026-01-31"},
    }
    officer = await login(Role.OFFICER)
    agreed = await client.post(f"/api/v1/arrears/cases/{case.id}/actions", json=plan, headers=officer)
    assert agreed.status_code == 201, agreed.text
    await login(Role.TAXPAYER, tax_code=debtor.tax_code, username="tp-plan")
    assert (await browser.log_in("tp-plan", PASSWORD)).status_code == 303

    # 20 Nov 2025: the first instalment paid on 14 Nov, the second is next.
    clock.set(2025, 11, 20)
    bank = await login(Role.BANK)
    paid = {"bank_ref": "VCB-PLAN-1", "tax_code": debtor.tax_code, "amount": 4 * M, "paid_on": "2025-11-14"}
    reported = await client.post("/api/v1/payments", json=paid, headers=bank)
    assert reported.status_code == 201, reported.text
    kept = text_of(await browser.get("/taxpayer/account"))
    assert "Kế hoạch nộp dần tiền thuế nợ" in kept
    assert "đã nộp theo kế hoạch 4.000.000" in kept
    assert (
        "15/11/2025 4.000.000 ₫ Đã nộp 15/12/2025 4.000.000 ₫ Kỳ tiếp theo 15/01/2026 4.000.000 ₫ Chưa đến hạn" in kept
    )
    assert "02/NDAN" not in kept

    # 20 Dec 2025: nothing more paid, the second is missed from 16 Dec; the office calls on the bank.
    clock.set(2025, 12, 20)
    missed = text_of(await browser.get("/taxpayer/account"))
    assert "Kỳ nộp dần đến hạn chưa được nộp đủ (thiếu 4.000.000 ₫, tính từ ngày 16/12/2025)" in missed
    assert f"mẫu 02/NDAN cho bên bảo lãnh ({BANK}) và cho bạn" in missed
    assert "15/12/2025 4.000.000 ₫ Trễ hạn" in missed
