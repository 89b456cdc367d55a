"""Filing returns over HTTP on PostgreSQL: receipts, acceptance with its charge, lateness and fines, amendments,
idempotency, XML, dry runs, and refusals that write nothing."""

import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.htkk import render_htkk
from filings.models import TaxReturn
from filings.periods import parse_period
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000


def vat_values(sales_10: int = 300 * M, input_vat: int = 10 * M, **overrides: int) -> dict[str, int]:
    """A consistent 01/GTGT: 10 % sales, deductible input VAT; computed indicators filled in as the office would."""
    values = {
        "ct22": 0,
        "ct23": input_vat * 10,
        "ct24": input_vat,
        "ct25": input_vat,
        "ct26": 0,
        "ct29": 0,
        "ct30": 0,
        "ct31": 0,
        "ct32": sales_10,
        "ct33": sales_10 // 10,
        "ct32a": 0,
        "ct37": 0,
        "ct38": 0,
        "ct39a": 0,
        "ct40b": 0,
        "ct42": 0,
    }
    values.update(overrides)
    x = (
        values["ct33"]
        + values["ct31"]
        - values["ct25"]
        - values["ct22"]
        + values["ct37"]
        - values["ct38"]
        - values["ct39a"]
    )
    values |= {
        "ct27": values["ct29"] + values["ct30"] + values["ct32"] + values["ct32a"],
        "ct28": values["ct31"] + values["ct33"],
        "ct34": values["ct26"] + values["ct29"] + values["ct30"] + values["ct32"] + values["ct32a"],
        "ct35": values["ct31"] + values["ct33"],
        "ct36": values["ct31"] + values["ct33"] - values["ct25"],
        "ct40a": max(x, 0),
        "ct40": max(x, 0) - values["ct40b"],
        "ct41": max(-x, 0),
        "ct43": max(-x, 0) - values["ct42"],
    }
    return values


def vat_return(tax_code: str, period: str, values: dict[str, Any], **extra: object) -> dict[str, Any]:
    return {"tax_code": tax_code, "form": "01-GTGT", "period": period, "values": values, **extra}


@pytest.fixture
async def filer(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 3, 10)
    return await register_enterprise(session, "0109555001", "Công ty TNHH Khai Thuế")


async def _returns(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(TaxReturn)) or 0)


async def test_late_original_is_accepted_with_its_charge_and_no_fine_yet(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    response = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", vat_values()), headers=me
    )
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["status"] == "accepted", receipt["errors"]
    assert len(receipt["transaction_code"]) == 17
    assert receipt["transaction_code"].isdigit()
    assert receipt["tax_payable"] == 20 * M
    # 20 Feb 2026 falls in Tết: the deadline moves to Monday 23 Feb; filed 10 Mar → 15 days late.
    assert receipt["due_on"] == "2026-02-23"
    assert receipt["days_late"] == 15
    # The fine is an officer's decision (tests/filings/test_fine_decisions.py): only its draft exists yet.
    assert receipt["fine"] is None
    charges = (await client.get(f"/api/v1/taxpayers/{filer.tax_code}/charges", headers=me)).json()
    assert [(c["kind"], c["amount"], c["due_on"], c["sub_item"]) for c in charges["charges"]] == [
        ("tax", 20 * M, "2026-02-23", "1701"),
    ]
    assert charges["total"] == 20 * M
    notice = (await client.get(f"/api/v1/returns/{receipt['id']}", headers=me)).json()
    assert notice["computed"]["ct40"] == 20 * M
    assert notice["status"] == "accepted"


async def test_obligations_follow_the_filings(client: httpx.AsyncClient, login: Login, filer: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    for period in ("2026-01", "2026-02"):
        filed = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, period, vat_values()), headers=me)
        assert filed.json()["status"] == "accepted", filed.json()["errors"]
    obligations = (
        await client.get(f"/api/v1/taxpayers/{filer.tax_code}/obligations", params={"year": 2026}, headers=me)
    ).json()
    by_key = {(o["form"], o["period"]): o for o in obligations}
    assert by_key[("01/GTGT", "2026-01")]["status"] == "filed_late"
    # The legal deadline, 20 Feb 2026, falls in Tết: the effective one is the next working day.
    assert (by_key[("01/GTGT", "2026-01")]["nominal_due_on"], by_key[("01/GTGT", "2026-01")]["due_on"]) == (
        "2026-02-20",
        "2026-02-23",
    )
    assert by_key[("01/GTGT", "2026-02")]["status"] == "filed"
    assert by_key[("01/GTGT", "2026-02")]["return_id"] is not None
    assert by_key[("01/GTGT", "2026-03")]["status"] == "upcoming"
    # 05/KK-TNCN is owed only where tax was withheld (Decree 126/2020 Art. 8(1)(b)): unfiled, it is not overdue.
    assert by_key[("05/KK-TNCN", "2026-01")]["status"] == "if_withheld"
    assert by_key[("05/KK-TNCN", "2026-02")]["status"] == "if_withheld"
    assert by_key[("05/KK-TNCN", "2026-02")]["due_on"] == "2026-03-20"
    assert by_key[("03/TNDN", "2026")]["due_on"] == "2027-03-31"
    assert len([o for o in obligations if o["form"] == "01/GTGT"]) == 12


