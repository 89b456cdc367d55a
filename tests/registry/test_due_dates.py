"""An application is decided within 3 working days: across weekends, holidays and the office's overrides."""

import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from registry.applications import ApplicationService
from registry.schemas import Address, RegistrationCreate
from registry.services import TaxpayerService
from registry.vocabulary import TaxpayerKind
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService
from taxoffice.calendar import VN_TZ, WorkingCalendar
from taxoffice.config import Settings
from tests.support.users import Login

APPLICANT = Principal.anonymous("tests")
DATA = RegistrationCreate(
    kind=TaxpayerKind.ENTERPRISE, name="Công ty Hạn Xử Lý", id_number="0109111111", address=Address(street="1 Láng")
)


def _at(year: int, month: int, day: int) -> datetime.datetime:
    """Mid-morning in Hanoi on that day."""
    return datetime.datetime(year, month, day, 10, tzinfo=VN_TZ)


def _service(session: AsyncSession, settings: Settings) -> ApplicationService:
    return ApplicationService(session, TaxpayerService(session), UserService(session, settings))


async def test_due_across_a_weekend(session: AsyncSession, settings: Settings) -> None:
    # Friday 13 Nov 2026 → Mon 16, Tue 17, Wed 18.
    _, due, _office = await _service(session, settings).submit(APPLICANT, DATA, _at(2026, 11, 13), WorkingCalendar())
    assert due == datetime.date(2026, 11, 18)
    # Friday 20 Nov 2026 → Mon 23, (Tue 24 is Vietnam Cultural Day, a holiday from 2026) Wed 25, Thu 26.
    _, due, _office = await _service(session, settings).submit(APPLICANT, DATA, _at(2026, 11, 20), WorkingCalendar())
    assert due == datetime.date(2026, 11, 26)


async def test_due_across_the_reunification_holidays(session: AsyncSession, settings: Settings) -> None:
    # Mon 28 Apr 2025 → Tue 29; 30 Apr, 1 May and the substituted 2 May are holidays; Sat/Sun; Mon 5, Tue 6 May.
    _, due, _office = await _service(session, settings).submit(APPLICANT, DATA, _at(2025, 4, 28), WorkingCalendar())
    assert due == datetime.date(2025, 5, 6)


async def test_due_across_tet(session: AsyncSession, settings: Settings) -> None:
    # Fri 24 Jan 2025 → Tết runs 25 Jan - 2 Feb → Mon 3, Tue 4, Wed 5 Feb.
    _, due, _office = await _service(session, settings).submit(APPLICANT, DATA, _at(2025, 1, 24), WorkingCalendar())
    assert due == datetime.date(2025, 2, 5)


async def test_override_moves_the_due_date(session: AsyncSession, settings: Settings) -> None:
    # Sat 26 Apr 2025 was worked in exchange for Fri 2 May: with that override, Thu 24 Apr → Fri 25, Sat 26, Mon 28.
    calendar = WorkingCalendar({datetime.date(2025, 4, 26): False})
    _, due, _office = await _service(session, settings).submit(APPLICANT, DATA, _at(2025, 4, 24), calendar)
    assert due == datetime.date(2025, 4, 28)
    extra_holiday = WorkingCalendar({datetime.date(2026, 11, 16): True})
    _, due, _office = await _service(session, settings).submit(APPLICANT, DATA, _at(2026, 11, 13), extra_holiday)
    assert due == datetime.date(2026, 11, 19)


async def test_admin_manages_overrides(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login(Role.ADMIN)
    officer = await login(Role.OFFICER)
    body = {"is_holiday": False, "name": "Làm bù cho ngày 2/5"}
    assert (await client.put("/api/v1/calendar/overrides/2025-04-26", json=body, headers=officer)).status_code == 403
    saved = await client.put("/api/v1/calendar/overrides/2025-04-26", json=body, headers=admin)
    assert saved.status_code == 200, saved.text
    answer = await client.get("/api/v1/calendar/working-days/2025-04-24", params={"plus": 3}, headers=officer)
    assert answer.json()["result"] == "2025-04-28"
    days = (await client.get("/api/v1/calendar/holidays", params={"year": 2025}, headers=officer)).json()
    assert {"day": "2025-04-26", "is_holiday": False, "name": "Làm bù cho ngày 2/5", "source": "override"} in days
    assert any(d["day"] == "2025-01-29" and d["source"] == "calendar" for d in days)
    assert (await client.delete("/api/v1/calendar/overrides/2025-04-26", headers=admin)).status_code == 204
    assert (await client.delete("/api/v1/calendar/overrides/2025-04-26", headers=admin)).status_code == 404
    answer = await client.get("/api/v1/calendar/working-days/2025-04-24", params={"plus": 3}, headers=officer)
    assert answer.json()["result"] == "2025-04-29"
