"""Every registry status move (DOMAIN.md §2), as a rule and through the API."""

import datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from registry.schemas import StatusChange
from registry.services import TaxpayerService
from registry.statuses import TRANSITIONS, TaxpayerStatus, transition_problem
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from tests.registry.helpers import register_enterprise
from tests.support.users import Login

ALL = list(TaxpayerStatus)
ALLOWED = {
    ("00", "02"),
    ("00", "03"),
    ("00", "05"),
    ("00", "06"),
    ("00", "07"),
    ("04", "00"),
    ("04", "03"),
    ("04", "05"),
    ("04", "06"),
    ("05", "00"),
    ("05", "03"),
    ("05", "06"),
    ("05", "07"),
    ("06", "00"),
    ("06", "03"),
    ("06", "07"),
    ("03", "01"),
    ("03", "00"),
    ("07", "01"),
    ("07", "00"),
    ("02", "00"),
}


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("new", ALL)
def test_every_transition(current: TaxpayerStatus, new: TaxpayerStatus) -> None:
    problem = transition_problem(current, new)
    if (current.value, new.value) in ALLOWED:
        assert problem is None
    else:
        assert problem is not None
        assert current.value in problem or "already" in problem or "final" in problem


def test_table_and_expectations_agree() -> None:
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


def test_closed_is_final() -> None:
    assert TRANSITIONS[TaxpayerStatus.CLOSED] == frozenset()
    assert "final" in (transition_problem(TaxpayerStatus.CLOSED, TaxpayerStatus.ACTIVE) or "")


OFFICER = Principal(user_id=None, username="officer-test", role=Role.OFFICER, tax_office="HNI")


async def test_suspension_needs_end_and_resumes(session: AsyncSession) -> None:
    service = TaxpayerService(session)
    tp = await register_enterprise(session, "0109000001")
    calendar = WorkingCalendar()
    today = datetime.date(2026, 3, 2)
    with pytest.raises(Exception, match="end date"):
        await service.change_status(
            OFFICER, tp.tax_code, StatusChange(status="05", reason="Tạm ngừng"), today, calendar
        )
    change = StatusChange(status="05", reason="Tạm ngừng", effective_on=today, until=datetime.date(2026, 6, 1))
    await service.change_status(OFFICER, tp.tax_code, change, today, calendar)
    assert await service.resume_suspensions(OFFICER, datetime.date(2026, 6, 1)) == 0
    assert await service.resume_suspensions(OFFICER, datetime.date(2026, 6, 2)) == 1
    await session.refresh(tp)
    assert tp.status == "00"
    assert tp.status_effective_on == datetime.date(2026, 6, 1)
    history = await service.history(OFFICER, tp.tax_code)
    assert [h.fields["status"]["to"] for h in history if h.change == "status"] == ["05", "00"]


async def test_status_api_conflict_and_publication(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    tp = await register_enterprise(session, "0109000002")
    officer = await login(Role.OFFICER)
    closing = await client.post(
        f"/api/v1/taxpayers/{tp.tax_code}/status", json={"status": "03", "reason": "Giải thể"}, headers=officer
    )
    assert closing.status_code == 200, closing.text
    assert closing.json()["status"] == "03"
    # Public lookups show the change from the next working day on.
    public = await client.get(f"/api/v1/public/taxpayers/{tp.tax_code}")
    assert public.status_code == 200
    assert public.json()["status"] == "00"
    closed = await client.post(
        f"/api/v1/taxpayers/{tp.tax_code}/status", json={"status": "01", "reason": "Đóng MST"}, headers=officer
    )
    assert closed.status_code == 200
    reopen = await client.post(
        f"/api/v1/taxpayers/{tp.tax_code}/status", json={"status": "00", "reason": "x"}, headers=officer
    )
    assert reopen.status_code == 409
    assert "final" in reopen.json()["detail"]
    history = await client.get(f"/api/v1/taxpayers/{tp.tax_code}/history", headers=officer)
    assert [h["change"] for h in history.json()] == ["registered", "status", "status"]


async def test_public_view_after_next_working_day(session: AsyncSession) -> None:
    service = TaxpayerService(session)
    tp = await register_enterprise(session, "0109000003")
    friday = datetime.date(2026, 11, 20)
    change = StatusChange(status="06", reason="Không tìm thấy tại địa chỉ", effective_on=friday)
    await service.change_status(OFFICER, tp.tax_code, change, friday, WorkingCalendar())
    assert (await service.public(tp.tax_code, friday))[1] == "00"
    assert (await service.public(tp.tax_code, datetime.date(2026, 11, 22)))[1] == "00"  # Sunday
    assert (await service.public(tp.tax_code, datetime.date(2026, 11, 23)))[1] == "06"  # Monday


async def test_suspension_is_public_at_once_when_not_listed(session: AsyncSession) -> None:
    service = TaxpayerService(session)
    tp = await register_enterprise(session, "0109000004")
    day = datetime.date(2026, 11, 20)
    await service.change_status(
        OFFICER, tp.tax_code, StatusChange(status="07", reason="Phá sản"), day, WorkingCalendar()
    )
    assert (await service.public(tp.tax_code, day))[1] == "07"
