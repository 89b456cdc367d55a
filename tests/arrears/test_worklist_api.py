"""The arrears worklist over HTTP: filters for today, sorting, keyset pages, one case, access, bad input."""

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.arrears.models import ArrearsAction
from taxoffice.auth.roles import Role
from taxoffice.config import Settings
from tests.arrears.worklist_support import D, officer, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
URL = "/api/v1/arrears/cases"


@pytest.fixture
async def cases(session: AsyncSession, clock: Clock) -> dict[str, int]:
    """Five HNI cases seen on 30 Oct 2025 (debt due 31 Jul 2025 is 91 days overdue), and one of HCM."""
    clock.set(2025, 10, 30)
    on = D(2025, 10, 30)
    made = {}
    for label, due, total, category in [
        ("d91", D(2025, 7, 31), 50 * M, "collectible"),
        ("d90", D(2025, 8, 1), 80 * M, "collectible"),
        ("d30", D(2025, 9, 30), 5 * M, "collectible"),
        ("d400", D(2024, 9, 25), 120 * M, "difficult"),
        ("d61", D(2025, 8, 30), 20 * M, "instalment"),
    ]:
        debtor = await taxpayer(session, f"Công ty {label}")
        made[label] = (await open_case(session, debtor, oldest_due_on=due, total=total, as_of=on, category=category)).id
    other = await taxpayer(session, "Công ty Sài Gòn", office="HCM")
    made["hcm"] = (await open_case(session, other, oldest_due_on=D(2025, 7, 1), total=999 * M, as_of=on)).id
    return made


async def _ids(client: httpx.AsyncClient, headers: dict[str, str], query: str = "") -> list[int]:
    response = await client.get(f"{URL}?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_buckets_and_stages_are_for_today_at_the_boundaries(
    client: httpx.AsyncClient, login: Login, cases: dict[str, int]
) -> None:
    staff = await login(Role.OFFICER)
    assert await _ids(client, staff, "bucket=91-120") == [cases["d91"]]
    assert await _ids(client, staff, "bucket=61-90") == [cases["d90"], cases["d61"]]
    assert await _ids(client, staff, "bucket=1-30") == [cases["d30"]]
    assert await _ids(client, staff, "bucket=over-365") == [cases["d400"]]
    assert await _ids(client, staff, "stage=enforcement") == [cases["d91"]]
    assert await _ids(client, staff, "stage=warning_letter") == [cases["d90"], cases["d61"]]
    assert await _ids(client, staff, "stage=reminder") == [cases["d30"]]
    item = (await client.get(f"{URL}/{cases['d91']}", headers=staff)).json()["case"]
    assert (item["days_overdue"], item["bucket"], item["stage"]) == (91, "91-120", "enforcement")


async def test_filters_sort_and_keyset_pages(client: httpx.AsyncClient, login: Login, cases: dict[str, int]) -> None:
    staff = await login(Role.OFFICER)
    by_amount = [cases[k] for k in ("d400", "d90", "d91", "d61", "d30")]
    assert await _ids(client, staff) == by_amount
    assert await _ids(client, staff, "sort=age") == [cases[k] for k in ("d400", "d91", "d90", "d61", "d30")]
    assert await _ids(client, staff, "category=difficult") == [cases["d400"]]
    assert await _ids(client, staff, f"min_amount={20 * M}&max_amount={80 * M}") == [
        cases[k] for k in ("d90", "d91", "d61")
    ]
    seen: list[int] = []
    query = "limit=2"
    while True:
        page = (await client.get(f"{URL}?{query}", headers=staff)).json()
        seen.extend(item["id"] for item in page["items"])
        if page["next_cursor"] is None:
            break
        query = f"limit=2&cursor={page['next_cursor']}"
    assert seen == by_amount
    first = (await client.get(f"{URL}?limit=2&sort=age", headers=staff)).json()
    rest = await _ids(client, staff, f"sort=age&cursor={first['next_cursor']}")
    assert [i["id"] for i in first["items"]] + rest == [cases[k] for k in ("d400", "d91", "d90", "d61", "d30")]


