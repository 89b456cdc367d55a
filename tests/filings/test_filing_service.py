"""The filing service on PostgreSQL: two originals for one period checked before either is decided (a race the
unique index on accepted returns settles), and the one query that reads a period's history."""

import datetime
import json

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.models import TaxReturn
from filings.services import FilingService
from registry.models import Taxpayer
from taxoffice.accounts.models import Charge
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock

NOW = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
OFFICER = Principal(user_id=1, username="officer-race", role=Role.OFFICER)


async def _filer(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 3, 10)
    return await register_enterprise(session, "0109555001", "Công ty TNHH Khai Thuế")


def _body(tax_code: str, period: str, **values: int) -> bytes:
    return json.dumps(vat_return(tax_code, period, vat_values(**values))).encode()


async def test_the_second_of_two_racing_originals_is_rejected_and_kept(session: AsyncSession, clock: Clock) -> None:
    filer = await _filer(session, clock)
    service = FilingService(session, AccountService(session))
    calendar = WorkingCalendar({})
    first = await service.validate(OFFICER, _body(filer.tax_code, "2026-02"), "application/json", NOW, calendar)
    second = await service.validate(OFFICER, _body(filer.tax_code, "2026-02"), "application/json", NOW, calendar)
    assert first.acceptable
    assert second.acceptable
    won = await service.decide(await service.receive(OFFICER, first, NOW, None), first, calendar, NOW)
    await session.commit()
    lost = await service.decide(await service.receive(OFFICER, second, NOW, None), second, calendar, NOW)
    await session.commit()
    assert won.status == "accepted"
    assert lost.status == "rejected"
    assert [f["rule"] for f in lost.findings] == ["DUPLICATE-PERIOD"]
    assert lost.posted_amount is None
    stored = {r.id: r for r in await session.scalars(select(TaxReturn).execution_options(populate_existing=True))}
    assert stored[won.id].status == "accepted"
    assert stored[won.id].is_current
    assert stored[lost.id].status == "rejected"
    assert stored[lost.id].transaction_code == lost.transaction_code
    assert not stored[lost.id].is_current
    sources = list(await session.scalars(select(Charge.source)))
    assert set(sources) == {f"return:{won.id}"}


async def test_history_reads_the_standing_return_and_the_previous_figures(session: AsyncSession, clock: Clock) -> None:
    filer = await _filer(session, clock)
    service = FilingService(session, AccountService(session))
    calendar = WorkingCalendar({})
    m = 1_000_000
    # January leaves 3 million to carry forward; February is filed, then amended once.
    for body in (
        _body(filer.tax_code, "2026-01", sales_10=50 * m, input_vat=8 * m),
        _body(filer.tax_code, "2026-02", ct22=3 * m),
    ):
        ret, created = await service.submit(OFFICER, body, "application/json", None, NOW, calendar)
        assert created
        assert ret.status == "accepted", ret.findings
        await session.commit()
    amended = vat_return(filer.tax_code, "2026-02", vat_values(ct22=3 * m, sales_10=350 * m), kind="supplementary")
    ret, _ = await service.submit(OFFICER, json.dumps(amended).encode(), "application/json", None, NOW, calendar)
    await session.commit()
    assert ret.status == "accepted", ret.findings
    assert ret.amendment_no == 1
    assert ret.posted_amount == 5 * m
    checked = await service.validate(OFFICER, json.dumps(amended).encode(), "application/json", NOW, calendar)
    assert checked.previous is not None
    assert checked.previous.id == ret.id
    assert checked.previous.amendment_no == 1
    assert checked.amendment_no == 2
    current = await session.scalar(
        select(func.count()).select_from(TaxReturn).where(TaxReturn.period == "2026-02", TaxReturn.is_current)
    )
    assert current == 1
