"""An officer's day: a company applies on the public page, the officer approves it and reads the tax code issued;
then it opens a case of its office from the arrears worklist and records what it did, which the timeline shows."""

import re
import uuid

from playwright.async_api import Browser, Page, expect

from taxoffice.auth.roles import Role
from tests.browser.conftest import close_page, open_page
from tests.browser.live import LiveOffice
from tests.browser.logins import DemoLogins
from tests.browser.people import id_number, log_in


async def _applies(chromium: Browser, office: LiveOffice, name: str) -> str:
    """A company applies for a tax code on the public page, in its own browser: the number on its receipt."""
    applicant = await open_page(chromium, office)
    await applicant.goto("/")
    await applicant.get_by_role("link", name=re.compile("Đăng ký thuế")).first.click()
    await applicant.get_by_label("Doanh nghiệp").check()
    await applicant.get_by_label("Tên người nộp thuế").fill(name)
    await applicant.get_by_label(re.compile("^Số giấy chứng nhận đăng ký kinh doanh")).fill(id_number())
    await applicant.get_by_label("Số nhà, đường phố").fill("12 Lý Thái Tổ")
    await applicant.get_by_label("Phường, xã").fill("Tràng Tiền")
    await applicant.get_by_label("Quận, huyện").fill("Hoàn Kiếm")
    await applicant.get_by_role("button", name="Nộp hồ sơ").click()
    await expect(applicant.get_by_role("status")).to_contain_text("Cơ quan thuế đã nhận hồ sơ đăng ký thuế của bạn.")
    number = (await applicant.locator("#application-number").inner_text()).strip()
    await close_page(applicant)
    return number


async def test_an_officer_approves_an_application_and_works_an_arrears_case(
    chromium: Browser, page: Page, office: LiveOffice, demo_logins: DemoLogins
) -> None:
    name = f"Công ty TNHH Nộp Hồ Sơ {uuid.uuid4().hex[:4].upper()}"
    number = await _applies(chromium, office, name)

    await log_in(page, *demo_logins.of(Role.OFFICER))
    await expect(page).to_have_url(f"{office.url}/officer/arrears")
    await page.get_by_role("link", name="Hồ sơ đăng ký", exact=True).click()
    await expect(page.get_by_role("row", name=re.compile(re.escape(name)))).to_contain_text("Đang chờ")
    await page.get_by_role("link", name=number, exact=True).click()
    await expect(page.get_by_role("heading", name=f"Hồ sơ {number}")).to_be_visible()
    await page.get_by_label("Chấp thuận: cấp mã số thuế và tài khoản khai thuế").check()
    await page.get_by_role("button", name="Ghi quyết định").click()
    issued = page.get_by_role("status")
    await expect(issued).to_contain_text("Đã chấp thuận. Mã số thuế được cấp:")
    tax_code = (await issued.locator("strong").first.inner_text()).strip()
    assert re.fullmatch(r"\d{10}", tax_code), tax_code
    await expect(page.get_by_text("Đã chấp thuận", exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name=tax_code)).to_be_visible()  # the record of the taxpayer just made

    await page.get_by_role("link", name="Nợ thuế", exact=True).click()
    await expect(page.get_by_role("heading", name="Hồ sơ nợ thuế")).to_be_visible()
    cases = page.locator("table tbody tr")
    await expect(cases.first).to_be_visible()
    case_name = (await cases.first.get_by_role("link").first.inner_text()).strip()
    await cases.first.get_by_role("link").first.click()
    await expect(page.get_by_role("heading", name=re.compile(re.escape(case_name)))).to_be_visible()
    await expect(page.get_by_role("definition").filter(has_text=re.compile(r"\d{10} · HNI"))).to_be_visible()

    note = f"Đã gọi điện cho kế toán trưởng, hẹn nộp tuần sau ({uuid.uuid4().hex[:6]})"
    record = page.locator(".card", has=page.get_by_role("heading", name="Ghi thao tác hôm nay"))
    await record.get_by_label("Thao tác", exact=True).select_option(label="Ghi chú")
    await record.get_by_label("Ghi chú", exact=True).fill(note)
    await record.get_by_role("button", name="Ghi thao tác").click()
    await expect(page.get_by_role("status")).to_have_text("Đã ghi thao tác.")
    timeline = page.locator(".card", has=page.get_by_role("heading", name="Diễn biến hồ sơ"))
    entry = timeline.get_by_role("row", name=re.compile(re.escape(note)))
    await expect(entry).to_contain_text("Ghi chú")
    await expect(entry).to_contain_text(demo_logins.of(Role.OFFICER)[0])