async def test_original_twice_points_to_supplementary(client: httpx.AsyncClient, login: Login, filer: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    first = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=me)
    again = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=me)
    assert again.status_code == 409
    assert "supplementary" in again.json()["detail"]
    assert first.json()["transaction_code"] in again.json()["detail"]


async def test_supplementary_raises_then_lowers(client: httpx.AsyncClient, login: Login, filer: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=me)
    raised = await client.post(
        "/api/v1/returns",
        json=vat_return(filer.tax_code, "2026-02", vat_values(sales_10=350 * M), kind="supplementary"),
        headers=me,
    )
    assert raised.status_code == 201, raised.text
    body = raised.json()
    assert body["status"] == "accepted", body["errors"]
    assert body["amendment_no"] == 1
    assert body["tax_payable"] == 25 * M
    assert body["posted_amount"] == 5 * M
    assert body["fine"] is None
    lowered = await client.post(
        "/api/v1/returns",
        json=vat_return(filer.tax_code, "2026-02", vat_values(sales_10=280 * M), kind="supplementary"),
        headers=me,
    )
    assert lowered.json()["posted_amount"] == -7 * M
    assert lowered.json()["amendment_no"] == 2
    charges = (
        await client.get(f"/api/v1/taxpayers/{filer.tax_code}/charges", params={"period": "2026-02"}, headers=me)
    ).json()
    # Every correction is a new entry; the raise bears interest from the original deadline (20 Mar 2026).
    assert [(c["amount"], c["interest_from"]) for c in charges["charges"]] == [
        (20 * M, "2026-03-20"),
        (5 * M, "2026-03-20"),
        (-7 * M, "2026-03-20"),
    ]
    assert charges["total"] == 18 * M


async def test_supplementary_needs_an_original(client: httpx.AsyncClient, login: Login, filer: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    response = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values(), kind="supplementary"), headers=me
    )
    assert response.status_code == 409


async def test_retry_with_idempotency_key_returns_the_receipt(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    headers = {**me, "Idempotency-Key": "ketoan-2026-02-001"}
    first = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=headers
    )
    retry = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=headers
    )
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["transaction_code"] == first.json()["transaction_code"]
    assert retry.json()["id"] == first.json()["id"]
    assert await _returns(session) == 1


async def test_wrong_figures_are_rejected_with_reasons(
    client: httpx.AsyncClient, login: Login, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    wrong = vat_values() | {"ct40": 19 * M}
    response = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", wrong), headers=me)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "rejected"
    assert any("ct40" in e["indicators"] and e["severity"] == "reject" for e in body["errors"])
    assert all(e["message_vi"] and e["message_en"] for e in body["errors"])
    # A rejected return leaves the period open: a corrected original is accepted.
    fixed = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=me)
    assert fixed.json()["status"] == "accepted"
    listed = (await client.get("/api/v1/returns", params={"tax_code": filer.tax_code}, headers=me)).json()
    assert [r["status"] for r in listed] == ["accepted", "rejected"]


async def test_carried_forward_credit_must_match(client: httpx.AsyncClient, login: Login, filer: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    credit = vat_values(sales_10=50 * M, input_vat=8 * M)  # x = 5 - 8 = -3 million: 3 million carried forward
    assert credit["ct43"] == 3 * M
    await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-01", credit), headers=me)
    forgot = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=me)
    assert forgot.json()["status"] == "rejected"
    assert any("ct22" in e["indicators"] for e in forgot.json()["errors"])
    carried = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values(ct22=3 * M)), headers=me
    )
    assert carried.json()["status"] == "accepted", carried.json()["errors"]
    assert carried.json()["tax_payable"] == 17 * M


