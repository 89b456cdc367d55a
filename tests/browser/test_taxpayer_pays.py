"""A taxpayer pays from the browser: a payment slip for one debt, its VietQR code, the bank's transfer quoting the
reference, the nightly reconciliation, and the slip and the account showing where the money went."""

import re
import time
import uuid

from playwright.async_api import Page, expect

from taxoffice.auth.roles import Role
from tests.browser.live import LiveOffice
from tests.browser.logins import ADMIN, DEMO, DemoLogins
from tests.browser.people import log_in


def _run_reconcile(office: LiveOffice) -> None:
    """The admin runs `reconcile-payments` now (in the server's process: the embedded default) and waits for it."""
    with office.api(*ADMIN) as api:
        run = api.post("/api/v1/jobs", json={"name": "reconcile-payments"})
        run.raise_for_status()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = api.get(f"/api/v1/jobs/{run.json()['id']}").json()["status"]
            if status not in {"queued", "running"}:
                assert status == "succeeded", status
                return
            time.sleep(0.3)
    msg = "reconcile-payments did not finish within 60 s"
    raise AssertionError(msg)


async def test_the_demo_taxpayer_pays_one_debt_by_its_slip_and_sees_it_applied(
    page: Page, office: LiveOffice, demo_logins: DemoLogins
) -> None:
    await log_in(page, *DEMO[Role.TAXPAYER])
    await page.get_by_role("link", name="Nộp thuế", exact=True).click()
    await expect(page.get_by_role("heading", name="Lập giấy nộp tiền có mã QR")).to_be_visible()
    first = page.locator("input[name=charge_ids]").first
    await first.check()
    await page.get_by_role("button", name="Lập giấy nộp tiền").click()
    await expect(page.get_by_role("heading", name="Giấy nộp tiền vào ngân sách nhà nước")).to_be_visible()
    await expect(page.locator("figure.qr svg")).to_be_visible()
    await expect(page.get_by_text("Chờ nộp")).to_be_visible()
    reference = (await page.locator("#order-reference").inner_text()).strip()
    assert re.fullmatch(r"NT[0-9A-Z]{9}", reference), reference
    total = page.locator("tr.total td.num")
    amount = int((await total.inner_text()).replace(".", "").replace("₫", "").strip())

    # The taxpayer's bank transfers the amount, quoting the reference; the bank reports it to the office.
    bank_ref = f"BIDV-{uuid.uuid4().hex[:10]}"
    with office.api(*DEMO[Role.BANK]) as bank:
        body = {
            "bank_ref": bank_ref,
            "tax_code": demo_logins.tax_code,
            "amount": amount,
            "paid_on": time.strftime("%Y-%m-%d"),
            "reference": reference,
        }
        bank.post("/api/v1/payments", json=body).raise_for_status()
    await page.reload()
    await expect(page.get_by_text("Đã nộp đủ")).to_be_visible()
    _run_reconcile(office)
    await page.reload()
    explained = page.locator(".notice.ok p").first
    await expect(explained).to_contain_text("trước hết")
    await expect(explained).to_contain_text("Điều 57")
    await page.get_by_role("link", name="Tài khoản thuế", exact=True).click()
    await expect(page.get_by_text(bank_ref).first).to_be_visible()
