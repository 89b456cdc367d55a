"""A visitor arrives, switches language, logs in with a one-time password and must change it; the API page."""

import uuid

from playwright.async_api import Page, expect

from tests.browser.live import LiveOffice
from tests.browser.people import STRONG, apply, log_in


async def test_an_officer_switches_to_english_logs_in_and_out(page: Page, office: LiveOffice) -> None:
    name = f"officer-{uuid.uuid4().hex[:6]}"
    office.cli("users", "create", "--username", name, "--password", STRONG, "--role", "officer", "--tax-office", "HNI")
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Đăng nhập", exact=True)).to_be_visible()
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()
    await log_in(page, name, STRONG)
    await expect(page).to_have_url(f"{office.url}/officer/arrears")
    await expect(page.get_by_text(name)).to_be_visible()
    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(f"{office.url}/")


async def test_a_wrong_password_is_told_and_no_page_opens(page: Page, office: LiveOffice) -> None:
    await log_in(page, "nobody-here", "wrong-password-123")
    await expect(page.get_by_role("alert")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu.")
    await page.goto("/start")
    await expect(page).to_have_url(f"{office.url}/login?next=%2Fstart")


async def test_the_api_documentation_renders_without_the_internet(page: Page) -> None:
    await page.goto("/schema/swagger")
    await expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    await expect(page.get_by_text("/api/v1/returns", exact=True).first).to_be_visible()


async def test_an_applicant_follows_its_registration_by_number(page: Page, office: LiveOffice) -> None:
    number = apply(office, "Công ty TNHH Trình Duyệt", "0109876543")
    await page.goto("/")
    await page.get_by_role("link", name="Tra cứu hồ sơ đăng ký thuế theo số hồ sơ").click()
    await page.fill("#number", number)
    await page.get_by_role("button", name="Tra cứu").click()
    await expect(page.get_by_text("Đang xử lý")).to_be_visible()
    await expect(page.get_by_text("Công ty TNHH Trình Duyệt")).to_be_visible()


async def test_an_approved_taxpayer_must_change_its_one_time_password_at_first_login(
    page: Page, office: LiveOffice
) -> None:
    number = apply(office, "Công ty TNHH Lần Đầu", "0109876544")
    officer = f"officer-{uuid.uuid4().hex[:6]}"
    office.cli(
        "users", "create", "--username", officer, "--password", STRONG, "--role", "officer", "--tax-office", "HNI"
    )
    with office.api(officer, STRONG) as api:
        decision = api.post(f"/api/v1/registrations/{number}/decision", json={"approve": True, "reason": None})
    decision.raise_for_status()
    tax_code, one_time = decision.json()["tax_code"], decision.json()["initial_password"]
    await log_in(page, tax_code, one_time)
    await expect(page).to_have_url(f"{office.url}/password/change")
    await page.goto("/start")
    await expect(page).to_have_url(f"{office.url}/password/change")
    await page.fill("#current_password", one_time)
    await page.fill("#new_password", STRONG)
    await page.fill("#repeat_password", STRONG)
    await page.get_by_role("button", name="Đổi mật khẩu").click()
    await expect(page).to_have_url(f"{office.url}/taxpayer?changed=password")
