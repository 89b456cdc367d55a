"""The taxpayer's obligations, account (page and workbook) and paying pages: its own figures, as the API gives them."""

import io

import httpx
import pytest
from litestar import Litestar
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from taxoffice.portal.formatting import money
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login

M = 1_000_000


@pytest.fixture
async def filer(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 3, 10)
    return await register_enterprise(session, "0109555201", "Công ty TNHH Tài Khoản")


@pytest.fixture
async def token(login: Login, filer: Taxpayer) -> dict[str, str]:
    """The API token of the taxpayer whose login the pages use (user ``tp-account``)."""
    return await login(Role.TAXPAYER, username="tp-account", tax_code=filer.tax_code)


async def _log_in(browser: PageClient) -> PageClient:
    assert (await browser.log_in("tp-account", PASSWORD)).status_code == 303
    return browser


async def test_obligations_show_deadlines_status_and_the_overdue_notice(
    browser: PageClient, token: dict[str, str]
) -> None:
    page = await (await _log_in(browser)).get("/taxpayer")
    assert page.status_code == 200
    text = text_of(page)
    assert "Bạn có tờ khai quá hạn chưa nộp" in text
    # January's 01/GTGT is due on 20 Feb 2026, in Tết: the office moved it to Monday 23 Feb, and says so.
    assert "23/02/2026 Hạn luật định 20/02/2026 rơi vào ngày nghỉ" in text
    assert "Quá hạn, chưa nộp" in text
    assert 'href="/taxpayer/returns/new?period=2026-01"' in page.text
    assert "Chưa đến kỳ nộp" in text  # months not ended yet
    # 05/KK-TNCN is owed only for months with tax withheld: an ended month offers the upload, never "overdue".
    assert "05/KK-TNCN Tháng 01/2026 23/02/2026" in text
    assert "Chỉ nộp nếu có khấu trừ thuế Có khấu trừ thuế: nộp tệp tờ khai" in text
    last_year = text_of(await browser.get("/taxpayer?year=2025"))
    assert "Không có tờ khai nào phải nộp cho năm này" in last_year  # registered in January 2026


async def test_obligations_in_english(app: Litestar, token: dict[str, str]) -> None:
    async with PageClient(app, lang="en") as browser:
        text = text_of(await (await _log_in(browser)).get("/taxpayer"))
    assert "You have overdue returns not filed" in text
    assert "falls on a day off: moved to the next working day" in text
    assert "File now" in text
    assert "Owed only if tax was withheld Tax withheld: upload the return" in text


async def test_the_account_shows_the_figures_the_api_gives_and_downloads_them(
    browser: PageClient, client: httpx.AsyncClient, login: Login, filer: Taxpayer, token: dict[str, str]
) -> None:
    filed = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=token
    )
    assert filed.json()["status"] == "accepted"
    # 15 days late: an officer confirms the draft fine as proposed (3,500,000), which charges it.
    officer = await login(Role.OFFICER, username="o-account-page", tax_office="HNI")
    (draft,) = (await client.get("/api/v1/fines", params={"status": "draft"}, headers=officer)).json()
    assert (await client.post(f"/api/v1/fines/{draft['id']}/confirm", json={}, headers=officer)).status_code == 201
    bank = await login(Role.BANK)
    paid = {"bank_ref": "VCB-PORTAL-1", "tax_code": filer.tax_code, "amount": 5 * M, "paid_on": "2026-03-05"}
    assert (await client.post("/api/v1/payments", json=paid, headers=bank)).status_code == 201
    api = (await client.get(f"/api/v1/taxpayers/{filer.tax_code}/account", headers=token)).json()
    assert api["total_due"] > 0
    assert api["interest"] > 0

    text = text_of(await (await _log_in(browser)).get("/taxpayer/account"))
    for figure in ("total_due", "interest", "outstanding", "fines", "credit"):
        assert money(api[figure]) in text, figure
    assert "VCB-PORTAL-1" in text
    # Tax 20 000 000 and the fine 3 500 000 charged, 5 000 000 paid: the balance after the payment.
    assert money(20 * M + 3_500_000 - 5 * M) in text

    download = await browser.get("/taxpayer/account.xlsx")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(download.content))
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Tổng phải nộp (total due)"] == api["total_due"]
    assert summary["Tiền chậm nộp đến hôm nay (interest to the day)"] == api["interest"]
    entries = list(book["Sổ chi tiết"].iter_rows(min_row=2, values_only=True))
    assert any(row[3] == "VCB-PORTAL-1" for row in entries)


async def test_pay_shows_the_open_debts_and_the_legal_order(
    browser: PageClient, client: httpx.AsyncClient, filer: Taxpayer, token: dict[str, str]
) -> None:
    await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=token)
    text = text_of(await (await _log_in(browser)).get("/taxpayer/pay"))
    assert "Điều 57" in text
    assert "các khoản quá hạn đang bị cưỡng chế" in text
    assert money(20 * M) in text
    assert filer.tax_code in text


async def test_taxpayer_pages_refuse_other_roles_and_need_a_session(
    app: Litestar, browser: PageClient, login: Login
) -> None:
    pages = ("/taxpayer", "/taxpayer/account", "/taxpayer/account.xlsx", "/taxpayer/pay", "/taxpayer/returns")
    for path in pages:
        redirected = await browser.get(path)
        assert redirected.status_code == 303, path
        assert redirected.headers["location"].startswith("/login?next=")
    await login(Role.OFFICER, username="o-pages")
    await browser.log_in("o-pages", PASSWORD)
    for path in pages:
        assert (await browser.get(path)).status_code == 403, path
    await login(Role.MANAGER, username="m-pages")
    async with PageClient(app, lang="en") as manager:
        await manager.log_in("m-pages", PASSWORD)
        refused = await manager.get("/taxpayer/account")
        assert refused.status_code == 403
        assert "You may not open this page" in text_of(refused)
