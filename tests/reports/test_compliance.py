"""The compliance report on PostgreSQL: a small hand-built office, every figure worked out by hand.

Office T9, reported 1 Feb … 30 Apr 2026 by month, as of 1 Jun 2026. Monthly VAT deadlines (DOMAIN.md §3,
moved off days off): 2026-01 → Mon 23 Feb (20 Feb is in Tết), 2026-02 → Fri 20 Mar, 2026-03 → Tue 21 Apr (the
office made Mon 20 Apr a holiday); quarterly 2025-Q4 → Mon 2 Feb; 2026-Q1 → Mon 4 May (30 Apr, 1 May are holidays:
outside the range).
"""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from filings.models import TaxReturn
from registry.models import RegistrationApplication, Taxpayer
from taxoffice.accounts.models import Allocation, Charge, Payment
from taxoffice.auth.models import User
from taxoffice.reports import compliance
from taxoffice.reports.errors import ReportParameterError
from taxoffice.reports.params import Grain, ReportQuery, check_query
from taxoffice.reports.tables import Cell, Report, Section
from taxoffice.workdays.models import HolidayOverride

D = datetime.date
M = 1_000_000
OFFICE = "T9"
NOW = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)
QUERY = ReportQuery(start=D(2026, 2, 1), end=D(2026, 4, 30), tax_office=OFFICE)
DUE_JAN, DUE_FEB, DUE_MAR, DUE_Q4 = D(2026, 2, 23), D(2026, 3, 20), D(2026, 4, 21), D(2026, 2, 2)


