"""Payment orders over HTTP on PostgreSQL: the slip's worked numbers, matching by reference, access, cancelling."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.models import Payment
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.auth.roles import Role
from tests.accounts.payment_order_flow import OTHER_CODE, TOTAL, create_order, debtor, run_flow
from tests.support.clock import Clock
from tests.support.users import Login


@pytest.fixture
async def owing(session: AsyncSession, clock: Clock) -> Taxpayer:
    return await debtor(session, clock, "0109777001")


async def test_order_paid_by_reference_and_explained(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    owing: Taxpayer,
) -> None:
    await run_flow(client, login, session, session_factory, owing)


async def test_chosen_charges_only(client: httpx.AsyncClient, login: Login, owing: Taxpayer) -> None:
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    charges = (await client.get(f"/api/v1/taxpayers/{owing.tax_code}/charges", headers=own)).json()["charges"]
    by_period = {c["period"]: c["id"] for c in charges}
    url = f"/api/v1/taxpayers/{owing.tax_code}/payment-orders"
    made = await client.post(url, json={"charge_ids": [by_period["2026-10"], by_period["2026-11"]]}, headers=own)
    assert made.status_code == 201, made.text
    # 2026-10 with its interest, and 2026-11 not yet due (no interest): 5,016,500 + 3,000,000
    assert made.json()["amount"] == 8_016_500
    unknown = await client.post(url, json={"charge_ids": [by_period["2026-09"], 999_999]}, headers=own)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["code"] == "charge_ids.not_open"
    assert (await client.post(url, json={}, headers=own)).status_code == 422
    both = {"charge_ids": [by_period["2026-09"]], "all_overdue": True}
    assert (await client.post(url, json=both, headers=own)).status_code == 422
    listed = (await client.get(url, headers=own)).json()["items"]
    assert [o["amount"] for o in listed] == [8_016_500]


async def test_nothing_overdue_says_so(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clean = await debtor(session, clock, "0109777002")
    clock.set(2026, 10, 20)  # every debt not yet due on the deadline day
    own = await login(Role.TAXPAYER, tax_code=clean.tax_code)
    url = f"/api/v1/taxpayers/{clean.tax_code}/payment-orders"
    refused = await client.post(url, json={"all_overdue": True}, headers=own)
    assert refused.status_code == 422
    assert "nothing to pay" in refused.json()["detail"]


async def test_other_taxpayers_get_404_and_officers_of_the_office_may_act(
    client: httpx.AsyncClient, login: Login, owing: Taxpayer
) -> None:
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    order = await create_order(client, own, owing.tax_code)
    stranger = await login(Role.TAXPAYER, tax_code=OTHER_CODE)
    for path in ("", "/qr.svg"):
        assert (
            await client.get(f"/api/v1/payment-orders/{order['reference']}{path}", headers=stranger)
        ).status_code == 404
    assert (
        await client.post(f"/api/v1/payment-orders/{order['reference']}/cancel", headers=stranger)
    ).status_code == 404
    url = f"/api/v1/taxpayers/{owing.tax_code}/payment-orders"
    assert (await client.post(url, json={"all_overdue": True}, headers=stranger)).status_code == 404
    assert (await client.get(url, headers=stranger)).status_code == 404
    elsewhere = await login(Role.OFFICER, tax_office="HCM")
    assert (await client.post(url, json={"all_overdue": True}, headers=elsewhere)).status_code == 403
    officer = await login(Role.OFFICER)
    assert (await client.post(url, json={"all_overdue": True}, headers=officer)).status_code == 201
    bank = await login(Role.BANK)
    assert (await client.get(f"/api/v1/payment-orders/{order['reference']}", headers=bank)).status_code == 403


async def test_qr_svg_and_cancel(client: httpx.AsyncClient, login: Login, clock: Clock, owing: Taxpayer) -> None:
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    reference = (await create_order(client, own, owing.tax_code))["reference"]
    svg = await client.get(f"/api/v1/payment-orders/{reference}/qr.svg", headers=own)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content
    spaced = f"{reference[:2]}-{reference[2:6]}-{reference[6:]}".lower()
    assert (await client.get(f"/api/v1/payment-orders/{spaced}", headers=own)).json()["reference"] == reference
    cancelled = await client.post(f"/api/v1/payment-orders/{reference}/cancel", headers=own)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert (await client.post(f"/api/v1/payment-orders/{reference}/cancel", headers=own)).status_code == 409
    later = (await create_order(client, own, owing.tax_code))["reference"]
    clock.set(2026, 12, 5, 0, 0)  # midnight ending 4 Dec: expired
    expired = await client.get(f"/api/v1/payment-orders/{later}", headers=own)
    assert expired.json()["status"] == "expired"
    assert (await client.post(f"/api/v1/payment-orders/{later}/cancel", headers=own)).status_code == 409


async def test_payment_without_tax_code_and_partial_payment(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, owing: Taxpayer
) -> None:
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    reference = (await create_order(client, own, owing.tax_code))["reference"]
    bank = await login(Role.BANK)
    part = {"bank_ref": "ACB-1", "amount": 5_000_000, "paid_on": "2026-12-02", "reference": reference}
    paid = await client.post("/api/v1/payments", json=part, headers=bank)
    assert paid.status_code == 201, paid.text
    assert paid.json()["tax_code"] == owing.tax_code
    order = (await client.get(f"/api/v1/payment-orders/{reference}", headers=own)).json()
    assert (order["status"], order["paid"]) == ("partly_paid", 5_000_000)
    stored = await session.scalar(select(Payment).where(Payment.bank_ref == "ACB-1"))
    assert stored is not None
    assert stored.order_id is not None
    nothing = {"bank_ref": "ACB-2", "amount": 1, "paid_on": "2026-12-02"}
    assert (await client.post("/api/v1/payments", json=nothing, headers=bank)).status_code == 422
    bad = {**nothing, "reference": reference[:-1] + ("0" if reference[-1] != "0" else "1")}
    refused = await client.post("/api/v1/payments", json=bad, headers=bank)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "reference.invalid"
    assert TOTAL > 5_000_000


async def test_statement_row_quoting_the_reference_in_its_description(
    client: httpx.AsyncClient, login: Login, owing: Taxpayer
) -> None:
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    reference = (await create_order(client, own, owing.tax_code))["reference"]
    officer = await login(Role.OFFICER)
    csv = (
        "bank_ref,tax_code,amount,paid_on,noi_dung\n"
        f"STM-1,,{TOTAL},2026-12-02,CT DEN:998877 NOP THUE {reference} CONG TY LENH NOP\n"
        "STM-2,,100000,2026-12-02,NOP THUE KHONG MA\n"
    )
    imported = await client.post(
        "/api/v1/payments/import", content=csv.encode(), headers={**officer, "content-type": "text/csv"}
    )
    assert imported.status_code == 200, imported.text
    result = imported.json()
    assert (result["imported"], result["unmatched"], result["rejected_count"]) == (1, 0, 1)
    assert result["rejected"][0]["row"] == 3
    order = (await client.get(f"/api/v1/payment-orders/{reference}", headers=own)).json()
    assert (order["status"], order["paid"]) == ("paid", TOTAL)


async def test_interest_left_on_a_paid_tax_is_overdue_too(
    client: httpx.AsyncClient, login: Login, clock: Clock, owing: Taxpayer
) -> None:
    bank = await login(Role.BANK)
    clock.set(2026, 11, 1)
    tax_only = {"bank_ref": "TCB-9", "tax_code": owing.tax_code, "amount": 10_000_000, "paid_on": "2026-11-01"}
    assert (await client.post("/api/v1/payments", json=tax_only, headers=bank)).status_code == 201
    clock.set(2026, 12, 2)
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    made = await client.post(
        f"/api/v1/taxpayers/{owing.tax_code}/payment-orders", json={"all_overdue": True}, headers=own
    )
    assert made.status_code == 201, made.text
    # 2026-09's tax paid on 1 Nov leaves 11 days of interest (21-31 Oct): 10,000,000 x 0.03 % x 11 = 33,000
    assert [(line["period"], line["component"], line["amount"]) for line in made.json()["lines"]] == [
        ("2026-09", "interest", 33_000),
        ("2026-10", "tax", 5_000_000),
        ("2026-10", "interest", 16_500),
    ]


async def test_single_line_order_names_its_period_and_sub_item(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    owing: Taxpayer,
) -> None:
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    charges = (await client.get(f"/api/v1/taxpayers/{owing.tax_code}/charges", headers=own)).json()["charges"]
    december = next(c["id"] for c in charges if c["period"] == "2026-11")
    url = f"/api/v1/taxpayers/{owing.tax_code}/payment-orders"
    order = (await client.post(url, json={"charge_ids": [december]}, headers=own)).json()
    assert order["amount"] == 3_000_000
    bank = await login(Role.BANK)
    body = {"bank_ref": "MB-77", "amount": 3_000_000, "paid_on": "2026-12-02", "reference": order["reference"]}
    paid = (await client.post("/api/v1/payments", json=body, headers=bank)).json()
    assert (paid["period"], paid["sub_item"]) == ("2026-11", "1701")  # the slip's one line, named (DOMAIN.md §7)
    await Reconciler(session_factory).run("test")
    account = (await client.get(f"/api/v1/taxpayers/{owing.tax_code}/account", headers=own)).json()
    by_period = {item["period"]: item["outstanding"] for item in account["items"]}
    assert by_period == {"2026-09": 10_000_000, "2026-10": 5_000_000, "2026-11": 0}
    explained = (await client.get(f"/api/v1/payments/{paid['id']}/explanation", headers=own)).json()
    assert "so that debt came first" in explained["en"]
    await session.rollback()


async def test_a_reversed_payment_is_taken_off_its_order(
    client: httpx.AsyncClient, login: Login, owing: Taxpayer
) -> None:
    own = await login(Role.TAXPAYER, tax_code=owing.tax_code)
    reference = (await create_order(client, own, owing.tax_code))["reference"]
    bank = await login(Role.BANK)
    ids = []
    for ref, amount in (("VCB-1", 5_000_000), ("VCB-2", TOTAL - 5_000_000)):
        body = {"bank_ref": ref, "amount": amount, "paid_on": "2026-12-02", "reference": reference}
        made = await client.post("/api/v1/payments", json=body, headers=bank)
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    url = f"/api/v1/payment-orders/{reference}"
    assert ((order := (await client.get(url, headers=own)).json())["status"], order["paid"]) == ("paid", TOTAL)
    reason = {"reason": "Ngân hàng hoàn lệnh"}
    undone = await client.post(f"/api/v1/payments/{ids[1]}/reversal", json=reason, headers=bank)
    assert undone.status_code == 200, undone.text
    order = (await client.get(url, headers=own)).json()
    assert (order["status"], order["paid"]) == ("partly_paid", 5_000_000)
    await client.post(f"/api/v1/payments/{ids[0]}/reversal", json=reason, headers=bank)
    order = (await client.get(url, headers=own)).json()
    assert (order["status"], order["paid"]) == ("open", 0)
    # A reversal is taken off once: a second one is refused and leaves the order as it is.
    again = await client.post(f"/api/v1/payments/{ids[0]}/reversal", json=reason, headers=bank)
    assert again.status_code == 409
    assert (await client.get(url, headers=own)).json()["paid"] == 0
