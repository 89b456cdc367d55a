"""Every page of every role, opened in Chromium in both languages at desktop and phone width.

Each page must answer 200 in the visitor's language, fit a phone's width (tables scroll inside their cards, the
page itself never sideways), and give every field a label. With ``TAXOFFICE_SCREENSHOTS=<folder>`` the pages are
also saved there as PNG (``make screenshots`` writes docs/screenshots/).
"""

import asyncio
import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.async_api import Browser, Page

from taxoffice.auth.roles import Principal, Role
from taxoffice.portal.navigation import ADMIN, MANAGER, OFFICER, TAXPAYER, menu_for
from tests.browser.conftest import open_page
from tests.browser.live import LiveOffice
from tests.browser.logins import DemoLogins

SHOTS = os.environ.get("TAXOFFICE_SCREENSHOTS")
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((e) => !e.labels.length && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    .map((e) => e.name || e.id || e.outerHTML.slice(0, 80))"""
OVERFLOW = "() => document.documentElement.scrollWidth"
PUBLIC_PAGES = ["/", "/registrations/new", "/registrations/track", "/password/forgot", "/debtors"]
ROLE_PAGES = {
    Role.TAXPAYER: [item.href for item in TAXPAYER],
    Role.OFFICER: [item.href for item in OFFICER],
    Role.MANAGER: [item.href for item in MANAGER],
    Role.ADMIN: [item.href for item in ADMIN],
}


def _save(png: bytes, target: Path) -> None:
    """A screenshot kept small for the repository: 256 colours are plenty for these flat pages."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


async def _check(
    page: Page, path: str, lang: str, width: int, name: str, *, shot_name: str | None = None, shot: bool = True
) -> None:
    response = await page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    assert await page.get_attribute("html", "lang") == lang
    assert await page.evaluate(OVERFLOW) <= width + 1, f"{path} is wider than the screen at {width} px"
    assert await page.evaluate(UNLABELLED) == [], f"{path} has fields without a label"
    if SHOTS and shot:
        png = await page.screenshot(full_page=True)
        stem = shot_name or f"{name}-{_slug(path)}"
        await asyncio.to_thread(_save, png, Path(SHOTS) / f"{stem}-{lang}-{width}.png")


@pytest.mark.parametrize(("lang", "width"), [("vi", 1280), ("en", 390)])
async def test_the_public_pages(
    chromium: Browser, office: LiveOffice, demo_logins: DemoLogins, lang: str, width: int
) -> None:
    assert demo_logins.tax_code  # the demo loaded: the public debtor list has entries
    page = await open_page(chromium, office, lang=lang, width=width)
    for path in PUBLIC_PAGES:
        await _check(page, path, lang, width, "public")
    # The demo's confirmed debtors, each row a labelled card on a phone.
    assert await page.locator("table.cards tbody tr").count() > 0
    await page.context.close()


@pytest.mark.parametrize("role", [Role.TAXPAYER, Role.OFFICER, Role.MANAGER, Role.ADMIN])
@pytest.mark.parametrize(("lang", "width"), [("vi", 1280), ("en", 390)])
async def test_every_page_of_a_role(
    chromium: Browser, office: LiveOffice, demo_logins: DemoLogins, role: Role, lang: str, width: int
) -> None:
    page = await open_page(chromium, office, lang=lang, width=width)
    username, password = demo_logins.of(role)
    await page.goto("/login")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.locator("form[action='/login'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"^(?!.*/login)"))
    own = set(ROLE_PAGES[role])
    for item in menu_for(Principal(user_id=0, username=username, role=role)):
        # An admin's menu holds the officers' and managers' pages too: their pictures are taken once, as theirs.
        await _check(page, item.href, lang, width, role.value, shot=item.href in own)
    if role is Role.OFFICER:  # an arrears case of the demo office, from the worklist
        await page.goto("/officer/arrears")
        await page.locator("table a[href^='/officer/arrears/']").first.click()
        await page.wait_for_url(re.compile(r"/officer/arrears/\d+$"))
        await _check(page, urlsplit(page.url).path, lang, width, role.value, shot_name="officer-case")
    if role is Role.TAXPAYER:  # the payment slip the pay page makes (the demo taxpayer owes)
        await page.goto("/taxpayer/pay")
        await page.locator("form[action='/taxpayer/pay/orders'] button[type=submit]").click()
        await page.wait_for_url(re.compile(r"/taxpayer/pay/orders/NT"))
        slip = urlsplit(page.url).path
        await _check(page, slip, lang, width, role.value, shot_name="taxpayer-pay-order")
        # The one return the demo taxpayer filed late: its fine decision and legal basis on the return's page.
        await page.goto("/taxpayer/returns")
        await page.locator("tr:has(span.badge.warn) a[href^='/taxpayer/returns/']").first.click()
        await page.wait_for_url(re.compile(r"/taxpayer/returns/\d+$"))
        assert "Nghị định 125/2020/NĐ-CP, Điều 13 khoản 2" in await page.inner_text("main")
        await _check(page, urlsplit(page.url).path, lang, width, role.value, shot_name="taxpayer-return-fine")
    await page.context.close()
