"""A company files its VAT return on the page form, watching the office recompute as it types, then files a real
HTKK file by upload; a number the office cannot read is shown beside its box and nothing is filed."""

import hashlib
import re
import sqlite3

from playwright.async_api import Locator, Page, expect

from filings.htkk import parse_htkk
from tests.browser.live import LiveOffice
from tests.browser.people import STRONG, log_in, new_officer, register_company
from tests.filings.real_files import REAL

# SLINE's Q1/2024 return as HTKK 5.1.8 exported it: VAT payable [40] 4.557.396 ₫.
REAL_FILE = REAL / "01GTGT_tt80_Q_payable_appendix_1.xml"


def box(page: Page, number: str) -> Locator:
    """The form's box ``[number]``, found by its label."""
    return page.get_by_label(re.compile(rf"^\[{re.escape(number)}\] "))


async def test_a_company_files_its_vat_return_on_the_form(page: Page, office: LiveOffice) -> None:
    officer = new_officer(office)
    tax_code = register_company(office, officer, "Công ty TNHH Khai Thuế Qua Trình Duyệt", registered_on="2026-06-01")
    await log_in(page, tax_code, STRONG)
    await expect(page).to_have_url(f"{office.url}/taxpayer")
    await page.get_by_role("link", name="Nộp tờ khai").first.click()
    await expect(page.get_by_role("heading", name="Nộp tờ khai", exact=True)).to_be_visible()

    # The picker offers the months it owes (June to November 2026); it takes October.
    picker = page.get_by_label("Kỳ tính thuế")
    await expect(picker.get_by_role("option")).to_have_text([f"Tháng {m:02d}/2026" for m in range(6, 12)])
    await picker.select_option(label="Tháng 10/2026")
    await page.get_by_role("button", name="Chọn kỳ").click()
    await expect(page.get_by_role("strong").filter(has_text="Tháng 10/2026")).to_be_visible()

    # As it types, key by key, the office recomputes the grey boxes (htmx) and the tax payable.
    await box(page, "32").press_sequentially("50.000.000", delay=30)
    await expect(box(page, "27")).to_have_value("50.000.000 ₫")
    await box(page, "33").click()
    await box(page, "33").press_sequentially("5000000", delay=30)
    await expect(box(page, "35")).to_have_value("5.000.000 ₫")
    await box(page, "25").fill("1.200.000")
    await box(page, "25").press("Tab")  # or leaves the box
    await expect(box(page, "40")).to_have_value("3.800.000 ₫")
    await expect(page.get_by_text("Theo số liệu đã nhập, tờ khai sẽ được chấp nhận.")).to_be_visible()
    await expect(page.locator("#return-summary")).to_contain_text("Thuế phải nộp: 3.800.000 ₫")

    await page.get_by_role("button", name="Nộp tờ khai").click()
    await expect(page).to_have_url(re.compile(r"/taxpayer/returns/\d+$"))
    await expect(page.get_by_role("status")).to_contain_text("Tờ khai đã được chấp nhận.")
    receipt = page.get_by_role("region", name="Thông báo tiếp nhận (01-1/TB-TĐT)")
    await expect(receipt.get_by_role("definition").first).to_have_text(re.compile(r"\S{8,}"))  # the transaction code
    await expect(receipt).to_contain_text(tax_code)
    notice = page.get_by_role("region", name=re.compile(r"^Thông báo chấp nhận"))
    await expect(notice).to_contain_text("3.800.000 ₫")

    # October is filed: the picker no longer offers it, and the returns list shows it accepted.
    await page.goto("/taxpayer/returns/new")
    await expect(page.get_by_label("Kỳ tính thuế").get_by_role("option", name="Tháng 10/2026")).to_have_count(0)
    await page.goto("/taxpayer/returns")
    await expect(page.get_by_role("row", name=re.compile(r"Tháng 10\/2026"))).to_contain_text("Đã chấp nhận")


