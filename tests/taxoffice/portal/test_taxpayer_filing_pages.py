"""A taxpayer files 01/GTGT through the page's form (checked live), uploads a real HTKK file, reads its receipts."""

import hashlib
import re

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.forms import VAT_01_GTGT
from filings.models import TaxReturn
from filings.services import RETURN_MAX_BYTES
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.filings.real_files import REAL, registered
from tests.filings.test_returns_api import M, vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login


def typed(**overrides: int) -> dict[str, str]:
    """The input boxes of a consistent 01/GTGT as a browser posts them (the computed boxes are not sent)."""
    values = vat_values(**overrides)
    return {code: str(v) for code, v in values.items() if VAT_01_GTGT.indicator(code).formula is None}


@pytest.fixture
async def filer(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 3, 10)
    return await register_enterprise(session, "0109555101", "Công ty TNHH Cổng Thuế")


@pytest.fixture
async def me(browser: PageClient, login: Login, filer: Taxpayer) -> PageClient:
    await login(Role.TAXPAYER, username="tp-filer", tax_code=filer.tax_code)
    assert (await browser.log_in("tp-filer", PASSWORD)).status_code == 303
    return browser


async def _returns(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(TaxReturn)) or 0)


def _beside(response: httpx.Response, code: str) -> str:
    """The text of the findings block beside box ``code``."""
    match = re.search(rf'<div class="tp-findings" id="e-{code}"[^>]*>(.*?)</div>', response.text, re.DOTALL)
    assert match, f"no findings block for {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


async def test_the_form_offers_only_open_periods_with_both_languages_labels(me: PageClient) -> None:
    page = await me.get("/taxpayer/returns/new")
    assert page.status_code == 200
    options = re.findall(r'<option value="([^"]+)"', page.text)
    assert options == ["2026-01", "2026-02"]  # March has not ended on 10 March
    text = text_of(page)
    assert "Thuế GTGT của hàng hoá, dịch vụ mua vào" in text
    assert "Input VAT on purchases" in text  # the other language, smaller
    assert 'id="f-ct40" class="num" readonly' in page.text  # computed: read-only
    assert 'name="ct40"' not in page.text
    assert 'hx-post="/taxpayer/returns/check"' in page.text


async def test_the_live_check_returns_the_office_figures_and_findings_beside_the_fields(me: PageClient) -> None:
    await me.get("/taxpayer/returns/new?period=2026-02")
    ok = await me.post("/taxpayer/returns/check", {"period": "2026-02", **typed(), "ct32": "300.000.000"})
    assert ok.status_code == 200
    assert re.search(r'id="f-ct40"[^>]*value="20.000.000 ₫"[^>]*hx-swap-oob="true"', ok.text), ok.text
    assert "sẽ được chấp nhận" in text_of(ok)
    bad = await me.post("/taxpayer/returns/check", {"period": "2026-02", **typed(), "ct24": "mười triệu"})
    assert "mười triệu" in _beside(bad, "ct24")
    assert _beside(bad, "ct32") == ""


async def test_a_taxpayer_files_on_the_form_and_sees_the_receipt_and_acceptance(
    me: PageClient, client: httpx.AsyncClient, login: Login, filer: Taxpayer
) -> None:
    await me.get("/taxpayer/returns/new?period=2026-02")
    filed = await me.post("/taxpayer/returns/new", {"period": "2026-02", "kind": "original", **typed()})
    assert filed.status_code == 303, text_of(filed)
    receipt_path = filed.headers["location"]
    return_id = int(receipt_path.rsplit("/", 1)[1])
    receipt = await me.get(receipt_path)
    text = text_of(receipt)
    token = await login(Role.OFFICER)
    api = (await client.get(f"/api/v1/returns/{return_id}", headers=token)).json()
    assert api["status"] == "accepted"
    assert api["tax_code"] == filer.tax_code
    assert api["transaction_code"] in text
    assert "Tờ khai đã được chấp nhận." in text
    assert "Thuế phải nộp (theo cơ quan thuế) 20.000.000 ₫" in text
    assert "Khai bổ sung" in text  # the supplementary button of an accepted return
    assert "SHA-256" not in text  # typed on the page, not a file uploaded
    listed = text_of(await me.get("/taxpayer/returns"))
    assert api["transaction_code"] in listed
    assert "Đã chấp nhận" in listed
    obligations = await me.get("/taxpayer")
    assert f'href="/taxpayer/returns/{return_id}"' in obligations.text


