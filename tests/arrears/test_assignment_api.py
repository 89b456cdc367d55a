"""Assigning cases: by hand within the tax office, and automatically balancing the amount each officer holds."""

import httpx
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears.models import ArrearsCase, ArrearsCaseEvent
from taxoffice.arrears.services import balance
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from tests.arrears.worklist_support import D, officer, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
ON = D(2025, 10, 30)


def test_greedy_balance_gives_the_largest_case_to_the_lightest_officer() -> None:
    # A holds 30, B 0, C 10 (millions); cases 90, 70, 50, 40, 30, 10.
    cases = [(1, 90), (2, 70), (3, 50), (4, 40), (5, 30), (6, 10)]
    given = balance(cases, {101: 30, 102: 0, 103: 10})
    # 90 → B (0 → 90); 70 → C (10 → 80); 50 → A (30 → 80); 40 → A (tie 80/80, lower id; → 120);
    # 30 → C (80 → 110); 10 → B (90 → 100).
    assert given == {1: 102, 2: 103, 3: 101, 4: 101, 5: 103, 6: 102}
    held = {101: 30, 102: 0, 103: 10}
    for case_id, officer_id in given.items():
        held[officer_id] += dict(cases)[case_id]
    assert held == {101: 120, 102: 100, 103: 110}
    assert balance(cases, {}) == {}


async def test_assign_by_hand_within_the_office(
    client: httpx.AsyncClient, app: Litestar, session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    clock.set(2025, 10, 30)
    case = await open_case(
        session, await taxpayer(session, "Công ty Giao Việc"), oldest_due_on=D(2025, 9, 1), total=M, as_of=ON
    )
    me, headers = await officer(app, session, settings, "HNI")
    other_office, _ = await officer(app, session, settings, "HCM")
    manager_id, _ = await officer(app, session, settings, "HNI", role=Role.MANAGER)
    url = f"/api/v1/arrears/cases/{case.id}/assign"
    for wrong in (other_office, manager_id, 999_999):
        response = await client.post(url, json={"officer_id": wrong}, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["code"] == "officer.not_in_office"
    assert (await client.post(url, json={"officer_id": "x"}, headers=headers)).status_code == 400
    done = await client.post(url, json={"officer_id": me}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["case"]["officer_id"] == me
    assert [(e["kind"], e["to_value"]) for e in done.json()["events"]] == [("assigned", str(me))]


async def test_auto_assignment_balances_amounts_held(
    client: httpx.AsyncClient, app: Litestar, login: Login, session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    clock.set(2025, 10, 30)
    a, headers = await officer(app, session, settings, "HBT")
    b, _ = await officer(app, session, settings, "HBT")
    c, _ = await officer(app, session, settings, "HBT")
    held = await open_case(
        session,
        await taxpayer(session, "Công ty Đã Giao", office="HBT"),
        oldest_due_on=D(2025, 9, 1),
        total=30 * M,
        as_of=ON,
        officer_id=a,
    )
    amounts = [90, 70, 50, 40, 30, 10]
    ids = []
    for n, amount in enumerate(amounts):
        debtor = await taxpayer(session, f"Công ty Nợ {n}", office="HBT")
        ids.append((await open_case(session, debtor, oldest_due_on=D(2025, 9, 1), total=amount * M, as_of=ON)).id)
    elsewhere = await open_case(
        session, await taxpayer(session, "Công ty Khác"), oldest_due_on=D(2025, 9, 1), total=M, as_of=ON
    )
    response = await client.post("/api/v1/arrears/auto-assign", json={"tax_office": "HBT"}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["assigned"] == 6
    loads = {o["officer_id"]: (o["cases"], o["amount"], o["assigned"]) for o in body["officers"]}
    # A holds 30 already: 90 → B (90), 70 → C (70), 50 → A (80), 40 → C (110), 30 → A (110), 10 → B (100).
    expected = dict(zip(ids, (b, c, a, c, a, b), strict=True))
    totals = {a: 110 * M, b: 100 * M, c: 110 * M}
    assert {o: load[1] for o, load in loads.items()} == totals
    assert {o: load[2] for o, load in loads.items()} == {a: 2, b: 2, c: 2}
    assert max(totals.values()) - min(totals.values()) <= 10 * M
    rows = dict(
        (await session.execute(select(ArrearsCase.id, ArrearsCase.officer_id).where(ArrearsCase.id.in_(ids)))).all()
    )
    assert rows == expected
    assert (await session.get(ArrearsCase, elsewhere.id)).officer_id is None  # type: ignore[union-attr]
    assert (await session.get(ArrearsCase, held.id)).officer_id == a  # type: ignore[union-attr]
    events = await session.scalars(select(ArrearsCaseEvent).where(ArrearsCaseEvent.kind == "assigned"))
    assert len(list(events)) == 6
    again = await client.post("/api/v1/arrears/auto-assign", json={"tax_office": "HBT"}, headers=headers)
    assert again.json()["assigned"] == 0
    assert (
        await client.post("/api/v1/arrears/auto-assign", json={"tax_office": "HNI"}, headers=headers)
    ).status_code == 403
    admin = await login(Role.ADMIN)
    nobody = await client.post("/api/v1/arrears/auto-assign", json={"tax_office": "XYZ"}, headers=admin)
    assert nobody.status_code == 422


async def test_auto_assignment_leaves_frozen_cases_alone(
    client: httpx.AsyncClient, app: Litestar, session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    # A frozen case is not worked until lifted (Law 38/2019 Art. 83, 124.5): not given out, not counted as held.
    clock.set(2025, 10, 30)
    a, headers = await officer(app, session, settings, "HKM")
    b, _ = await officer(app, session, settings, "HKM")

    async def case(name: str, millions: int, category: str, officer_id: int | None = None) -> ArrearsCase:
        debtor = await taxpayer(session, name, office="HKM")
        return await open_case(
            session,
            debtor,
            oldest_due_on=D(2025, 9, 1),
            total=millions * M,
            as_of=ON,
            category=category,
            officer_id=officer_id,
        )

    # A holds a frozen 500 million: without the rule A would get nothing and B both cases.
    await case("Công ty Khoanh Nợ Đã Giao", 500, "frozen", officer_id=a)
    frozen = await case("Công ty Khoanh Nợ", 80, "frozen")
    big = await case("Công ty Nợ Lớn", 60, "collectible")
    small = await case("Công ty Nợ Nhỏ", 20, "collectible")
    response = await client.post("/api/v1/arrears/auto-assign", json={"tax_office": "HKM"}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["assigned"] == 2
    # 60 → A (0 → 60, ties: lower id), 20 → B (0 → 20); the frozen 500 and 80 are in no one's totals.
    loads = {o["officer_id"]: (o["cases"], o["amount"], o["assigned"]) for o in body["officers"]}
    assert loads == {a: (1, 60 * M, 1), b: (1, 20 * M, 1)}
    await session.refresh(frozen)
    await session.refresh(big)
    await session.refresh(small)
    assert (frozen.officer_id, big.officer_id, small.officer_id) == (None, a, b)
    # Lifted, the case is given out at the next run: to B, who holds the least (20 against 60).
    frozen.is_frozen, frozen.category = False, "collectible"
    await session.commit()
    again = await client.post("/api/v1/arrears/auto-assign", json={"tax_office": "HKM"}, headers=headers)
    assert again.json()["assigned"] == 1
    await session.refresh(frozen)
    assert frozen.officer_id == b
