"""The taxpayer's account statement as PDF (page and API) and its debt notices on the account page, each as PDF."""

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.models import ArrearsCase
from taxoffice.auth.roles import Role
from taxoffice.money import format_dong
from taxoffice.portal.formatting import money
from tests.arrears.worklist_support import D, charge, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.smtp import pdf_text
from tests.support.users import PASSWORD, Login

M = 1_000_000
PDF = "application/pdf"


@pytest.fixture
async def debtor(session: AsyncSession, clock: Clock) -> Taxpayer:
    """VAT 10,000,000 due 31 Jul 2025, a fine 3,500,000 due 11 Aug, VAT 5,000,000 due 20 Nov (not yet due)."""
    clock.set(2025, 10, 30)
    found = await taxpayer(session, "Công ty TNHH Nợ Đọng")
    await charge(session, found, 10 * M, D(2025, 7, 31))
    await charge(session, found, 3_500_000, D(2025, 8, 11), sub_item="4254", kind=ChargeKind.FINE)
    await charge(session, found, 5 * M, D(2025, 11, 20), period="2025-10")
    return found


@pytest.fixture
async def own(login: Login, debtor: Taxpayer) -> dict[str, str]:
    """The debtor's API token; its portal login is ``tp-debtor``."""
    return await login(Role.TAXPAYER, username="tp-debtor", tax_code=debtor.tax_code)


@pytest.fixture
async def other(session: AsyncSession, login: Login) -> dict[str, str]:
    """Another registered taxpayer's API token; its portal login is ``tp-other``."""
    found = await taxpayer(session, "Công ty TNHH Khác")
    return await login(Role.TAXPAYER, username="tp-other", tax_code=found.tax_code)


async def _logged_in(browser: PageClient, username: str = "tp-debtor") -> PageClient:
    assert (await browser.log_in(username, PASSWORD)).status_code == 303
    return browser


def _flat(content: bytes) -> str:
    return " ".join(pdf_text(content).split())