async def test_officers_see_their_office_managers_every_office(
    client: httpx.AsyncClient,
    login: Login,
    app: Litestar,
    session: AsyncSession,
    settings: Settings,
    cases: dict[str, int],
) -> None:
    hni = await login(Role.OFFICER)
    assert cases["hcm"] not in await _ids(client, hni)
    assert (await client.get(f"{URL}/{cases['hcm']}", headers=hni)).status_code == 404
    assert (await client.get(f"{URL}/{cases['d91']}", headers=hni)).status_code == 200
    _, hcm = await officer(app, session, settings, "HCM")
    assert await _ids(client, hcm) == [cases["hcm"]]
    manager = await login(Role.MANAGER)
    assert await _ids(client, manager, "tax_office=HCM") == [cases["hcm"]]
    assert (await client.get(f"{URL}/{cases['hcm']}", headers=manager)).status_code == 200
    note = {"kind": "note", "note": "Gọi điện không ai nghe"}
    assert (await client.post(f"{URL}/{cases['d91']}/actions", json=note, headers=manager)).status_code == 403
    assert (await client.post(f"{URL}/{cases['hcm']}/actions", json=note, headers=hni)).status_code == 404
    debtor = await login(Role.TAXPAYER, tax_code="0100000010")
    assert (await client.get(URL, headers=debtor)).status_code == 403
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(f"{URL}/{cases['d91']}")).status_code == 401


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("bucket=91-100", 400),
        ("stage=note", 422),
        ("stage=nonsense", 400),
        ("category=lost", 400),
        ("min_amount=5&max_amount=4", 422),
        ("min_amount=-1", 400),
        ("cursor=not-a-cursor", 422),
        ("cursor=WyJhZ2UiLCAiMjAyNS0wMS0wMSIsIDFd", 422),  # an age cursor used with the amount sort
        ("limit=0", 400),
        ("sort=name", 400),
    ],
)
async def test_bad_queries_are_problems(
    client: httpx.AsyncClient, login: Login, cases: dict[str, int], query: str, status: int
) -> None:
    response = await client.get(f"{URL}?{query}", headers=await login(Role.OFFICER))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_case_proposes_the_ladder_and_is_stalled_after_five_working_days(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    # Debt due 31 Jul 2025; reminder taken 4 Aug; the notice is due Sunday 31 Aug; 1-2 Sep are holidays.
    debtor = await taxpayer(session, "Công ty Chậm Nộp")
    case = await open_case(
        session,
        debtor,
        oldest_due_on=D(2025, 7, 31),
        total=40 * M,
        as_of=D(2025, 9, 9),
        next_action="debt_notice",
        next_action_due_on=D(2025, 8, 31),
    )
    session.add(
        ArrearsAction(
            case_id=case.id, kind="reminder", taken_on=D(2025, 8, 4), officer="officer1", channel="phone", details={}
        )
    )
    await session.commit()
    staff = await login(Role.OFFICER)
    clock.set(2025, 9, 9)
    body = (await client.get(f"{URL}/{case.id}", headers=staff)).json()
    assert [(p["kind"], p["due_on"]) for p in body["proposals"]] == [
        ("debt_notice", "2025-08-31"),
        ("warning_letter", "2025-09-30"),
    ]
    assert body["case"]["is_stalled"] is False
    assert body["actions"][0]["kind"] == "reminder"
    assert await _ids(client, staff, "stalled=true") == []
    clock.set(2025, 9, 10)
    body = (await client.get(f"{URL}/{case.id}", headers=staff)).json()
    assert body["case"]["is_stalled"] is True
    assert await _ids(client, staff, "stalled=true") == [case.id]
    assert await _ids(client, staff, "stalled=false") == []


async def test_difficult_cases_get_no_proposals(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2025, 10, 30)
    debtor = await taxpayer(session, "Công ty Phá Sản", status="07")
    case = await open_case(
        session, debtor, oldest_due_on=D(2025, 7, 31), total=M, as_of=D(2025, 10, 30), category="difficult"
    )
    body = (await client.get(f"{URL}/{case.id}", headers=await login(Role.OFFICER))).json()
    assert body["proposals"] == []
    assert body["case"]["is_stalled"] is False
    assert body["case"]["category"] == "difficult"
