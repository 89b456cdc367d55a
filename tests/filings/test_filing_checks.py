"""The checks before a receipt: the filer and the period's history come from one query; an unknown tax code is a
404 before any other refusal, as when the taxpayer was read on its own first."""

import datetime
import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from filings.errors import PeriodNotEndedError, UnknownFormError
from filings.services import FilingService
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from taxoffice.errors import ResourceNotFoundError
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise
from tests.support.statements import tax_codes

NOW = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
OFFICER = Principal(user_id=1, username="officer-checks", role=Role.OFFICER)
UNKNOWN_CODE = tax_codes(1, "97")[0]  # valid, and no taxpayer is registered under prefix 97 in these tests


def _body(tax_code: str, period: str, form: str = "01-GTGT") -> bytes:
    return json.dumps({**vat_return(tax_code, period, vat_values()), "form": form}).encode()


async def test_the_filer_is_read_with_an_empty_history(session: AsyncSession) -> None:
    filer = await register_enterprise(session, "0109555201", "Công ty TNHH Lần Đầu")
    service = FilingService(session, AccountService(session))
    checked = await service.validate(OFFICER, _body(filer.tax_code, "2026-02"), "", NOW, WorkingCalendar({}))
    assert checked.taxpayer.id == filer.id
    assert checked.taxpayer.tax_code == filer.tax_code
    assert checked.taxpayer.kind == filer.kind
    assert list(checked.taxpayer.tax_types) == list(filer.tax_types)
    assert checked.previous is None
    assert checked.amendment_no == 0
    assert checked.acceptable, checked.findings


@pytest.mark.parametrize(
    ("period", "form"),
    [("2026-02", "99-KHONG"), ("2026-03", "01-GTGT")],
    ids=["unknown form", "period not ended"],
)
async def test_an_unknown_tax_code_is_a_404_before_other_refusals(
    session: AsyncSession, period: str, form: str
) -> None:
    service = FilingService(session, AccountService(session))
    with pytest.raises(ResourceNotFoundError):
        await service.validate(OFFICER, _body(UNKNOWN_CODE, period, form), "", NOW, WorkingCalendar({}))


async def test_a_known_filer_gets_the_other_refusals(session: AsyncSession) -> None:
    filer = await register_enterprise(session, "0109555202", "Công ty TNHH Sai Kỳ")
    service = FilingService(session, AccountService(session))
    with pytest.raises(UnknownFormError):
        await service.validate(OFFICER, _body(filer.tax_code, "2026-02", "99-KHONG"), "", NOW, WorkingCalendar({}))
    with pytest.raises(PeriodNotEndedError):
        await service.validate(OFFICER, _body(filer.tax_code, "2026-03"), "", NOW, WorkingCalendar({}))
