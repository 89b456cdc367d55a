"""End-to-end tests in a real headless Chromium against `taxoffice serve` (Debian's chromium, driven by Playwright).

The browser is Debian's (``/usr/bin/chromium``, installed by ``make test``); Playwright's own browser downloads are
never used. Every page a test opens may load only from the office itself: any request elsewhere fails the test.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, LiveOffice, live_office
from tests.browser.logins import DemoLogins, load_demo

pytestmark = pytest.mark.browser
CHROMIUM_PATH = Path(CHROMIUM)


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveOffice]:
    """One office for the browser tests."""
    if not CHROMIUM_PATH.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with live_office(tmp_path_factory.mktemp("office")) as running:
        yield running


@pytest.fixture(scope="session")
def demo_logins(office: LiveOffice) -> DemoLogins:
    """The office with the demo loaded (as `make demo` does, smaller): its logins."""
    return load_demo(office)


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """Headless Chromium."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


class Outside:
    """Requests a page made to anywhere but the office, and the errors its scripts raised."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.script_errors: list[str] = []


async def open_page(chromium: Browser, office: LiveOffice, *, lang: str = "vi", width: int = 1280) -> Page:
    """A new browser (own cookies) showing nothing yet; requests outside the office are refused and recorded."""
    # The browser's own locale too (date fields are written dd/mm/yyyy for a Vietnamese reader).
    locale = "vi-VN" if lang == "vi" else "en-GB"
    context = await chromium.new_context(viewport={"width": width, "height": 900}, base_url=office.url, locale=locale)
    if lang != "vi":
        host = urlsplit(office.url).hostname or "127.0.0.1"
        await context.add_cookies([{"name": "lang", "value": lang, "domain": host, "path": "/"}])
    page = await context.new_page()
    outside = Outside()
    origin = office.url

    async def guard(route: Route) -> None:
        if route.request.url.startswith((origin, "data:", "blob:")):
            await route.continue_()
        else:
            outside.requests.append(route.request.url)
            await route.abort()

    await page.route("**/*", guard)
    page.on("pageerror", lambda error: outside.script_errors.append(str(error)))
    page.outside = outside  # type: ignore[attr-defined] # read by the tests' teardown
    return page


async def close_page(page: Page) -> None:
    """Close a page of ``open_page`` and its browser: it must have loaded nothing from outside, and no script failed."""
    outside: Outside = page.outside  # type: ignore[attr-defined]
    await page.context.close()
    assert outside.requests == [], f"pages loaded from outside the office: {outside.requests}"
    assert outside.script_errors == [], f"script errors: {outside.script_errors}"


@pytest.fixture
async def page(chromium: Browser, office: LiveOffice) -> AsyncIterator[Page]:
    """A fresh browser window on the office; at the end nothing was loaded from outside and no script failed."""
    opened = await open_page(chromium, office)
    yield opened
    await close_page(opened)
