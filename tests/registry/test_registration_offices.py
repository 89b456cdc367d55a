"""A registration application names the tax office it is sent to; each office's officers see and decide their own."""

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.support.users import Login


def application(name: str, id_number: str, **extra: object) -> dict[str, object]:
    return {"kind": "enterprise", "name": name, "id_number": id_number, "address": {"street": "1 Lê Lợi"}, **extra}


async def test_office_must_be_known(client: httpx.AsyncClient, login: Login) -> None:
    unknown = await client.post("/api/v1/registrations", json=application("Công ty Xa", "0301000001", tax_office="HCM"))
    assert unknown.status_code == 422
    assert [(e["field"], e["code"]) for e in unknown.json()["errors"]] == [("tax_office", "tax_office.unknown")]
    assert "HNI" in unknown.json()["detail"]  # the known offices are named
    await login(Role.OFFICER, tax_office="HCM")  # an office is known once someone works in it
    known = await client.post("/api/v1/registrations", json=application("Công ty Xa", "0301000001", tax_office="HCM"))
    assert known.status_code == 201, known.text
    assert known.json()["tax_office"] == "HCM"
    default = await client.post("/api/v1/registrations", json=application("Công ty Gần", "0101000002"))
    assert default.json()["tax_office"] == "HNI"  # none named: the installation's default office


async def test_each_office_sees_and_decides_its_own(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    hanoi, saigon = await login(Role.OFFICER, tax_office="HNI"), await login(Role.OFFICER, tax_office="HCM")
    manager = await login(Role.MANAGER, tax_office=None)
    sent = {}
    for office, id_number in (("HNI", "0101000003"), ("HCM", "0301000004"), ("HCM", "0301000005")):
        body = application(f"Công ty {id_number}", id_number, tax_office=office)
        sent[id_number] = (await client.post("/api/v1/registrations", json=body)).json()["number"]

    async def queue(headers: dict[str, str], **params: str) -> set[str]:
        answer = await client.get("/api/v1/registrations", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return {a["number"] for a in answer.json()}

    assert await queue(hanoi) == {sent["0101000003"]}
    assert await queue(saigon) == {sent["0301000004"], sent["0301000005"]}
    assert await queue(hanoi, tax_office="HCM") == {sent["0101000003"]}  # an officer's queue is their office's
    assert await queue(manager) == set(sent.values())
    assert await queue(manager, tax_office="HCM") == {sent["0301000004"], sent["0301000005"]}

    path = f"/api/v1/registrations/{sent['0301000004']}/decision"
    refused = await client.post(path, json={"approve": True}, headers=hanoi)
    assert refused.status_code == 403
    assert "HCM" in refused.json()["detail"]
    approved = await client.post(path, json={"approve": True}, headers=saigon)
    assert approved.status_code == 200, approved.text
    registered = await session.scalar(select(Taxpayer).where(Taxpayer.tax_code == approved.json()["tax_code"]))
    assert registered is not None
    assert registered.tax_office == "HCM"
    shown = (await client.get(f"/api/v1/registrations/{sent['0301000004']}")).json()
    assert shown["tax_office"] == "HCM"
