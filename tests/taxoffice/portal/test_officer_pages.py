"""The officers' pages besides arrears: applications, taxpayers, unmatched payments, non-filers; who may open them."""

import re

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Role
from tests.accounts.test_payments_api import payment
from tests.registry.helpers import register_enterprise
from tests.registry.test_registration_api import APPLICATION
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login

OFFICER_PAGES = [
    "/officer/applications",
    "/officer/applications/20260101000000000001",
    "/officer/taxpayers",
    "/officer/taxpayers/0100109106",
    "/officer/arrears",
    "/officer/arrears/1",
    "/officer/payments",
    "/officer/non-filers",
]


async def _officer(browser: PageClient, login: Login, username: str, office: str = "HNI") -> None:
    await login(Role.OFFICER, username=username, tax_office=office)
    assert (await browser.log_in(username, PASSWORD)).status_code == 303


async def test_a_taxpayer_gets_403_on_every_officer_page_and_a_visitor_the_login(
    browser: PageClient, login: Login
) -> None:
    for path in OFFICER_PAGES:
        away = await browser.get(path)
        assert away.status_code == 303, path
        assert away.headers["location"].startswith("/login?next=")
    await login(Role.TAXPAYER, username="tp-nosy", tax_code="0100109106")
    await browser.log_in("tp-nosy", PASSWORD)
    for path in OFFICER_PAGES:
        assert (await browser.get(path)).status_code == 403, path
    posts = ["/officer/applications/X/decision", "/officer/arrears/1/actions", "/officer/payments/1/assign"]
    for path in posts:
        assert (await browser.post(path, {})).status_code == 403, path


async def test_an_officer_approves_an_application_and_the_applicant_sees_the_tax_code(
    browser: PageClient, login: Login, clock: Clock
) -> None:
    clock.set(2026, 3, 10)
    number = (await browser.http.post("/api/v1/registrations", json=APPLICATION)).json()["number"]
    await _officer(browser, login, "o-apps")
    queue = text_of(await browser.get("/officer/applications"))
    assert f"{number} Công ty TNHH Kiểm Thử enterprise HNI 10/03/2026 13/03/2026 Đang chờ" in queue
    clock.set(2026, 3, 16)
    assert "Quá hạn" in text_of(await browser.get("/officer/applications?overdue=1"))
    undecided = await browser.post(f"/officer/applications/{number}/decision", {"reason": ""})
    assert undecided.status_code == 422
    assert 'id="decision-error"' in undecided.text
    unexplained = await browser.post(f"/officer/applications/{number}/decision", {"decision": "reject"})
    assert unexplained.status_code == 422
    assert 'id="reason-error"' in unexplained.text
    approved = await browser.post(f"/officer/applications/{number}/decision", {"decision": "approve"})
    assert approved.status_code == 303
    shown = text_of(await browser.get(approved.headers["location"]))
    tax_code = re.search(r"Mã số thuế được cấp: (\d{10})", shown)
    assert tax_code is not None
    assert "mật khẩu dùng một lần" in shown
    again = text_of(await browser.get(approved.headers["location"]))
    assert "mật khẩu dùng một lần" not in again  # shown once
    assert f"Mã số thuế được cấp {tax_code.group(1)}" in again
    await browser.post("/logout", {})
    tracked = text_of(await browser.get(f"/registrations/track?number={number}"))
    assert f"Mã số thuế được cấp {tax_code.group(1)}" in tracked


async def test_an_officer_of_another_office_cannot_decide_the_application(browser: PageClient, login: Login) -> None:
    number = (await browser.http.post("/api/v1/registrations", json=APPLICATION)).json()["number"]
    await _officer(browser, login, "o-apps-hcm", office="HCM")
    refused = await browser.post(f"/officer/applications/{number}/decision", {"decision": "approve"})
    assert refused.status_code == 403
    assert "own tax office" in text_of(refused)


async def test_the_taxpayer_search_ignores_accents_and_the_page_shows_the_account(
    browser: PageClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2026, 3, 10)
    found = await register_enterprise(session, "0109777001", "Nguyễn Văn Thuế")
    await register_enterprise(session, "0109777002", "Trần Thị Khác")
    await _officer(browser, login, "o-search")
    results = text_of(await browser.get("/officer/taxpayers?q=nguyen+van"))
    assert f"{found.tax_code} Nguyễn Văn Thuế" in results
    assert "Trần Thị Khác" not in results
    page = text_of(await browser.get(f"/officer/taxpayers/{found.tax_code}"))
    assert "Tài khoản thuế hôm nay" in page
    assert "Tổng phải nộp 0 ₫" in page
    assert "Đăng ký, cấp mã số thuế" in page
    assert "Không có hồ sơ nợ đang mở" in page
    assert (await browser.get("/officer/taxpayers/12")).status_code == 422


async def test_an_officer_assigns_an_unmatched_payment(
    browser: PageClient, login: Login, session: AsyncSession
) -> None:
    owner = await register_enterprise(session, "0109777003", "Công ty Chủ Tiền")
    bank = await login(Role.BANK)
    stray = await browser.http.post(
        "/api/v1/payments", json=payment("0100109106", "BIDV-PORTAL-1", 2_500_000, "2026-03-02"), headers=bank
    )
    assert stray.json()["status"] == "unmatched"
    payment_id = stray.json()["id"]
    await _officer(browser, login, "o-pay")
    queue = text_of(await browser.get("/officer/payments"))
    assert "BIDV-PORTAL-1 0100109106" in queue
    assert "2.500.000 ₫" in queue
    wrong = await browser.post(f"/officer/payments/{payment_id}/assign", {"tax_code": "123", "note": "Thư của NH"})
    assert wrong.status_code == 422
    assert f'id="tax_code-{payment_id}-error"' in wrong.text
    done = await browser.post(
        f"/officer/payments/{payment_id}/assign", {"tax_code": owner.tax_code, "note": "Công văn của BIDV"}
    )
    assert done.status_code == 303
    after = text_of(await browser.get(done.headers["location"]))
    assert f"Đã giao khoản nộp #{payment_id}" in after
    assert "BIDV-PORTAL-1" not in after


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_the_non_filer_page_lists_who_owes_the_return(
    browser: PageClient, login: Login, session: AsyncSession, clock: Clock, lang: str
) -> None:
    late = await register_enterprise(session, "0109777004", "Công ty Chậm Khai")
    clock.set(2026, 4, 1)
    await _officer(browser, login, f"o-nonfilers-{lang}")
    if lang == "en":
        await browser.get("/lang/en?next=/")
    bad = await browser.get("/officer/non-filers?form=01/GTGT&period=2026-13")
    assert bad.status_code == 422
    assert 'id="period-error"' in bad.text
    page = text_of(await browser.get("/officer/non-filers?form=01/GTGT&period=2026-02"))
    assert f"{late.tax_code} Công ty Chậm Khai HNI 12" in page
    heading = "Taxpayers who have not filed" if lang == "en" else "Người nộp thuế chưa nộp tờ khai"
    assert heading in page
    not_yet = text_of(await browser.get("/officer/non-filers?form=01/GTGT&period=2026-03"))
    assert ("Not due yet" if lang == "en" else "Chưa đến hạn nộp") in not_yet
