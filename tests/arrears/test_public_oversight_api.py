"""Manager oversight per officer and per tax office (the public debtor list: test_debtor_publication.py)."""

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.models import Allocation, Charge, Payment
from taxoffice.arrears.models import ArrearsAction
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from tests.arrears.worklist_support import D, officer, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
ON = D(2025, 10, 30)


async def _allocate(session: AsyncSession, debtor_id: int, tax_code: str, amount: int, paid_on: D, ref: str) -> None:
    charge = Charge(
        taxpayer_id=debtor_id,
        tax_code=tax_code,
        tax_type="VAT",
        sub_item="1701",
        period="2025-06",
        kind="tax",
        amount=amount,
        due_on=D(2025, 7, 31),
        interest_from=D(2025, 7, 31),
        source="test",
    )
    payment = Payment(
        bank_ref=ref,
        tax_code=tax_code,
        taxpayer_id=debtor_id,
        amount=amount,
        paid_on=paid_on,
        source="bank",
        status="allocated",
        unallocated=0,
        received_by="bank",
    )
    session.add_all([charge, payment])
    await session.flush()
    session.add(
        Allocation(
            payment_id=payment.id,
            charge_id=charge.id,
            taxpayer_id=debtor_id,
            component="tax",
            amount=amount,
            paid_on=paid_on,
        )
    )
    await session.commit()


async def test_oversight_per_officer_and_office(
    client: httpx.AsyncClient, app: Litestar, login: Login, session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    clock.set(2025, 10, 30)
    a, _ = await officer(app, session, settings, "HNI")
    b, _ = await officer(app, session, settings, "HNI")
    one = await taxpayer(session, "Công ty Một")
    stalled = await open_case(
        session,
        one,
        oldest_due_on=D(2025, 7, 31),
        total=50 * M,
        as_of=ON,
        officer_id=a,
        next_action="enforcement",
        next_action_due_on=D(2025, 10, 1),
    )
    two = await taxpayer(session, "Công ty Hai")
    await open_case(
        session,
        two,
        oldest_due_on=D(2025, 9, 30),
        total=5 * M,
        as_of=ON,
        officer_id=a,
        next_action="debt_notice",
        next_action_due_on=D(2025, 10, 30),
    )
    three = await taxpayer(session, "Công ty Ba")
    paid = await open_case(session, three, oldest_due_on=D(2025, 7, 31), total=8 * M, as_of=ON, officer_id=b)
    paid.status, paid.closed_on = "closed", D(2025, 10, 15)
    await open_case(session, await taxpayer(session, "Công ty Bốn"), oldest_due_on=D(2025, 9, 1), total=3 * M, as_of=ON)
    hcm = await taxpayer(session, "Công ty Năm", office="HCM")
    await open_case(session, hcm, oldest_due_on=D(2025, 9, 1), total=9 * M, as_of=ON)
    await session.commit()
    await _allocate(session, three.id, three.tax_code, 8 * M, D(2025, 10, 15), "REF-1")  # closes b's case: counted
    await _allocate(session, three.id, three.tax_code, 2 * M, D(2025, 10, 20), "REF-2")  # after closing: not counted
    await _allocate(session, one.id, one.tax_code, M, D(2025, 9, 20), "REF-3")  # before the period
    await _allocate(session, one.id, one.tax_code, 4 * M, D(2025, 10, 2), "REF-4")
    session.add_all(
        [
            ArrearsAction(
                case_id=stalled.id, kind="reminder", taken_on=D(2025, 10, 3), officer="x", channel="sms", details={}
            ),
            ArrearsAction(case_id=stalled.id, kind="note", taken_on=D(2025, 9, 3), officer="x", details={}),
            ArrearsAction(case_id=paid.id, kind="warning_letter", taken_on=D(2025, 10, 5), officer="y", details={}),
        ]
    )
    await session.commit()
    manager = await login(Role.MANAGER)
    response = await client.get(
        "/api/v1/arrears/oversight?from=2025-10-01&to=2025-10-30&tax_office=HNI", headers=manager
    )
    assert response.status_code == 200, response.text
    body = response.json()
    people = {row["officer_id"]: row for row in body["officers"]}
    fields = ("open_cases", "amount_held", "stalled_cases", "collected", "actions_taken")
    assert tuple(people[a][f] for f in fields) == (2, 55 * M, 1, 4 * M, 1)
    assert tuple(people[b][f] for f in fields) == (0, 0, 0, 8 * M, 1)
    assert [row["tax_office"] for row in body["offices"]] == ["HNI"]
    assert tuple(body["offices"][0][f] for f in fields) == (3, 58 * M, 1, 12 * M, 2)
    everywhere = (await client.get("/api/v1/arrears/oversight?from=2025-10-01&to=2025-10-30", headers=manager)).json()
    assert {row["tax_office"]: row["open_cases"] for row in everywhere["offices"]}["HCM"] == 1
    reversed_dates = await client.get("/api/v1/arrears/oversight?from=2025-10-30&to=2025-10-01", headers=manager)
    assert reversed_dates.status_code == 422
    assert reversed_dates.json()["errors"][0]["code"] == "range.reversed"
    assert (await client.get("/api/v1/arrears/oversight?from=2025-13-01", headers=manager)).status_code == 400
    assert (await client.get("/api/v1/arrears/oversight", headers=await login(Role.OFFICER))).status_code == 403
    assert (await client.get("/api/v1/arrears/oversight")).status_code == 401
