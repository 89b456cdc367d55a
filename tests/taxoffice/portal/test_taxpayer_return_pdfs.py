"""A return's receipt and decision notices as PDF from the receipt page: the taxpayer's own, as the API prints them."""

import httpx
from litestar import Litestar

from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.support.pages import PageClient, text_of
from tests.support.smtp import pdf_text
from tests.support.users import PASSWORD, Login
from tests.taxoffice.portal.test_taxpayer_filing_pages import filer, me, typed

__all__ = ["filer", "me"]  # the fixtures of the filing pages' tests


async def test_the_receipt_page_links_both_notices_as_pdf(
    app: Litestar, me: PageClient, client: httpx.AsyncClient, login: Login, filer: Taxpayer
) -> None:
    await me.get("/taxpayer/returns/new?period=2026-02")
    filed = await me.post("/taxpayer/returns/new", {"period": "2026-02", "kind": "original", **typed()})
    receipt_path = filed.headers["location"]
    page = await me.get(receipt_path)
    assert f'href="{receipt_path}/receipt.pdf"' in page.text
    assert f'href="{receipt_path}/notice.pdf"' in page.text
    receipt = await me.http.get(f"{receipt_path}/receipt.pdf")
    assert receipt.headers["content-type"] == "application/pdf"
    text = pdf_text(receipt.content)
    assert filer.tax_code in text
    assert "01-1/TB-TĐT" in text
    officer = await login(Role.OFFICER)
    api = (await client.get(f"/api/v1/returns/{receipt_path.rsplit('/', 1)[1]}", headers=officer)).json()
    assert api["transaction_code"] in text
    assert api["transaction_code"] in text_of(page)
    notice = pdf_text((await me.http.get(f"{receipt_path}/notice.pdf")).content)
    assert "01-2/TB-TĐT" in notice
    assert "20.000.000" in notice

    await login(Role.TAXPAYER, username="tp-other-pdf", tax_code="0100109106")
    async with PageClient(app) as other:
        await other.log_in("tp-other-pdf", PASSWORD)
        assert (await other.get(f"{receipt_path}/receipt.pdf")).status_code == 404
