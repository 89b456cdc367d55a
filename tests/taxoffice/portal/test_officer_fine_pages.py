"""The late-filing fines pages: an officer decides a draft through the page, the taxpayer then sees the decision with
its legal basis on its return's page; a bad number is shown beside its field; other roles and visitors are kept out."""

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Role
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login


async def test_an_officer_decides_a_fine_and_the_taxpayer_sees_it(
    app: Litestar, client: httpx.AsyncClient, browser: PageClient, login: Login, clock: Clock, session: AsyncSession
) -> None:
    clock.set(2026, 3, 10)
    filer = await register_enterprise(session, "0109555601", "Công ty TNHH Trang Phạt")
    me = await login(Role.TAXPAYER, username="tp-fined", tax_code=filer.tax_code)
    officer = await login(Role.OFFICER, username="o-fine-page", tax_office="HNI")
    filed = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me)
    return_id = filed.json()["id"]
    (draft,) = (await client.get("/api/v1/fines", params={"status": "draft"}, headers=officer)).json()
    async with PageClient(app) as taxpayer:
        await taxpayer.log_in("tp-fined", PASSWORD)
        assert "Quyết định phạt" not in text_of(await taxpayer.get(f"/taxpayer/returns/{return_id}"))
        assert (await taxpayer.get("/officer/fines")).status_code == 403
        assert (await taxpayer.post(f"/officer/fines/{draft['id']}/confirm", {})).status_code == 403
        assert (await browser.get("/officer/fines")).status_code == 303  # no session: to the login page
        assert (await browser.log_in("o-fine-page", PASSWORD)).status_code == 303
        listing = text_of(await browser.get("/officer/fines"))
        assert f"{filer.tax_code} · 01/GTGT" in listing
        assert "3.500.000 ₫ (khoản 13.2)" in listing
        bad = await browser.post(f"/officer/fines/{draft['id']}/confirm", {"mitigating": "nhiều", "aggravating": "0"})
        assert bad.status_code == 422
        assert f'id="mitigating-{draft["id"]}"' in bad.text
        assert "mitigating" in text_of(bad)
        done = await browser.post(f"/officer/fines/{draft['id']}/confirm", {"mitigating": "1", "aggravating": "0"})
        assert done.status_code == 303
        assert "3.150.000" in text_of(await browser.get("/officer/fines"))
        after = text_of(await taxpayer.get(f"/taxpayer/returns/{return_id}"))
        assert "Quyết định phạt chậm nộp tờ khai 3.150.000 ₫" in after
        assert "Nghị định 125/2020/NĐ-CP, Điều 13 khoản 2, sửa đổi bởi Nghị định 310/2025/NĐ-CP" in after
    async with PageClient(app, lang="en") as english:
        await english.log_in("tp-fined", PASSWORD)
        assert "Late-filing fine decided 3.150.000 ₫" in text_of(await english.get(f"/taxpayer/returns/{return_id}"))
