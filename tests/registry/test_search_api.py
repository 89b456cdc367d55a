"""Search: tax-code prefix, name prefix, accent-free words, filters, keyset pages, who sees what."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from registry.vocabulary import TaxpayerKind
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.users import Login

NAMES = [
    "Công ty Kiểm Thử",
    "Công ty TNHH Kiểm Toán Sao Mai",
    "Công ty Cổ phần Đầu tư Hòa Bình",
    "Hộ kinh doanh Đặng Thị Ánh",
    "Doanh nghiệp tư nhân Kiểm Định",
]


async def _seed(session: AsyncSession) -> list[str]:
    return [(await register_enterprise(session, f"01090{i:05d}", name)).tax_code for i, name in enumerate(NAMES)]


async def test_accent_free_words_find_the_name(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    await _seed(session)
    officer = await login(Role.OFFICER)
    found = await client.get("/api/v1/taxpayers", params={"q": "cong ty kiem thu"}, headers=officer)
    assert found.status_code == 200, found.text
    assert [t["name"] for t in found.json()["items"]] == ["Công ty Kiểm Thử"]
    words = await client.get("/api/v1/taxpayers", params={"q": "KIEM"}, headers=officer)
    assert {t["name"] for t in words.json()["items"]} == {
        "Công ty Kiểm Thử",
        "Công ty TNHH Kiểm Toán Sao Mai",
        "Doanh nghiệp tư nhân Kiểm Định",
    }
    accented = await client.get("/api/v1/taxpayers", params={"q": "đặng ánh"}, headers=officer)
    assert [t["name"] for t in accented.json()["items"]] == ["Hộ kinh doanh Đặng Thị Ánh"]


async def test_name_prefix_sorted_by_name(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    await _seed(session)
    officer = await login(Role.OFFICER)
    found = await client.get("/api/v1/taxpayers", params={"q": "Công ty", "match": "prefix"}, headers=officer)
    assert [t["name"] for t in found.json()["items"]] == [
        "Công ty Cổ phần Đầu tư Hòa Bình",
        "Công ty Kiểm Thử",
        "Công ty TNHH Kiểm Toán Sao Mai",
    ]
    none = await client.get("/api/v1/taxpayers", params={"q": "kiem", "match": "prefix"}, headers=officer)
    assert none.json()["items"] == []


async def test_tax_code_prefix_and_pages(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    codes = await _seed(session)
    officer = await login(Role.OFFICER)
    exact = await client.get("/api/v1/taxpayers", params={"q": codes[2]}, headers=officer)
    assert [t["tax_code"] for t in exact.json()["items"]] == [codes[2]]
    common = codes[0][:4]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"q": common, "limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/taxpayers", params=params, headers=officer)).json()
        seen += [t["tax_code"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(codes)


async def test_filters(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    await _seed(session)
    await register_enterprise(session, "001090999999", "Nguyễn Văn Kiểm", TaxpayerKind.INDIVIDUAL)
    officer = await login(Role.OFFICER)
    found = await client.get("/api/v1/taxpayers", params={"q": "kiem", "kind": "individual"}, headers=officer)
    assert [t["name"] for t in found.json()["items"]] == ["Nguyễn Văn Kiểm"]
    closed = await client.get("/api/v1/taxpayers", params={"status": "01"}, headers=officer)
    assert closed.json()["items"] == []


async def test_bad_search_input(client: httpx.AsyncClient, login: Login) -> None:
    officer = await login(Role.OFFICER)
    assert (await client.get("/api/v1/taxpayers", params={"cursor": "garbage!"}, headers=officer)).status_code == 422
    assert (await client.get("/api/v1/taxpayers", params={"limit": "100000"}, headers=officer)).status_code == 400
    assert (await client.get("/api/v1/taxpayers", params={"kind": "alien"}, headers=officer)).status_code == 400
    assert (await client.get("/api/v1/taxpayers", params={"q": "%%%"}, headers=officer)).status_code in {200, 422}


async def test_taxpayer_finds_only_itself(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    codes = await _seed(session)
    me = await login(Role.TAXPAYER, tax_code=codes[0])
    found = await client.get("/api/v1/taxpayers", params={"q": "cong ty"}, headers=me)
    assert [t["tax_code"] for t in found.json()["items"]] == [codes[0]]