async def test_bad_numbers_are_shown_beside_the_field_and_nothing_is_stored(
    me: PageClient, session: AsyncSession
) -> None:
    await me.get("/taxpayer/returns/new?period=2026-02")
    refused = await me.post("/taxpayer/returns/new", {"period": "2026-02", **typed(), "ct32": "12abc"})
    assert refused.status_code == 422
    assert "12abc" in _beside(refused, "ct32")
    assert 'aria-invalid="true"' in refused.text
    assert "Chưa có gì được lưu" in text_of(refused)
    assert 'value="12abc"' in refused.text  # what was typed stays in its box
    inconsistent = await me.post("/taxpayer/returns/new", {"period": "2026-02", **typed(), "ct40b": str(999 * M)})
    assert inconsistent.status_code == 422
    assert "GTGT-040B" in _beside(inconsistent, "ct40b")
    for period in ("1990-01", "2026-13", ""):
        odd = await me.post("/taxpayer/returns/new", {"period": period, **typed()})
        assert odd.status_code in {400, 422}, period
        assert 'role="alert"' in odd.text
        checked = await me.post("/taxpayer/returns/check", {"period": period, **typed()})
        assert checked.status_code == 200
        assert 'class="notice bad"' in checked.text
    assert await _returns(session) == 0


async def test_an_accepted_return_is_amended_by_a_prefilled_supplementary(me: PageClient) -> None:
    await me.get("/taxpayer/returns/new?period=2026-02")
    filed = await me.post("/taxpayer/returns/new", {"period": "2026-02", **typed()})
    return_id = filed.headers["location"].rsplit("/", 1)[1]
    form = await me.get(f"/taxpayer/returns/new?amend={return_id}")
    assert form.status_code == 200
    assert 'name="kind" value="supplementary"' in form.text
    assert re.search(r'name="ct32"[^>]*value="300000000"', form.text, re.DOTALL)
    amended = await me.post(
        "/taxpayer/returns/new", {"period": "2026-02", "kind": "supplementary", **typed(sales_10=400 * M)}
    )
    assert amended.status_code == 303, text_of(amended)
    text = text_of(await me.get(amended.headers["location"]))
    assert "Bổ sung lần 1" in text
    assert "30.000.000 ₫" in text  # the tax payable by the amended figures


async def test_a_rejection_notice_gives_its_reasons_and_offers_no_supplementary(
    me: PageClient, client: httpx.AsyncClient, login: Login, filer: Taxpayer
) -> None:
    token = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    body = vat_return(filer.tax_code, "2026-02", vat_values(ct40b=999 * M))
    rejected = (await client.post("/api/v1/returns", json=body, headers=token)).json()
    assert rejected["status"] == "rejected"
    text = text_of(await me.get(f"/taxpayer/returns/{rejected['id']}"))
    assert "Tờ khai không được chấp nhận." in text
    assert "GTGT-040B" in text
    assert "[40b] Thuế GTGT mua vào của dự án đầu tư" in text  # the indicator named as on the form
    assert "Khai bổ sung" not in text
    form = await me.get(f"/taxpayer/returns/new?amend={rejected['id']}")
    assert form.status_code == 409
    assert "Chỉ khai bổ sung được cho tờ khai 01/GTGT đã được chấp nhận" in text_of(form)


