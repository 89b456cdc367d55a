"""Paying from the portal: a payment slip for the debts ticked, its VietQR code, and what the payment paid.

The numbers are those of tests/accounts/payment_order_flow.py: on 2 Dec 2026 the overdue VAT of 2026-09 and 2026-10
with their interest to the day make 15,142,500 đ; 2026-10 alone with its interest, 5,016,500 đ.
"""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts import vietqr
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.auth.roles import Role
from tests.accounts.payment_order_flow import OTHER_CODE, TOTAL, debtor
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login


@pytest.fixture
async def owing(session: AsyncSession, clock: Clock) -> Taxpayer:
    return await debtor(session, clock, "0109777011")


async def _payer(browser: PageClient, login: Login, owing: Taxpayer) -> PageClient:
    await login(Role.TAXPAYER, tax_code=owing.tax_code, username="tp-pays")
    await browser.log_in("tp-pays", PASSWORD)
    return browser


async def test_a_slip_for_every_overdue_debt_paid_by_reference_then_applied_and_explained(
    browser: PageClient,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    owing: Taxpayer,
) -> None:
    me = await _payer(browser, login, owing)
    pay = await me.get("/taxpayer/pay")
    assert "Lập giấy nộp tiền có mã QR" in text_of(pay)
    made = await me.post("/taxpayer/pay/orders", {})
    assert made.status_code == 303
    reference = made.headers["location"].rsplit("/", 1)[1]
    slip = await me.get(made.headers["location"])
    text = text_of(slip)
    assert reference in text
    assert "15.142.500 ₫" in text
    assert "Chờ nộp" in text
    assert "<svg" in slip.text
    assert "<?xml" not in slip.text
    assert "Chưa có khoản nộp nào" in text
    listed = text_of(await me.get("/taxpayer/pay"))
    assert reference in listed

    bank = await login(Role.BANK)
    body = {
        "bank_ref": f"VCB-{reference}",
        "tax_code": OTHER_CODE,
        "amount": TOTAL,
        "paid_on": "2026-12-02",
        "reference": reference,
    }
    assert (await client.post("/api/v1/payments", json=body, headers=bank)).status_code == 201
    expected = text_of(await me.get(f"/taxpayer/pay/orders/{reference}"))
    assert "Đã nộp đủ" in expected
    assert "dự kiến" in expected or "expected" in expected.lower()
    await Reconciler(session_factory).run("test")
    applied = text_of(await me.get(f"/taxpayer/pay/orders/{reference}"))
    assert "Khoản nộp 15 142 500 ₫ ngày 02/12/2026: trước hết" in applied.replace("\u00a0", " ")
    assert "Điều 57" in applied
    await session.rollback()


async def test_a_slip_for_the_debts_ticked_only_and_its_qr_payload(
    browser: PageClient, client: httpx.AsyncClient, login: Login, owing: Taxpayer
) -> None:
    me = await _payer(browser, login, owing)
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    charges = (await client.get(f"/api/v1/taxpayers/{owing.tax_code}/charges", headers=own)).json()["charges"]
    october = next(c["id"] for c in charges if c["period"] == "2026-10")
    page = await me.get("/taxpayer/pay")
    assert f'name="charge_ids" value="{october}"' in page.text
    made = await me.post("/taxpayer/pay/orders", {"charge_ids": str(october)})
    reference = made.headers["location"].rsplit("/", 1)[1]
    order = (await client.get(f"/api/v1/payment-orders/{reference}", headers=own)).json()
    assert order["amount"] == 5_016_500
    assert vietqr.parse(order["vietqr"]["payload"])["54"] == "5016500"
    assert "5.016.500 ₫" in text_of(await me.get(f"/taxpayer/pay/orders/{reference}"))


async def test_a_bad_choice_is_told_and_an_open_slip_can_be_cancelled(
    browser: PageClient, login: Login, owing: Taxpayer
) -> None:
    me = await _payer(browser, login, owing)
    await me.get("/taxpayer/pay")
    refused = await me.post("/taxpayer/pay/orders", {"charge_ids": "999999"})
    assert refused.status_code == 422
    assert "not open debts" in text_of(refused)
    made = await me.post("/taxpayer/pay/orders", {})
    location = made.headers["location"]
    await me.get(location)
    cancelled = await me.post(f"{location}/cancel", {})
    assert cancelled.status_code == 303
    assert "Đã huỷ" in text_of(await me.get(location))
    again = await me.post(f"{location}/cancel", {})
    assert again.status_code == 409


async def test_another_taxpayers_slip_is_not_found(
    browser: PageClient,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    clock: Clock,
    owing: Taxpayer,
) -> None:
    other = await debtor(session, clock, "0109777012")
    own = await login(Role.TAXPAYER, tax_code=other.tax_code)
    made = await client.post(
        f"/api/v1/taxpayers/{other.tax_code}/payment-orders", json={"all_overdue": True}, headers=own
    )
    reference = made.json()["reference"]
    me = await _payer(browser, login, owing)
    assert (await me.get(f"/taxpayer/pay/orders/{reference}")).status_code == 404
