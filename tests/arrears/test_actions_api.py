"""Recording actions on a case over HTTP: reminders, plans, freezes, their events and audit, and bad input."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.models import InterestPause
from taxoffice.arrears.models import ArrearsCase, ArrearsCaseEvent, InstalmentPlan
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from tests.arrears.worklist_support import D, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000


@pytest.fixture
async def case(session: AsyncSession, clock: Clock) -> ArrearsCase:
    """12,000,000 overdue since 31 Jul 2025, seen on 30 Oct 2025 (91 days: enforcement due)."""
    clock.set(2025, 10, 30)
    debtor = await taxpayer(session, "Công ty Trả Góp")
    return await open_case(session, debtor, oldest_due_on=D(2025, 7, 31), total=12 * M, as_of=D(2025, 10, 30))


def _url(case: ArrearsCase) -> str:
    return f"/api/v1/arrears/cases/{case.id}/actions"


async def test_reminder_needs_a_channel_and_moves_the_proposal(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, case: ArrearsCase
) -> None:
    officer = await login(Role.OFFICER)
    missing = await client.post(_url(case), json={"kind": "reminder"}, headers=officer)
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["channel"]
    done = await client.post(
        _url(case),
        json={
            "kind": "bank_deduction",
            "details": {"bank": "VCB", "account": "0011", "amount": 12 * M},
            "follow_up_on": "2025-11-06",
            "note": "Quyết định cưỡng chế số 12",
        },
        headers=officer,
    )
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["action"]["kind"] == "bank_deduction"
    assert body["action"]["details"]["bank"] == "VCB"
    assert body["action"]["follow_up_on"] == "2025-11-06"
    # Enforcement is done by the bank deduction: the notice due since 31 Aug comes first now.
    assert [p["kind"] for p in body["case"]["proposals"]] == ["debt_notice", "invoice_invalidation"]
    await session.refresh(case)
    assert case.next_action == "debt_notice"
    audit = await session.scalar(select(AuditEvent).where(AuditEvent.action == "arrears.action"))
    assert audit is not None
    assert audit.data["kind"] == "bank_deduction"


async def test_instalment_plan_makes_the_case_instalment_with_an_event(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, case: ArrearsCase
) -> None:
    plan = [{"due_on": f"2025-{m:02d}-15", "amount": 4 * M} for m in (11, 12)] + [
        {"due_on": "2026-01-15", "amount": 4 * M}
    ]
    body = {"kind": "instalment_plan", "instalments": plan, "guarantee": GUARANTEE}
    response = await client.post(_url(case), json=body, headers=await login(Role.OFFICER))
    assert response.status_code == 201, response.text
    detail = response.json()["case"]
    assert detail["case"]["category"] == "instalment"
    assert detail["proposals"] == []
    assert detail["plan"]["status"] == "kept"
    assert [(e["kind"], e["from_value"], e["to_value"]) for e in detail["events"]] == [
        ("category", "collectible", "instalment")
    ]
    stored = await session.scalar(select(InstalmentPlan).where(InstalmentPlan.case_id == case.id))
    assert stored is not None
    assert stored.debt == 12 * M
    # The guarantor is kept with the action: whom the office asks to pay if an instalment is missed (Art. 66.4).
    [recorded] = [a for a in detail["actions"] if a["kind"] == "instalment_plan"]
    assert recorded["details"]["guarantee"] == GUARANTEE


GUARANTEE = {"guarantor": "Ngân hàng TMCP Ngoại thương Việt Nam", "amount": 12 * M, "valid_until": "2026-01-31"}
EVEN = [{"due_on": "2025-11-15", "amount": 6 * M}, {"due_on": "2025-12-15", "amount": 6 * M}]


@pytest.mark.parametrize(
    ("guarantee", "codes"),
    [
        (None, ["guarantee_missing"]),
        ({**GUARANTEE, "amount": 11 * M}, ["guarantee_too_small"]),
        ({**GUARANTEE, "valid_until": "2025-11-30"}, ["after_guarantee"]),
    ],
)
async def test_a_plan_needs_a_guarantee_of_the_whole_debt_for_its_whole_length(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    case: ArrearsCase,
    guarantee: dict[str, object] | None,
    codes: list[str],
) -> None:
    # Law 38/2019 Art. 124.5 and Circular 80/2021 Art. 66.3.a-b, on the case's 12,000,000 đ.
    body: dict[str, object] = {"kind": "instalment_plan", "instalments": EVEN}
    if guarantee is not None:
        body["guarantee"] = guarantee
    response = await client.post(_url(case), json=body, headers=await login(Role.OFFICER))
    assert response.status_code == 422, response.text
    assert [e["code"] for e in response.json()["errors"]] == codes
    assert await session.scalar(select(InstalmentPlan.id)) is None


@pytest.mark.parametrize(
    ("instalments", "codes"),
    [
        (
            [{"due_on": "2025-11-15", "amount": 6 * M}, {"due_on": "2026-11-16", "amount": 6 * M}],
            ["longer_than_12_months", "after_guarantee"],
        ),
        (
            [{"due_on": "2025-11-15", "amount": 6 * M}, {"due_on": "2025-12-15", "amount": 5 * M}],
            ["total_mismatch", "below_monthly_average"],
        ),
        (
            [{"due_on": "2025-12-15", "amount": 6 * M}, {"due_on": "2025-11-15", "amount": 6 * M}],
            ["dates_not_increasing"],
        ),
        ([{"due_on": "2025-10-01", "amount": 12 * M}], ["date.past"]),
        ([], ["empty"]),
        # Circular 80/2021 Art. 66.3.c: one instalment a month, none below the average (12,000,000 / 2).
        ([{"due_on": "2025-11-15", "amount": 6 * M}, {"due_on": "2025-11-28", "amount": 6 * M}], ["not_monthly"]),
        (
            [{"due_on": "2025-11-15", "amount": 2 * M}, {"due_on": "2025-12-15", "amount": 10 * M}],
            ["below_monthly_average"],
        ),
        # 66.3.b: every instalment within the guarantee (valid until 31 Jan 2026).
        (
            [{"due_on": "2025-12-15", "amount": 6 * M}, {"due_on": "2026-02-15", "amount": 6 * M}],
            ["after_guarantee"],
        ),
    ],
)
async def test_bad_plans_are_422_with_every_problem(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    case: ArrearsCase,
    instalments: list[dict[str, object]],
    codes: list[str],
) -> None:
    body = {"kind": "instalment_plan", "instalments": instalments, "guarantee": GUARANTEE}
    response = await client.post(_url(case), json=body, headers=await login(Role.OFFICER))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["code"] for e in response.json()["errors"]] == codes
    assert await session.scalar(select(InstalmentPlan.id)) is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "reminder", "channel": "fax"}, 400),
        ({"kind": "shout"}, 400),
        ({"kind": "note", "follow_up_on": "2025-10-29"}, 422),
        ({"kind": "note", "frozen": True}, 422),
        ({"kind": "note", "guarantee": {"guarantor": "VCB", "amount": 1, "valid_until": "2026-01-31"}}, 422),
        ({"kind": "debt_notice"}, 422),
        ({"kind": "instalment_plan", "instalments": [{"due_on": "2025-11-15", "amount": 1.5}]}, 400),
        ({"kind": "note", "extra": 1}, 400),
    ],
)
async def test_bad_actions_are_problems(
    client: httpx.AsyncClient, login: Login, case: ArrearsCase, body: dict[str, object], status: int
) -> None:
    response = await client.post(_url(case), json=body, headers=await login(Role.OFFICER))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_freeze_and_unfreeze_move_the_category_and_resume_the_ladder(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, case: ArrearsCase, clock: Clock
) -> None:
    officer = await login(Role.OFFICER)
    unknown = {"kind": "freeze", "details": {"ground": "hardship"}}
    assert (await client.post(_url(case), json=unknown, headers=officer)).status_code == 422
    future = {"kind": "freeze", "details": {"ground": "bankruptcy", "frozen_from": "2025-11-01"}}
    assert (await client.post(_url(case), json=future, headers=officer)).status_code == 422
    # Art. 83.3: frozen from the day the court gave notice it accepted the petition (1 Oct 2025).
    body = {"kind": "freeze", "note": "Khoanh nợ", "details": {"ground": "bankruptcy", "frozen_from": "2025-10-01"}}
    frozen = await client.post(_url(case), json=body, headers=officer)
    assert frozen.status_code == 201, frozen.text
    assert frozen.json()["case"]["case"]["category"] == "frozen"
    assert frozen.json()["case"]["case"]["is_frozen"] is True
    again = await client.post(_url(case), json={"kind": "freeze"}, headers=officer)
    assert again.status_code == 409
    clock.set(2025, 12, 1)
    thawed = await client.post(_url(case), json={"kind": "freeze", "frozen": False}, headers=officer)
    assert thawed.status_code == 201, thawed.text
    detail = thawed.json()["case"]
    assert detail["case"]["category"] == "collectible"
    # Collectible again from 1 Dec: everything overdue is due that day, not late since August.
    assert {p["due_on"] for p in detail["proposals"] if p["due_on"] <= "2025-12-01"} == {"2025-12-01"}
    assert detail["case"]["is_stalled"] is False
    events = list(await session.scalars(select(ArrearsCaseEvent).order_by(ArrearsCaseEvent.id)))
    assert [(e.event_on, e.from_value, e.to_value) for e in events] == [
        (D(2025, 10, 30), "collectible", "frozen"),
        (D(2025, 12, 1), "frozen", "collectible"),
    ]
    # No late-payment interest from 1 Oct to 30 Nov (Art. 59.6): the taxpayer's interest pause.
    pauses = (
        await session.execute(select(InterestPause.started_on, InterestPause.ended_on, InterestPause.reason))
    ).all()
    assert [tuple(row) for row in pauses] == [(D(2025, 10, 1), D(2025, 12, 1), "freeze")]


async def test_closed_cases_take_no_actions(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, case: ArrearsCase
) -> None:
    case.status, case.closed_on = "closed", D(2025, 10, 20)
    await session.commit()
    response = await client.post(_url(case), json={"kind": "note", "note": "x"}, headers=await login(Role.OFFICER))
    assert response.status_code == 409
