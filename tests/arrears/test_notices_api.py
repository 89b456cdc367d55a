"""Debt notices 01/TTN over HTTP: the workbook's cells, the action it records, and who may read it."""

import datetime
import io

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.models import ArrearsAction, ArrearsCase, DebtNotice
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Role
from tests.arrears.worklist_support import D, charge, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000


@pytest.fixture
async def debtor(session: AsyncSession, clock: Clock) -> Taxpayer:
    """VAT 10,000,000 due 31 Jul 2025, a fine 3,500,000 due 11 Aug, VAT 5,000,000 due 20 Nov (not yet due)."""
    clock.set(2025, 10, 30)
    found = await taxpayer(session, "Công ty TNHH Nợ Đọng")
    await charge(session, found, 10 * M, D(2025, 7, 31))
    await charge(session, found, 3_500_000, D(2025, 8, 11), sub_item="4254", kind=ChargeKind.FINE)
    await charge(session, found, 5 * M, D(2025, 11, 20), period="2025-10")
    return found


@pytest.fixture
async def case(session: AsyncSession, debtor: Taxpayer) -> ArrearsCase:
    return await open_case(session, debtor, oldest_due_on=D(2025, 7, 31), total=13_500_000, as_of=D(2025, 10, 30))


async def test_notice_workbook_lists_overdue_lines_with_interest_and_how_to_pay(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, debtor: Taxpayer, case: ArrearsCase
) -> None:
    response = await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=await login(Role.OFFICER))
    assert response.status_code == 201, response.text
    notice = response.json()
    # Interest: 10,000,000 at 0.03 % a day for 90 days (1 Aug … 29 Oct) = 270,000.
    assert notice["total"] == 10 * M + 270_000 + 3_500_000
    assert notice["tax_code"] == debtor.tax_code
    stored = await session.scalar(select(DebtNotice).where(DebtNotice.id == notice["id"]))
    assert stored is not None
    sheet = load_workbook(io.BytesIO(stored.document)).active
    assert sheet is not None
    assert sheet["B2"].value == notice["number"]
    assert sheet["B5"].value == "Công ty TNHH Nợ Đọng"
    assert sheet["B6"].value == debtor.tax_code
    assert sheet["B7"].value == "1 Láng, Hà Nội"
    assert sheet["A9"].value == "Loại thuế (tax type)"
    vat = [cell.value for cell in sheet[10]]
    assert vat[:3] == ["VAT", "1701", "2025-06"]
    assert vat[3] == datetime.datetime(2025, 7, 31)  # noqa: DTZ001 - Excel dates carry no zone
    assert vat[4:] == [91, 10 * M, 270_000, 10_270_000]
    assert [cell.value for cell in sheet[11]][4:] == [80, 3_500_000, 0, 3_500_000]
    assert sheet["A12"].value == "Tổng cộng (total)"
    assert (sheet["F12"].value, sheet["G12"].value, sheet["H12"].value) == (13_500_000, 270_000, 13_770_000)
    assert {sheet[f"{c}{r}"].number_format for c in "FGH" for r in (10, 11, 12)} == {"#,##0"}
    labels = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=13) if row[0].value}
    assert str(labels["Tài khoản thu NSNN (budget account)"]).startswith("7111")
    assert labels["Tiểu mục nộp nợ (sub-items)"] == "1701, 4254"
    assert labels["Tiểu mục tiền chậm nộp (interest sub-items)"] == "4931"
    assert labels["Mã tham chiếu (payment reference)"] == f"{debtor.tax_code} {notice['number']}"
    action = await session.scalar(select(ArrearsAction).where(ArrearsAction.case_id == case.id))
    assert action is not None
    assert (action.kind, action.details["notice_id"]) == ("debt_notice", notice["id"])
    assert await session.scalar(select(AuditEvent.id).where(AuditEvent.action == "arrears.notice")) is not None


async def test_taxpayer_sees_only_its_own_notices(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, debtor: Taxpayer, case: ArrearsCase
) -> None:
    issued = (await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=await login(Role.OFFICER))).json()
    own = await login(Role.TAXPAYER, tax_code=debtor.tax_code)
    listed = await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/notices", headers=own)
    assert listed.status_code == 200, listed.text
    assert [n["number"] for n in listed.json()["notices"]] == [issued["number"]]
    download = await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/notices/{issued['id']}/file", headers=own)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert issued["number"] in download.headers["content-disposition"]
    assert load_workbook(io.BytesIO(download.content)).active["B2"].value == issued["number"]  # type: ignore[index]
    stranger_code = (await taxpayer(session, "Công ty Người Khác")).tax_code
    stranger = await login(Role.TAXPAYER, tax_code=stranger_code)
    assert (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/notices", headers=stranger)).status_code == 404
    assert (
        await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/notices/{issued['id']}/file", headers=stranger)
    ).status_code == 404
    assert (
        await client.get(f"/api/v1/taxpayers/{stranger_code}/notices/{issued['id']}/file", headers=stranger)
    ).status_code == 404
    assert (await client.get(f"/api/v1/taxpayers/{debtor.tax_code}/notices")).status_code == 401
    assert (await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=own)).status_code == 403


async def test_detail_lists_notices_and_the_next_notice_a_month_later(
    client: httpx.AsyncClient, login: Login, case: ArrearsCase
) -> None:
    officer = await login(Role.OFFICER)
    issued = (await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=officer)).json()
    detail = (await client.get(f"/api/v1/arrears/cases/{case.id}", headers=officer)).json()
    assert [n["id"] for n in detail["notices"]] == [issued["id"]]
    assert ("debt_notice", "2025-11-30") in [(p["kind"], p["due_on"]) for p in detail["proposals"]]


async def test_nothing_overdue_is_a_conflict(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2025, 10, 30)
    paid_up = await taxpayer(session, "Công ty Đã Nộp")
    case = await open_case(session, paid_up, oldest_due_on=D(2025, 7, 31), total=M, as_of=D(2025, 10, 1))
    response = await client.post(f"/api/v1/arrears/cases/{case.id}/notices", headers=await login(Role.OFFICER))
    assert response.status_code == 409
