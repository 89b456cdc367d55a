"""The ledger's netting rule in Python and the flagging query's SQL give the same overdue figures (PostgreSQL).

On random ledgers (reductions against several charges of a line, allocations and reversals paid before and after
the day, payment extensions standing or revoked, freezes running, lifted or not yet begun): each charge's unpaid
principal from ``Ledger.build``, the charges read under their standing extensions as the taxpayer's account reads them
(``extended_row``), summed per taxpayer by kind and tax type, the oldest due date still owed, and the day a freeze
running on the day began (``reliefs.frozen_since``), equal the figures ``overdue_rows`` computes in one GROUP BY.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.extensions import extended_row
from taxoffice.accounts.ledger import AllocationRow, ChargeRow, Ledger
from taxoffice.accounts.models import Allocation, Charge, InterestPause, Payment, PaymentExtension
from taxoffice.accounts.reliefs import frozen_since
from taxoffice.arrears.flagging import SPLIT_TAX_TYPES, overdue_rows
from tests.registry.helpers import register_enterprise

SUB_ITEMS = {"VAT": "1701", "CIT": "1052", "PIT": "1001"}
KIND_FIGURE = {"tax": "overdue_tax", "interest": "overdue_interest", "fine": "overdue_fines"}
FIGURES = ("overdue_tax", "overdue_interest", "overdue_fines", "overdue_vat", "overdue_cit", "overdue_pit")
dates = st.dates(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


class Drawn(NamedTuple):
    """A charge to post: whose (0 or 1), its line, amount and due date."""

    owner: int
    kind: str
    tax_type: str
    period: str
    amount: int
    due_on: datetime.date


# Few lines, so that reductions often meet several charges of theirs: (owner, kind, tax type, period).
LINES = (
    (0, "tax", "VAT", "2025-01"),
    (0, "tax", "VAT", "2025-02"),
    (0, "fine", "VAT", "2025-01"),
    (0, "interest", "CIT", "2025"),
    (1, "tax", "VAT", "2025-01"),
    (1, "tax", "PIT", "2025-01"),
)
charges = st.builds(
    lambda line, amount, due_on: Drawn(line[0], line[1], line[2], line[3], amount, due_on),
    st.sampled_from(LINES),
    st.integers(-3_000_000, 5_000_000).filter(bool),
    dates,
)
# (which charge, applied to its own kind or another component, amount (negative: a reversal), paid on)
allocations = st.tuples(st.integers(0, 99), st.booleans(), st.integers(-2_000_000, 4_000_000).filter(bool), dates)
# (which charge, extended to, revoked): a charge keeps the first standing extension drawn for it.
extensions = st.tuples(st.integers(0, 99), dates, st.booleans())
# (whose, started on, days it ran before it was lifted; None: still running): one running pause per taxpayer at most.
pauses = st.tuples(st.integers(0, 1), dates, st.one_of(st.none(), st.integers(1, 120)))
Paused = tuple[int, datetime.date, int | None]


@pytest.fixture
async def debtors(session: AsyncSession) -> list[Taxpayer]:
    """Two taxpayers, committed to the test's transaction: every example's rows are rolled back around them."""
    return [await register_enterprise(session, "0109770001"), await register_enterprise(session, "0109770002")]


async def _post(
    session: AsyncSession, debtors: list[Taxpayer], drawn: list[Drawn], applied: list[tuple[int, bool, int, Any]]
) -> tuple[list[tuple[int, ChargeRow]], list[tuple[int, AllocationRow]]]:
    rows = [
        Charge(
            taxpayer_id=debtors[c.owner].id,
            tax_code=debtors[c.owner].tax_code,
            tax_type=c.tax_type,
            sub_item="4254" if c.kind == "fine" else SUB_ITEMS[c.tax_type],
            period=c.period,
            kind=c.kind,
            amount=c.amount,
            due_on=c.due_on,
            interest_from=c.due_on,
            source="test",
        )
        for c in drawn
    ]
    payments = [
        Payment(
            bank_ref=f"NET-{t.id}",
            tax_code=t.tax_code,
            taxpayer_id=t.id,
            amount=0,
            paid_on=datetime.date(2025, 1, 1),
            source="bank",
            status="allocated",
            unallocated=0,
            received_by="tests",
        )
        for t in debtors
    ]
    session.add_all([*rows, *payments])
    await session.flush()
    charge_rows = [
        (c.owner, ChargeRow(r.id, r.kind, r.tax_type, r.sub_item, r.period, r.amount, r.due_on, r.interest_from))
        for c, r in zip(drawn, rows, strict=True)
    ]
    posted: list[tuple[int, AllocationRow]] = []
    for index, own_kind, amount, paid_on in applied:
        owner, target = charge_rows[index % len(charge_rows)]
        component = target.kind if own_kind else "interest" if target.kind != "interest" else "tax"
        posted.append((owner, AllocationRow(payments[owner].id, target.id, component, amount, paid_on)))
    session.add_all(
        Allocation(
            payment_id=a.payment_id,
            charge_id=a.charge_id,
            taxpayer_id=debtors[owner].id,
            component=a.component,
            amount=a.amount,
            paid_on=a.paid_on,
        )
        for owner, a in posted
    )
    await session.commit()
    return charge_rows, posted


async def _extend(
    session: AsyncSession,
    debtors: list[Taxpayer],
    charge_rows: list[tuple[int, ChargeRow]],
    drawn: list[tuple[int, datetime.date, bool]],
) -> list[tuple[int, ChargeRow]]:
    """Record the extensions drawn; the charges as the ledger reads them under those left standing."""
    standing: dict[int, datetime.date] = {}
    for index, extended_to, revoked in drawn:
        owner, row = charge_rows[index % len(charge_rows)]
        if not revoked and row.id in standing:
            continue
        session.add(
            PaymentExtension(
                taxpayer_id=debtors[owner].id,
                charge_id=row.id,
                due_on=row.due_on,
                extended_to=extended_to,
                basis="decision",
                reference="1/QĐ-TEST",
                requested_on=row.due_on,
                granted_by="tests",
                revoked_on=extended_to if revoked else None,
            )
        )
        if not revoked:
            standing[row.id] = extended_to
    await session.commit()
    return [(owner, extended_row(row, standing.get(row.id))) for owner, row in charge_rows]


async def _pause(
    session: AsyncSession, debtors: list[Taxpayer], drawn: list[Paused]
) -> dict[int, list[tuple[datetime.date, datetime.date | None]]]:
    """Record the freezes drawn (a second running one for a taxpayer is dropped); each taxpayer's spans."""
    spans: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for owner, started_on, days in drawn:
        ended_on = None if days is None else started_on + datetime.timedelta(days=days)
        if ended_on is None and any(end is None for _start, end in spans[owner]):
            continue
        spans[owner].append((started_on, ended_on))
        session.add(
            InterestPause(
                taxpayer_id=debtors[owner].id,
                started_on=started_on,
                ended_on=ended_on,
                reason="freeze",
                reference="case:0",
            )
        )
    await session.commit()
    return spans


