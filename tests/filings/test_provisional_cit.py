"""Provisional CIT: the quarters' payments become charges with their legal dates, the final 03/TNDN charges [I] once,
and a shortfall under 80 % of the year's tax bears interest from the fourth quarter's deadline (Decree 91/2022)."""

import datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.periods import Period, PeriodKind
from filings.provisional import quarter_due, shortfall, split_final
from registry.models import Taxpayer
from taxoffice.accounts.models import Charge, Payment
from taxoffice.accounts.services import NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.roles import Role
from tests.filings.test_forms_generations import CIT_2023, CIT_2023_COMPUTED, _file
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000
EVERY_DAY = lambda _day: True  # noqa: E731 - a calendar without days off


def test_the_quarters_are_due_on_the_30th_of_the_next_month() -> None:
    assert [quarter_due(Period(2025, PeriodKind.QUARTER, q), EVERY_DAY) for q in (1, 2, 3, 4)] == [
        datetime.date(2025, 4, 30),
        datetime.date(2025, 7, 30),
        datetime.date(2025, 10, 30),
        datetime.date(2026, 1, 30),
    ]
    # A day off moves it: 30 January 2027 is a Saturday.
    weekdays = lambda day: day.weekday() < 5  # noqa: E731
    assert quarter_due(Period(2026, PeriodKind.QUARTER, 4), weekdays) == datetime.date(2027, 2, 1)


@pytest.mark.parametrize(
    ("year_tax", "provisional", "year", "short"),
    [
        (1_000 * M, 600 * M, 2025, 200 * M),  # 80 % of 1,000 M is 800 M
        (1_000 * M, 800 * M, 2025, 0),  # exactly 80 %: met
        (326 * M, 230 * M, 2023, 30_800_000),  # 260.8 M - 230 M
        (1_000 * M, 600 * M, 2021, 0),  # before Decree 91/2022's tax years
        (0, 0, 2025, 0),
    ],
)
def test_the_80_percent_rule(year_tax: int, provisional: int, year: int, short: int) -> None:
    assert shortfall(year_tax, provisional, year) == short


def test_the_shortfall_is_charged_from_the_fourth_quarter() -> None:
    due = datetime.date(2026, 3, 31)
    final = NewCharge(1, "0109555501", "CIT", "1052", "2025", ChargeKind.TAX, 400 * M, due, due, "return:1", "03/TNDN")
    computed = {"ctE": 1_000 * M, "ctG2": 600 * M, "ctI": 400 * M}
    early, rest = split_final(final, computed, 2025, EVERY_DAY)
    assert (early.amount, early.due_on, early.interest_from) == (200 * M, datetime.date(2026, 1, 30), early.due_on)
    assert (rest.amount, rest.due_on, rest.interest_from) == (200 * M, due, due)
    # Met: one charge, unchanged.
    assert split_final(final, {**computed, "ctG2": 800 * M}, 2025, EVERY_DAY) == [final]


async def test_a_finalisation_over_http(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, clock: Clock
) -> None:
    clock.set(2026, 11, 30)
    company: Taxpayer = await register_enterprise(
        session, "0109555501", "Công ty TNHH Tạm Nộp", registered_on=datetime.date(2020, 6, 1)
    )
    # A provisional payment for Q4 2023, 30 M, made on its date: it becomes a charge due 30 January 2024.
    payment = Payment(
        bank_ref="BANK-Q4-2023",
        tax_code=company.tax_code,
        taxpayer_id=company.id,
        amount=30 * M,
        paid_on=datetime.date(2024, 1, 29),
        period="2023-Q4",
        sub_item="1052",
        source="bank",
        status="unallocated",
        unallocated=30 * M,
        received_by="tests",
    )
    session.add(payment)
    await session.commit()
    # The 2023 return with 200 M (not 250 M) paid provisionally in [G2]: [G] 235 M, [I] = 326 - 235 = 91 M.
    values = CIT_2023 | CIT_2023_COMPUTED | {"ctG2": 200 * M, "ctG": 235 * M, "ctH1": 90 * M, "ctI": 91 * M}
    values |= {"ctI1": 85 * M}
    me = await login(Role.TAXPAYER, tax_code=company.tax_code)
    receipt = await _file(client, me, company, "892", "2023", values)
    assert receipt["status"] == "accepted", receipt["errors"]
    rows = await session.scalars(select(Charge).where(Charge.tax_code == company.tax_code).order_by(Charge.id))
    charges = [(c.period, c.amount, c.due_on, c.interest_from, c.source.split(":")[0]) for c in rows]
    q4 = datetime.date(2024, 1, 30)
    due = datetime.date(2024, 4, 1)  # 31 March 2024 was a Sunday
    # [E] 326 M: 80 % is 260.8 M; the quarters paid 200 + 30 ([G4]) = 230 M, short by 30.8 M.
    assert charges == [
        ("2023", 30_800_000, q4, q4, "return"),
        ("2023", 91 * M - 30_800_000, due, due, "return"),
        ("2023-Q4", 30 * M, q4, q4, "provisional"),
    ]
