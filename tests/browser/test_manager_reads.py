"""The manager reads the dashboard: the figures and the charts drawn on the server, in Vietnamese, then in English
at a phone's width, and takes the collections report away as an Excel workbook."""

import io
import re

from openpyxl import load_workbook
from playwright.async_api import Browser, Locator, Page, expect

from taxoffice.auth.roles import Role
from tests.browser.conftest import close_page, open_page
from tests.browser.live import LiveOffice
from tests.browser.logins import DemoLogins
from tests.browser.people import log_in

MONEY = re.compile(r"\d{1,3}(\.\d{3})* ₫")


def panel(page: Page, title: str) -> Locator:
    """The dashboard's panel headed ``title``."""
    return page.get_by_role("region", name=title, exact=True)


async def test_the_manager_reads_the_dashboard_and_downloads_a_workbook(
    chromium: Browser, page: Page, office: LiveOffice, demo_logins: DemoLogins
) -> None:
    await log_in(page, *demo_logins.of(Role.MANAGER))
    await expect(page).to_have_url(f"{office.url}/manager")
    await expect(page.get_by_role("heading", name="Tổng quan", exact=True)).to_be_visible()

    collections = panel(page, "Số thu ngân sách")
    await expect(collections.get_by_text("Đã thu từ đầu năm", exact=True)).to_be_visible()
    await expect(collections.locator(".figure").first).to_contain_text(MONEY)
    chart = collections.get_by_role("img", name="Số thu theo tháng so với cùng kỳ")
    await expect(chart).to_be_visible()
    assert await chart.evaluate("e => e.tagName.toLowerCase()") == "svg"  # drawn on the server, inline
    await expect(chart.locator("rect").first).to_be_attached()
    growth = panel(page, "Tăng trưởng người nộp thuế")
    await expect(growth.get_by_text("Đang quản lý", exact=True)).to_be_visible()
    await expect(growth.get_by_role("img", name="Đăng ký mới theo tháng")).to_be_visible()
    arrears = panel(page, "Nợ thuế theo tuổi nợ")
    await expect(arrears.get_by_text("Tổng nợ thuế", exact=True)).to_be_visible()
    await expect(arrears.get_by_role("img")).to_be_visible()
    compliance = panel(page, "Tuân thủ: nộp tờ khai, nộp thuế đúng hạn")
    await expect(compliance.get_by_role("img", name="Tỷ lệ nộp tờ khai và nộp thuế đúng hạn")).to_be_visible()
    # The figures behind a chart, as a table.
    await collections.get_by_text("Bảng số liệu").click()
    await expect(collections.get_by_role("table").first.get_by_role("row").nth(1)).to_be_visible()

    # Later, on its phone, in English.
    phone = await open_page(chromium, office, lang="en", width=390)
    await log_in(phone, *demo_logins.of(Role.MANAGER))
    await expect(phone.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    english = panel(phone, "Collections")
    await expect(english.get_by_text("Collected this year", exact=True)).to_be_visible()
    await expect(english.get_by_role("img", name="Collections by month against last year")).to_be_visible()
    async with phone.expect_download() as waiting:
        await english.get_by_role("link", name="Download the Excel report").click()
    download = await waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO((await download.path()).read_bytes()), read_only=True)
    rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) if any(row)]
    assert len(rows) > 3
    assert any(isinstance(cell, int) and cell > 0 for row in rows for cell in row), "the workbook holds figures"
    await close_page(phone)