def _python_figures(
    charge_rows: list[tuple[int, ChargeRow]],
    posted: list[tuple[int, AllocationRow]],
    as_of: datetime.date,
    owner: int,
    spans: Sequence[tuple[datetime.date, datetime.date | None]] = (),
) -> dict[str, Any] | None:
    ledger = Ledger.build(
        [row for who, row in charge_rows if who == owner],
        [a for who, a in posted if who == owner and a.paid_on <= as_of],
    )
    sums: dict[str, int] = defaultdict(int)
    oldest: datetime.date | None = None
    for state in ledger.charges:
        row = state.row
        if row.amount <= 0 or row.due_on >= as_of:
            continue
        principal = max(state.amount - state.paid[row.kind], 0)
        sums[KIND_FIGURE[row.kind]] += principal
        if row.tax_type in SPLIT_TAX_TYPES:
            sums[f"overdue_{row.tax_type.lower()}"] += principal
        if principal > 0:
            oldest = min(oldest or row.due_on, row.due_on)
    if oldest is None:
        return None
    return {
        **{name: sums[name] for name in FIGURES},
        "oldest_due_on": oldest,
        "frozen_since": frozen_since(spans, as_of),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # savepoint each
@given(
    st.lists(charges, min_size=1, max_size=14),
    st.lists(allocations, max_size=10),
    st.lists(extensions, max_size=4),
    st.lists(pauses, max_size=3),
    dates,
)
async def test_the_query_nets_reductions_and_payments_as_the_ledger_does(
    connection: AsyncConnection,
    session_factory: async_sessionmaker[AsyncSession],
    debtors: list[Taxpayer],
    drawn: list[Drawn],
    applied: list[tuple[int, bool, int, datetime.date]],
    extended: list[tuple[int, datetime.date, bool]],
    paused: list[Paused],
    as_of: datetime.date,
) -> None:
    savepoint = await connection.begin_nested()
    try:
        async with session_factory() as session:
            charge_rows, posted = await _post(session, debtors, drawn, applied)
            charge_rows = await _extend(session, debtors, charge_rows, extended)
            spans = await _pause(session, debtors, paused)
            result = await session.execute(overdue_rows(as_of, scoped=False, dialect="postgresql"))
            by_taxpayer = {row.taxpayer_id: row._mapping for row in result}
    finally:
        await savepoint.rollback()
    for owner, taxpayer in enumerate(debtors):
        expected = _python_figures(charge_rows, posted, as_of, owner, spans[owner])
        row = by_taxpayer.get(taxpayer.id)
        found = None if row is None else {name: row[name] for name in (*FIGURES, "oldest_due_on", "frozen_since")}
        assert found == expected, (owner, as_of)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # The tax of 2025-01 extended to 30 September is not overdue yet; that of 2025-02 is, from its extended
        # date; the fine's extension was revoked (its own deadline counts); the interest's "extension" ends before
        # its deadline (the deadline counts).
        (
            datetime.date(2025, 6, 1),
            (2_000_000, 50_000, 300_000, 2_300_000, 50_000, 0, datetime.date(2025, 2, 10)),
        ),
        (
            datetime.date(2025, 10, 1),
            (3_000_000, 50_000, 300_000, 3_300_000, 50_000, 0, datetime.date(2025, 2, 10)),
        ),
        # Both taxes past their own deadlines but not their extended ones: only the fine and the interest.
        (datetime.date(2025, 5, 5), (0, 50_000, 300_000, 300_000, 50_000, 0, datetime.date(2025, 2, 10))),
    ],
)
async def test_a_standing_extension_moves_the_deadline_a_revoked_one_does_not(
    connection: AsyncConnection,
    session_factory: async_sessionmaker[AsyncSession],
    debtors: list[Taxpayer],
    as_of: datetime.date,
    expected: tuple[object, ...],
) -> None:
    drawn = [
        Drawn(0, "tax", "VAT", "2025-01", 1_000_000, datetime.date(2025, 3, 20)),
        Drawn(0, "tax", "VAT", "2025-02", 2_000_000, datetime.date(2025, 4, 20)),
        Drawn(0, "fine", "VAT", "2025-01", 300_000, datetime.date(2025, 2, 10)),
        Drawn(0, "interest", "CIT", "2025", 50_000, datetime.date(2025, 5, 1)),
    ]
    extended = [
        (0, datetime.date(2025, 9, 30), False),
        (1, datetime.date(2025, 5, 10), False),
        (2, datetime.date(2025, 12, 31), True),
        (3, datetime.date(2025, 4, 1), False),
    ]
    savepoint = await connection.begin_nested()
    try:
        async with session_factory() as session:
            charge_rows, posted = await _post(session, debtors, drawn, [])
            charge_rows = await _extend(session, debtors, charge_rows, extended)
            row = (await session.execute(overdue_rows(as_of, scoped=False, dialect="postgresql"))).one()._mapping
    finally:
        await savepoint.rollback()
    found = tuple(row[name] for name in (*FIGURES, "oldest_due_on"))
    assert found == expected
    assert {**dict(zip((*FIGURES, "oldest_due_on"), expected, strict=True)), "frozen_since": None} == _python_figures(
        charge_rows, posted, as_of, 0
    )