async def test_the_statement_pdf_carries_the_figures_of_the_page_and_the_api(
    browser: PageClient, client: httpx.AsyncClient, login: Login, debtor: Taxpayer, own: dict[str, str]
) -> None:
    bank = await login(Role.BANK)
    paid = {"bank_ref": "VCB-STMT-1", "tax_code": debtor.tax_code, "amount": 4 * M, "paid_on": "2025-10-20"}
    assert (await client.post("/api/v1/payments", json=paid, headers=bank)).status_code == 201
    api = (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account", headers=own)).json()
    assert api["interest"] > 0

    account = await (await _logged_in(browser)).get("/taxpayer/account")
    assert 'href="/taxpayer/account.pdf"' in account.text
    page_text = text_of(account)
    download = await browser.get("/taxpayer/account.pdf")
    assert download.status_code == 200
    assert download.headers["content-type"] == PDF
    assert f"tai-khoan-thue-{debtor.tax_code}-2025-10-30.pdf" in download.headers["content-disposition"]
    text = _flat(download.content)
    assert debtor.tax_code in text
    assert "Công ty TNHH Nợ Đọng" in text
    assert "1 Láng, Hà Nội" in text
    assert "BẢNG KÊ Tài khoản thuế của người nộp thuế tính đến ngày 30 tháng 10 năm 2025" in text
    for label, figure in (
        ("Tiền thuế còn nợ (tax owed)", "outstanding"),
        ("Tiền chậm nộp tính đến 30/10/2025 (interest to the day)", "interest"),
        ("Tiền phạt còn nợ (fines owed)", "fines"),
        ("Số nộp thừa (credit)", "credit"),
        ("Tổng phải nộp (total due)", "total_due"),
    ):
        assert f"{label}: {format_dong(api[figure])} đồng" in text, label
        assert money(api[figure]) in page_text, figure
    fine = next(item for item in api["items"] if item["kind"] == "fine")
    amounts = [fine["amount"], fine["paid"], fine["outstanding"], fine["interest_outstanding"]]
    row = f"VAT 2025-06 Tiền phạt (fine) 4254 11/08/2025 {' '.join(format_dong(a) for a in amounts)}"
    assert f"{row} {fine['days_overdue']}" in text
    # The payment's line and the balance after it, as the page shows it: 13,500,000 due, 4,000,000 paid.
    assert f"20/10/2025 Số tiền đã nộp (payment) {format_dong(4 * M)} VCB-STMT-1" in text
    assert format_dong(9_500_000) in text
    assert money(9_500_000) in page_text
    assert "Bảng kê lập ngày 30 tháng 10 năm 2025 từ sổ tài khoản thuế" in text

    by_api = await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account.pdf", headers=own)
    assert by_api.status_code == 200
    assert by_api.headers["content-type"] == PDF
    assert _flat(by_api.content) == text
    officer = await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account.pdf", headers=await login(Role.OFFICER))
    assert officer.status_code == 200
    earlier = await client.get(
        f"/api/v1/taxpayers/{debtor.tax_code}/account.pdf", params={"as_of": "2025-10-01"}, headers=own
    )
    assert "tính đến ngày 01 tháng 10 năm 2025" in _flat(earlier.content)
    assert "VCB-STMT-1" not in _flat(earlier.content)  # paid after that day


async def test_another_taxpayer_reaches_neither_the_statement_nor_the_notices(
    client: httpx.AsyncClient, login: Login, debtor: Taxpayer, other: dict[str, str]
) -> None:
    assert (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account.pdf", headers=other)).status_code == 404
    assert (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account.pdf")).status_code == 401
    officer = await login(Role.OFFICER)
    assert (await client.get("/api/v1/taxpayers/0100109106/account.pdf", headers=officer)).status_code == 404
    bank = await login(Role.BANK)
    assert (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/account.pdf", headers=bank)).status_code == 403


async def test_the_account_page_lists_the_notices_and_opens_each_pdf(
    app: Litestar,
    browser: PageClient,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    debtor: Taxpayer,
    own: dict[str, str],
    other: dict[str, str],
) -> None:
    empty = text_of(await (await _logged_in(browser)).get("/taxpayer/account"))
    assert "Cơ quan thuế chưa gửi thông báo tiền thuế nợ nào cho bạn." in empty
    case: ArrearsCase = await open_case(
        session, debtor, oldest_due_on=D(2025, 7, 31), total=13_500_000, as_of=D(2025, 10, 30)
    )
    officer = await login(Role.OFFICER)
    issued = (await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=officer)).json()
    listed = (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/notices", headers=own)).json()
    assert [n["id"] for n in listed["notices"]] == [issued["id"]]

    account = await browser.get("/taxpayer/account")
    text = text_of(account)
    assert f"{issued['number']} (PDF) 30/10/2025 {money(issued['total'])}" in text
    assert money(13_770_000) in text  # 13,500,000 and 270,000 of interest to the issue date
    link = f"/taxpayer/notices/{issued['id']}.pdf"
    assert f'href="{link}"' in account.text
    notice = await browser.get(link)
    assert notice.status_code == 200
    assert notice.headers["content-type"] == PDF
    assert f'filename="{issued["number"]}.pdf"' in notice.headers["content-disposition"]
    by_api = await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/notices/{issued['id']}/pdf", headers=own)
    assert notice.content == by_api.content
    assert "Mẫu số (form): 01/TTN" in _flat(notice.content)
    for missing in (
        f"/taxpayer/notices/{issued['id'] + 1000}.pdf",
        f"/taxpayer/notices/{issued['id']}",
        "/taxpayer/notices/x.pdf",
        f"/taxpayer/notices/{2**63}.pdf",  # beyond BIGINT
        f"/taxpayer/notices/{10**30}.pdf",
        "/taxpayer/notices/-1.pdf",
        "/taxpayer/notices/\u0661\u0662.pdf",  # Arabic-Indic digits: str.isdigit() says yes
    ):
        refused = await browser.get(missing)
        assert refused.status_code == 404, missing
        assert "text/html" in refused.headers["content-type"]

    async with PageClient(app, lang="en") as stranger:
        await _logged_in(stranger, "tp-other")
        refused = await stranger.get(link)
        assert refused.status_code == 404
        assert "text/html" in refused.headers["content-type"]
        own_page = text_of(await stranger.get("/taxpayer/account"))
        assert "The tax office has sent you no tax debt notice." in own_page
        assert "Account statement (PDF)" in own_page
        assert issued["number"] not in own_page


async def test_the_documents_need_a_taxpayer_session(browser: PageClient, login: Login) -> None:
    pages = ("/taxpayer/account.pdf", "/taxpayer/notices/1.pdf")
    for path in pages:
        redirected = await browser.get(path)
        assert redirected.status_code == 303, path
        assert redirected.headers["location"].startswith("/login?next=")
    await login(Role.OFFICER, username="o-documents")
    await browser.log_in("o-documents", PASSWORD)
    for path in pages:
        assert (await browser.get(path)).status_code == 403, path