def at(day: datetime.date, hour: int = 3, minute: int = 0) -> datetime.datetime:
    """An instant on ``day`` in UTC (03:00 UTC is 10:00 in Hanoi)."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=datetime.UTC)


def taxpayer(code: str, **facts: object) -> Taxpayer:
    values: dict[str, object] = {
        "kind": "enterprise",
        "tax_office": OFFICE,
        "registered_on": D(2025, 6, 15),
        "vat_frequency": "monthly",
        "tax_types": ["VAT"],
        "status": "00",
        "status_effective_on": D(2025, 6, 15),
    } | facts
    return Taxpayer(tax_code=code, name=f"Công ty {code}", name_search=code, id_number=code, chapter="754", **values)


def filed(
    tp: Taxpayer, period: str, received: datetime.datetime, due: datetime.date, by: str, **extra: object
) -> TaxReturn:
    values: dict[str, object] = {
        "kind": "original",
        "amendment_no": 0,
        "status": "accepted",
        "is_current": True,
    } | extra
    late = max((received.date() - due).days, 0)
    return TaxReturn(
        taxpayer_id=tp.id,
        tax_code=tp.tax_code,
        form_code="01/GTGT",
        form_valid_from=D(2021, 1, 1),
        period=period,
        received_at=received,
        source_format="json",
        document=b"{}",
        due_on=due,
        days_late=late,
        submitted_by=by,
        **values,
    )


async def build(session: AsyncSession) -> None:
    """The office: taxpayers, their logins, returns, charges and payments, and registration applications."""
    session.add(HolidayOverride(day=D(2026, 4, 20), is_holiday=True, name="Nghỉ bù", created_by="tests"))
    a, b, c = taxpayer("T9A"), taxpayer("T9B"), taxpayer("T9C")
    d = taxpayer("T9D", registered_on=D(2026, 2, 10), status_effective_on=D(2026, 2, 10))  # owes from 2026-02
    e = taxpayer("T9E", vat_frequency="quarterly")
    f = taxpayer("T9F", status="05", status_effective_on=D(2026, 2, 1), suspended_until=D(2026, 3, 31))
    g = taxpayer("T9G", status="01", status_effective_on=D(2026, 2, 15))  # owes 2026-01 and 2026-02
    h = taxpayer("T8H", tax_office="T8")  # another office
    i = taxpayer("T9I", kind="individual", tax_types=["PIT"])  # owes no return
    people = [a, b, c, d, e, f, g, h, i]
    session.add_all(people)
    session.add(User(username="officer.t9", password_hash="x", role="officer", tax_office=OFFICE))
    session.add_all(
        User(username=tp.tax_code, password_hash="x", role="taxpayer", tax_code=tp.tax_code) for tp in people
    )
    await session.flush()
    officer = "officer.t9"
    session.add_all(
        [
            # 2026-01, due Mon 23 Feb
            filed(a, "2026-01", at(D(2026, 2, 21)), DUE_JAN, a.tax_code),
            filed(b, "2026-01", at(D(2026, 2, 23), 9), DUE_JAN, officer),  # 16:00 in Hanoi on the day
            filed(g, "2026-01", at(D(2026, 3, 2)), DUE_JAN, officer),  # late
            filed(h, "2026-01", at(D(2026, 2, 10)), DUE_JAN, h.tax_code),  # office T8
            filed(e, "2025-Q4", at(D(2026, 1, 30)), DUE_Q4, e.tax_code),
            # 2026-02, due Fri 20 Mar
            filed(a, "2026-02", at(D(2026, 3, 18)), DUE_FEB, a.tax_code),
            filed(b, "2026-02", at(D(2026, 3, 25)), DUE_FEB, b.tax_code),  # late
            filed(c, "2026-02", at(D(2026, 3, 19)), DUE_FEB, c.tax_code, status="rejected", is_current=False),
            filed(d, "2026-02", at(D(2026, 3, 20)), DUE_FEB, d.tax_code),
            # 2026-03, due Tue 21 Apr
            filed(a, "2026-03", at(D(2026, 4, 25)), DUE_MAR, a.tax_code),  # late
            filed(c, "2026-03", at(D(2026, 4, 21)), DUE_MAR, c.tax_code),
            # C's business place in another province files its own original: not a second filing of C's return.
            filed(c, "2026-03", at(D(2026, 4, 30)), DUE_MAR, c.tax_code, place="00/T9C-001"),
            filed(c, "2026-03", at(D(2026, 4, 28)), DUE_MAR, officer, kind="supplementary", amendment_no=1),
            filed(b, "2026-03", at(D(2026, 6, 5)), DUE_MAR, b.tax_code),  # after the as-of day
        ]
    )
    await add_charges(session, a, b, c, d, h)
    session.add_all(
        [
            application("1", D(2026, 2, 5), at(D(2026, 2, 5), 16, 59)),  # 23:59 in Hanoi: on time
            application("2", D(2026, 2, 5), at(D(2026, 2, 5), 17, 0)),  # 00:00 on 6 Feb in Hanoi: late
            application("3", D(2026, 3, 10), at(D(2026, 3, 9)), status="rejected"),
            application("4", D(2026, 3, 10), None, status="submitted"),
            application("5", D(2026, 4, 2), at(D(2026, 6, 3))),  # decided after the as-of day
            application("6", D(2026, 1, 30), at(D(2026, 1, 29))),  # due before the range
            application("7", D(2026, 5, 5), None, status="submitted"),  # due after it
            application("8", D(2026, 2, 5), None, status="submitted", office="T8"),  # sent to another office
        ]
    )
    await session.commit()


async def add_charges(session: AsyncSession, a: Taxpayer, b: Taxpayer, c: Taxpayer, d: Taxpayer, h: Taxpayer) -> None:
    """Tax charges and what paid them: on time, partly, late, over-applied, and some that do not count."""

    def charge(tp: Taxpayer, amount: int, due: datetime.date, kind: str = "tax", tax_type: str = "VAT") -> Charge:
        return Charge(
            taxpayer_id=tp.id,
            tax_code=tp.tax_code,
            tax_type=tax_type,
            sub_item="1052" if tax_type == "CIT" else "1701",
            period="2026-01",
            kind=kind,
            amount=amount,
            due_on=due,
            interest_from=due,
            source="test",
        )

    charges = {
        "a_jan": charge(a, 10 * M, DUE_JAN),
        "b_jan": charge(b, 8 * M, DUE_JAN),
        "b_cut": charge(b, -1 * M, DUE_JAN),  # a reduction: not a charge due
        "h_jan": charge(h, 7 * M, DUE_JAN),  # office T8
        "a_feb": charge(a, 6 * M, DUE_FEB),
        "d_feb": charge(d, 4 * M, DUE_FEB),
        "a_fine": charge(a, 1 * M, DUE_FEB, kind="fine"),
        "a_cit": charge(a, 20 * M, D(2026, 3, 31), tax_type="CIT"),
        "c_mar": charge(c, 5 * M, DUE_MAR),
        "a_apr": charge(a, 9 * M, D(2026, 5, 20)),  # due after the range
    }
    session.add_all(charges.values())
    payments = {tp.tax_code: payment(tp) for tp in (a, b, d, h)}
    session.add_all(payments.values())
    await session.flush()

    def paid(key: str, amount: int, on: datetime.date, component: str = "tax") -> Allocation:
        ch = charges[key]
        pay = payments[ch.tax_code]
        return Allocation(
            payment_id=pay.id,
            charge_id=ch.id,
            taxpayer_id=ch.taxpayer_id,
            component=component,
            amount=amount,
            paid_on=on,
        )

    session.add_all(
        [
            paid("a_jan", 10 * M, D(2026, 2, 20)),
            paid("b_jan", 3 * M, D(2026, 2, 22)),
            paid("b_jan", -1 * M, D(2026, 2, 22)),  # part reversed
            paid("b_jan", 6 * M, D(2026, 3, 5)),  # late
            paid("h_jan", 7 * M, D(2026, 2, 20)),
            paid("a_feb", 6 * M, D(2026, 3, 25)),  # late
            paid("d_feb", 3 * M, D(2026, 3, 10)),
            paid("d_feb", M + 500_000, D(2026, 3, 19)),  # 4.5 million applied: counted up to the 4 million due
            paid("d_feb", 200_000, D(2026, 3, 19), component="interest"),
            paid("a_fine", 1 * M, D(2026, 3, 1)),
            paid("a_cit", 20 * M, D(2026, 3, 31)),
        ]
    )


def payment(tp: Taxpayer) -> Payment:
    return Payment(
        bank_ref=f"ref-{tp.tax_code}",
        tax_code=tp.tax_code,
        taxpayer_id=tp.id,
        amount=100 * M,
        paid_on=D(2026, 2, 20),
        source="bank",
        status="allocated",
        unallocated=0,
        received_by="tests",
    )


def application(
    number: str, due: datetime.date, decided: datetime.datetime | None, status: str = "approved", office: str = OFFICE
) -> RegistrationApplication:
    return RegistrationApplication(
        number=f"T9-{number}",
        tax_office=office,
        status=status,
        submitted_on=due - datetime.timedelta(days=5),
        due_on=due,
        kind="enterprise",
        name=f"Hồ sơ {number}",
        id_number=f"9{number}",
        details={},
        decided_at=decided,
    )


async def report(session: AsyncSession, query: ReportQuery = QUERY) -> Report:
    return await compliance.compliance_report(session, query, generated_by="manager", now=NOW)


def rows(section: Section) -> list[tuple[Cell, ...]]:
    return list(section.rows)


def q(text: str) -> Decimal:
    return Decimal(text)


async def test_filing_by_period(session: AsyncSession) -> None:
    await build(session)
    filing = (await report(session)).section("filing")
    assert [c.key for c in filing.columns] == [
        "period", "due", "on_time", "late", "not_filed", "on_time_rate", "by_taxpayer", "e_filed_share"
    ]  # fmt: skip
    # 2026-02: VAT 2026-01 owed by A B C F G (D registered in Feb), VAT 2025-Q4 by E; on time A B(officer) E,
    # late G (officer), not filed C F. 2026-03: A B C D G (F suspended all Feb); on time A D, late B, C's original
    # rejected. 2026-04: A B C D (F suspended, G closed); late A, on time C (on 21 Apr, the moved deadline); B's
    # return came after the as-of day, C's supplementary does not count.
    assert rows(filing) == [
        ("2026-02", 6, 3, 1, 2, q("0.5000"), 2, q("0.5000")),
        ("2026-03", 5, 2, 1, 2, q("0.4000"), 3, q("1.0000")),
        ("2026-04", 4, 1, 1, 2, q("0.2500"), 2, q("1.0000")),
    ]
    assert filing.totals == ("Tổng cộng", 15, 6, 3, 6, q("0.4000"), 7, q("0.7778"))  # 6/15, 7/9


async def test_filing_by_tax_period_and_form(session: AsyncSession) -> None:
    await build(session)
    query = ReportQuery(start=D(2026, 2, 1), end=D(2026, 2, 28), group_by=("tax_period", "form"), tax_office=OFFICE)
    filing = (await report(session, query)).section("filing")
    assert [c.key for c in filing.columns][:3] == ["period", "tax_period", "form"]
    assert rows(filing) == [
        ("2026-02", "2025-Q4", "01/GTGT", 1, 1, 0, 0, q("1.0000"), 1, q("1.0000")),
        ("2026-02", "2026-01", "01/GTGT", 5, 2, 1, 2, q("0.4000"), 1, q("0.3333")),
    ]


async def test_filing_by_office_and_quarter(session: AsyncSession) -> None:
    await build(session)
    query = ReportQuery(start=D(2026, 2, 1), end=D(2026, 4, 30), grain=Grain.QUARTER, group_by=("tax_office",))
    built = await report(session, query)
    filing = built.section("filing")
    # Office T8: H owes 2026-01 (on time), 2026-02 and 2026-03 (not filed).
    assert rows(filing) == [
        ("2026-Q1", "T8", 2, 1, 0, 1, q("0.5000"), 1, q("1.0000")),
        ("2026-Q1", "T9", 11, 5, 2, 4, q("0.4545"), 5, q("0.7143")),
        ("2026-Q2", "T8", 1, 0, 0, 1, q("0.0000"), 0, None),
        ("2026-Q2", "T9", 4, 1, 1, 2, q("0.2500"), 2, q("1.0000")),
    ]
    # T9 in Q1: A 10 M, B 8 M (2 M on time), A 6 M (late), D 4 M, A's CIT 20 M; T8: H 7 M on time.
    assert rows(built.section("payment")) == [
        ("2026-Q1", "T8", 1, 7 * M, 1, 7 * M, q("1.0000"), q("1.0000")),
        ("2026-Q1", "T9", 5, 48 * M, 3, 36 * M, q("0.6000"), q("0.7500")),
        ("2026-Q2", "T9", 1, 5 * M, 0, 0, q("0.0000"), q("0.0000")),
    ]


async def test_payment(session: AsyncSession) -> None:
    await build(session)
    payment_ = (await report(session)).section("payment")
    # 2026-02: A 10 M paid on time; B 8 M, 3 M less 1 M reversed on time, the rest late.
    # 2026-03: A 6 M paid late; D 4 M, 4.5 M applied on time (counted 4 M); A's CIT 20 M on the day. 2026-04: C 5 M unpaid.
    assert rows(payment_) == [
        ("2026-02", 2, 18 * M, 1, 12 * M, q("0.5000"), q("0.6667")),
        ("2026-03", 3, 30 * M, 2, 24 * M, q("0.6667"), q("0.8000")),
        ("2026-04", 1, 5 * M, 0, 0, q("0.0000"), q("0.0000")),
    ]
    assert payment_.totals == ("Tổng cộng", 6, 53 * M, 3, 36 * M, q("0.5000"), q("0.6792"))  # 36/53


async def test_payment_by_tax_type(session: AsyncSession) -> None:
    await build(session)
    query = ReportQuery(start=D(2026, 3, 1), end=D(2026, 3, 31), group_by=("form", "tax_type"), tax_office=OFFICE)
    payment_ = (await report(session, query)).section("payment")
    assert [c.key for c in payment_.columns][:2] == ["period", "tax_type"]  # no form on a charge
    assert rows(payment_) == [
        ("2026-03", "CIT", 1, 20 * M, 1, 20 * M, q("1.0000"), q("1.0000")),
        ("2026-03", "VAT", 2, 10 * M, 1, 4 * M, q("0.5000"), q("0.4000")),
    ]


async def test_registrations(session: AsyncSession) -> None:
    await build(session)
    built = await report(session)
    section = built.section("registrations")
    assert rows(section) == [
        ("2026-02", 2, 1, 1, 0, q("0.5000")),
        ("2026-03", 2, 1, 0, 1, q("0.5000")),
        ("2026-04", 1, 0, 0, 1, q("0.0000")),
    ]
    assert section.totals == ("Tổng cộng", 5, 2, 1, 2, q("0.4000"))
    assert "registrations_tax_office" not in built.parameters
    # Every office together: T8's application, due 5 Feb and undecided, joins February.
    every = await report(session, dataclasses.replace(QUERY, tax_office=None))
    assert rows(every.section("registrations"))[0] == ("2026-02", 3, 1, 1, 1, q("0.3333"))
    assert built.parameters["as_of"] == "2026-06-01"


async def test_only_deadlines_passed_by_the_as_of_day(session: AsyncSession) -> None:
    await build(session)
    query = ReportQuery(start=D(2026, 2, 1), end=D(2026, 4, 30), tax_office=OFFICE, as_of=DUE_MAR)
    built = await report(session, query)
    # The 2026-03 returns are due on the as-of day itself: not counted yet.
    assert rows(built.section("filing"))[-1] == ("2026-04", 0, 0, 0, 0, None, 0, None)
    assert built.section("filing").totals == ("Tổng cộng", 11, 5, 2, 4, q("0.4545"), 5, q("0.7143"))
    assert rows(built.section("registrations"))[-1] == ("2026-04", 1, 0, 0, 1, q("0.0000"))


async def test_empty_range_and_labels(session: AsyncSession) -> None:
    query = ReportQuery(start=D(2031, 1, 1), end=D(2031, 2, 28), lang="en")
    built = await report(session, query)
    assert [s.key for s in built.sections] == ["filing", "payment", "registrations"]
    assert all(not s.rows for s in built.sections)  # the range lies after the as-of day
    filing = built.section("filing")
    assert filing.totals == ("Total", 0, 0, 0, 0, None, 0, None)
    assert filing.title("en") == "On-time filing"
    assert filing.title("vi") == "Nộp tờ khai đúng hạn"
    assert all(column.vi and column.en for s in built.sections for column in s.columns)
    assert all(s.chart is not None and s.chart.category == "period" for s in built.sections)


@pytest.mark.parametrize(
    ("start", "end", "group_by"),
    [(D(2026, 3, 1), D(2026, 2, 1), None), (D(2026, 1, 1), D(2026, 2, 1), "form,sub_item")],
)
def test_bad_parameters(start: datetime.date, end: datetime.date, group_by: str | None) -> None:
    with pytest.raises(ReportParameterError):
        check_query(
            start=start,
            end=end,
            today=D(2026, 6, 1),
            grain="month",
            group_by=group_by,
            allowed=tuple(compliance.DIMENSIONS),
        )


def test_groupings() -> None:
    query = check_query(
        start=None,
        end=None,
        today=D(2026, 6, 1),
        grain="quarter",
        group_by="form,tax_office",
        allowed=tuple(compliance.DIMENSIONS),
    )
    assert query.group_by == ("form", "tax_office")
    assert set(compliance.DIMENSIONS) == {"form", "tax_type", "tax_period", "tax_office"}
    assert compliance.NAME == "compliance"


async def test_a_return_sent_under_the_tax_code_counts_as_filed_by_the_taxpayer(session: AsyncSession) -> None:
    # No login row for T7Z (its e-filing account lives elsewhere): the sender named by the tax code is the taxpayer.
    z = taxpayer("T7Z", tax_office="T7")
    session.add(z)
    await session.flush()
    session.add(filed(z, "2026-01", at(D(2026, 2, 20)), DUE_JAN, z.tax_code))
    await session.flush()
    query = ReportQuery(start=D(2026, 2, 1), end=D(2026, 2, 28), tax_office="T7")
    assert rows((await report(session, query)).section("filing")) == [
        ("2026-02", 1, 1, 0, 0, q("1.0000"), 1, q("1.0000"))
    ]