async def test_xml_from_accounting_software(client: httpx.AsyncClient, login: Login, filer: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    document = render_htkk("842", "C", 0, parse_period("2026-02"), filer.tax_code, filer.name, vat_values())
    response = await client.post("/api/v1/returns", content=document, headers={**me, "content-type": "application/xml"})
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "accepted", response.json()["errors"]
    assert response.json()["form"] == "01/GTGT"
    assert response.json()["tax_payable"] == 20 * M


async def test_dry_run_stores_nothing(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    response = await client.post(
        "/api/v1/returns/validate", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=me
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    assert response.json()["transaction_code"] is None
    assert response.json()["computed"]["ct40"] == 20 * M
    assert await _returns(session) == 0


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"<HSoThueDTu><HSoKhaiThue>", "application/xml", 400),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><HSoThueDTu>&b;</HSoThueDTu>',
            "application/xml",
            400,
        ),
        (b'{"tax_code": "0109555001", "form": "01-GTGT", "period": "2026-02", "values": ', "application/json", 400),
        (
            b'{"tax_code": "0109555001", "form": "01-GTGT", "period": "2026-02", "values": {}, "x": 1}',
            "application/json",
            400,
        ),
        (b"tax_code=1", "application/x-www-form-urlencoded", 415),
        (b"<a>" + b"x" * 2_100_000 + b"</a>", "application/xml", 413),
    ],
)
async def test_unreadable_input_writes_nothing(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    filer: Taxpayer,
    content: bytes,
    content_type: str,
    status: int,
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    response = await client.post("/api/v1/returns", content=content, headers={**me, "content-type": content_type})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await _returns(session) == 0


async def test_refusals_before_receipt(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    other = await register_enterprise(session, "0109555002", "Công ty Khác")
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    unknown_form = await client.post(
        "/api/v1/returns", json={**vat_return(filer.tax_code, "2026-02", {}), "form": "99-XYZ"}, headers=me
    )
    assert unknown_form.status_code == 422
    assert unknown_form.json()["type"] == "urn:taxoffice:problem:unknown-form"
    future = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-03", vat_values()), headers=me)
    assert future.status_code == 422
    assert future.json()["type"] == "urn:taxoffice:problem:period-not-ended"
    someone_else = await client.post(
        "/api/v1/returns", json=vat_return(other.tax_code, "2026-02", vat_values()), headers=me
    )
    assert someone_else.status_code == 404
    bad_code = await client.post("/api/v1/returns", json=vat_return("0100000050", "2026-02", vat_values()), headers=me)
    assert bad_code.status_code == 422
    bad_period = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-13", vat_values()), headers=me
    )
    assert bad_period.status_code == 422
    quarter = await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2025", vat_values()), headers=me)
    assert quarter.status_code == 422
    assert await _returns(session) == 0
    assert (await client.get(f"/api/v1/taxpayers/{other.tax_code}/obligations", headers=me)).status_code == 404


async def test_closed_taxpayer_is_rejected(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, filer: Taxpayer
) -> None:
    filer.status = "01"
    filer.status_effective_on = datetime.date(2026, 3, 1)
    await session.commit()
    officer = await login(Role.OFFICER)
    response = await client.post(
        "/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", vat_values()), headers=officer
    )
    assert response.json()["status"] == "rejected"
    assert [e["rule"] for e in response.json()["errors"]] == ["TAXPAYER-STATUS"]


async def test_forms_are_served(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/api/v1/forms")).json()
    assert {"01/GTGT", "05/KK-TNCN", "03/TNDN"} <= {f["code"] for f in listed}
    vat = (await client.get("/api/v1/forms/01-GTGT")).json()
    assert vat["payable_indicator"] == "ct40"
    assert vat["sub_item"] == "1701"
    formulas = {i["code"]: i["formula"] for i in vat["indicators"]}
    assert formulas["ct27"] is not None
    assert (await client.get("/api/v1/forms/99-XYZ")).status_code == 404


async def test_several_originals_for_a_period_by_place(
    client: httpx.AsyncClient, login: Login, filer: Taxpayer
) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    own = vat_return(filer.tax_code, "2026-02", vat_values())
    place = {"ct09": "Công trình Bắc Ninh", "ct10": "0109555001-002", "ct11c_tinhTP_ma": "27"}
    unit = vat_return(filer.tax_code, "2026-02", vat_values(sales_10=200 * M) | place)
    first = await client.post("/api/v1/returns", json=own, headers=me)
    second = await client.post("/api/v1/returns", json=unit, headers=me)
    assert (first.json()["status"], second.json()["status"]) == ("accepted", "accepted"), second.json()
    # The same place again is a second original of that place: refused, pointing to a supplementary return.
    again = await client.post("/api/v1/returns", json=unit, headers=me)
    assert again.status_code == 409
    assert second.json()["transaction_code"] in again.json()["detail"]
    charges = (await client.get(f"/api/v1/taxpayers/{filer.tax_code}/charges", headers=me)).json()
    assert sorted(c["amount"] for c in charges["charges"] if c["kind"] == "tax") == [10 * M, 20 * M]
    obligations = (await client.get(f"/api/v1/taxpayers/{filer.tax_code}/obligations", headers=me)).json()
    february = next(o for o in obligations if (o["form"], o["period"]) == ("01/GTGT", "2026-02"))
    assert february["return_id"] == first.json()["id"]