async def test_a_number_the_office_cannot_read_is_shown_beside_its_box_and_nothing_is_filed(
    page: Page, office: LiveOffice
) -> None:
    officer = new_officer(office)
    tax_code = register_company(office, officer, "Công ty TNHH Gõ Nhầm", registered_on="2026-09-01")
    await log_in(page, tax_code, STRONG)
    await page.goto("/taxpayer/returns/new")
    await box(page, "32").fill("12tr")
    await box(page, "32").press("Tab")
    # The office's answer comes beside the box while typing, before anything is submitted.
    await expect(page.locator("#e-ct32")).to_contain_text("Chỉ tiêu [32] phải là số tiền nguyên")
    await expect(page.locator("#return-summary")).to_contain_text("Tờ khai chưa hợp lệ")
    await page.get_by_role("button", name="Nộp tờ khai").click()
    await expect(page.get_by_role("alert")).to_contain_text("Tờ khai chưa được nộp")
    await expect(box(page, "32")).to_have_value("12tr")
    await expect(box(page, "32")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#e-ct32")).to_contain_text("Lỗi")
    await page.goto("/taxpayer/returns")
    await expect(page.get_by_text("Bạn chưa nộp tờ khai nào qua cổng.")).to_be_visible()


def _on_the_register_under(office: LiveOffice, tax_code: str, issued: str) -> None:
    """The company of a real file, registered long ago under its own code (an office's older register): the code
    the office issued is changed to the file's, as a migration from the old register would have it."""
    with sqlite3.connect(office.database_url.removeprefix("sqlite+aiosqlite:///")) as db:
        db.execute("UPDATE taxpayer SET tax_code = ? WHERE tax_code = ?", (tax_code, issued))


async def test_a_company_uploads_the_file_htkk_wrote(page: Page, office: LiveOffice) -> None:
    data = REAL_FILE.read_bytes()
    document = parse_htkk(data)
    officer = new_officer(office)
    # Someone else's file first: the office answers that the file's taxpayer is not this login's, and files nothing.
    other = register_company(office, officer, "Công ty TNHH Tệp Của Người Khác", registered_on="2026-09-01")
    await log_in(page, other, STRONG)
    await page.goto("/taxpayer/returns/new")
    await page.get_by_label(re.compile(r"^Tệp tờ khai")).set_input_files(str(REAL_FILE))
    await page.get_by_role("button", name="Nộp tệp").click()
    await expect(page.locator("#file-error")).to_contain_text(document.tax_code)
    await expect(page.get_by_label(re.compile(r"^Tệp tờ khai"))).to_have_attribute("aria-invalid", "true")
    months = [f"Tháng {m:02d}/2026" for m in (9, 10, 11)]  # the page form still offers what it owes
    await expect(page.get_by_label("Kỳ tính thuế").get_by_role("option")).to_have_text(months)

    # The file's own company, quarterly since 2020, uploads it: the receipt names the file by its SHA-256.
    issued = register_company(
        office, officer, document.taxpayer_name, registered_on="2020-01-01", vat_frequency="quarterly"
    )
    _on_the_register_under(office, document.tax_code, issued)
    office.cli("users", "create", "--username", document.tax_code, "--password", STRONG, "--role", "taxpayer",
               "--tax-code", document.tax_code)  # fmt: skip
    await page.get_by_role("button", name="Đăng xuất").click()
    await log_in(page, document.tax_code, STRONG)
    await page.goto("/taxpayer/returns/new")
    await page.get_by_label(re.compile(r"^Tệp tờ khai")).set_input_files(str(REAL_FILE))
    await page.get_by_role("button", name="Nộp tệp").click()
    await expect(page).to_have_url(re.compile(r"/taxpayer/returns/\d+$"))
    receipt = page.get_by_role("region", name="Thông báo tiếp nhận (01-1/TB-TĐT)")
    await expect(receipt).to_contain_text(hashlib.sha256(data).hexdigest())
    await expect(receipt).to_contain_text("Quý 1/2024")
    await expect(page.get_by_role("status")).to_contain_text("Tờ khai đã được chấp nhận.")
    notice = page.get_by_role("region", name=re.compile(r"^Thông báo chấp nhận"))
    await expect(notice).to_contain_text("4.557.396 ₫")