async def test_a_real_htkk_file_is_uploaded_and_its_sha256_is_on_the_receipt(
    browser: PageClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2026, 11, 30)
    data = (REAL / "01GTGT_tt80_Q_credit_2.xml").read_bytes()
    code = re.search(rb"<mst>(\d+)</mst>", data)
    assert code
    company = await registered(session, code.group(1).decode(), "Công ty của tệp thật")
    await login(Role.TAXPAYER, username="tp-upload", tax_code=company.tax_code)
    await browser.log_in("tp-upload", PASSWORD)
    await browser.get("/taxpayer/returns/new")
    missing = await browser.post("/taxpayer/returns/upload", {}, files={"file": ("", b"", "application/octet-stream")})
    assert missing.status_code == 422
    assert 'id="file-error"' in missing.text
    uploaded = await browser.post(
        "/taxpayer/returns/upload", {}, files={"file": ("tokhai.xml", data, "application/octet-stream")}
    )
    assert uploaded.status_code == 303, text_of(uploaded)
    text = text_of(await browser.get(uploaded.headers["location"]))
    assert hashlib.sha256(data).hexdigest() in text
    assert "Tờ khai đã được chấp nhận." in text
    assert "Quý 3/2024" in text


async def test_another_taxpayers_return_is_not_found_and_an_officer_is_refused(
    me: PageClient, app: Litestar, login: Login, session: AsyncSession
) -> None:
    await me.get("/taxpayer/returns/new?period=2026-02")
    filed = await me.post("/taxpayer/returns/new", {"period": "2026-02", **typed()})
    receipt_path = filed.headers["location"]
    other = await register_enterprise(session, "0109555102", "Công ty Khác")
    await login(Role.TAXPAYER, username="tp-other", tax_code=other.tax_code)
    await login(Role.OFFICER, username="o-filing")
    async with PageClient(app, lang="en") as stranger:
        await stranger.log_in("tp-other", PASSWORD)
        missing = await stranger.get(receipt_path)
        assert missing.status_code == 404
        assert "Page not found" in text_of(missing)
        amend = await stranger.get(f"/taxpayer/returns/new?amend={receipt_path.rsplit('/', 1)[1]}")
        assert amend.status_code == 404
    async with PageClient(app) as officer:
        await officer.log_in("o-filing", PASSWORD)
        for path in ("/taxpayer/returns/new", "/taxpayer/returns", receipt_path):
            refused = await officer.get(path)
            assert refused.status_code == 403, path
            assert "Bạn không có quyền xem trang này" in text_of(refused)


async def test_a_refused_upload_is_told_beside_the_file_and_the_form_still_offers_the_periods_owed(
    me: PageClient, session: AsyncSession
) -> None:
    await me.get("/taxpayer/returns/new")
    data = (REAL / "01GTGT_tt80_Q_credit_2.xml").read_bytes()  # another company's file
    refused = await me.post("/taxpayer/returns/upload", {}, files={"file": ("tokhai.xml", data, "application/xml")})
    assert refused.status_code == 404
    assert re.findall(r'<option value="([^"]+)"', refused.text) == ["2026-01", "2026-02"]
    assert 'name="ct32"' in refused.text  # the form of the first period owed, ready to fill
    error = re.search(r'<div class="field-error" id="file-error"[^>]*>(.*?)</div>', refused.text, re.DOTALL)
    assert error
    assert "5702126556" in error.group(1)
    missing = await me.post("/taxpayer/returns/upload", {}, files={"file": ("", b"", "application/octet-stream")})
    assert missing.status_code == 422
    assert re.findall(r'<option value="([^"]+)"', missing.text) == ["2026-01", "2026-02"]
    assert "Không có kỳ 01/GTGT nào đang phải nộp" not in text_of(missing)
    assert await _returns(session) == 0


async def test_a_file_too_large_is_refused_beside_the_field(me: PageClient, session: AsyncSession) -> None:
    await me.get("/taxpayer/returns/new")
    # The largest file the office takes fits the form's request with the multipart envelope around it.
    exact = b"<?xml version='1.0'?>" + b" " * (RETURN_MAX_BYTES - 21)
    fits = await me.post("/taxpayer/returns/upload", {}, files={"file": ("tokhai.xml", exact, "application/xml")})
    assert fits.status_code != 413
    too_large = b" " * (RETURN_MAX_BYTES + 1)
    refused = await me.post(
        "/taxpayer/returns/upload", {}, files={"file": ("tokhai.xml", too_large, "application/xml")}
    )
    assert refused.status_code == 413
    error = re.search(r'<div class="field-error" id="file-error"[^>]*>(.*?)</div>', refused.text, re.DOTALL)
    assert error
    assert "larger than 2,000,000 bytes" in error.group(1)
    assert await _returns(session) == 0
