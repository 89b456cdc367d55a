"""The flag-arrears job's split of each case by tax type (VAT, CIT, PIT) and the day's arrears stock."""

import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.models import Taxpayer
from taxoffice.accounts.accrual import accrue_interest
from taxoffice.accounts.models import Payment
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.flagging import FlagCounts, Previous
from taxoffice.arrears.models import ArrearsCase, ArrearsStock
from taxoffice.arrears.stock import write_stock
from tests.arrears.test_flagging import DUE, M, Typed, cases, events, flag, open_case, pay, post_typed
from tests.registry.helpers import register_enterprise

D = datetime.date


async def typed_debtor(session: AsyncSession, id_number: str, *charges: Typed, status: str = "00") -> Taxpayer:
    """A registered taxpayer of registry status ``status`` with the charges posted."""
    taxpayer = await register_enterprise(session, id_number)
    if status != "00":
        await session.execute(update(Taxpayer).where(Taxpayer.id == taxpayer.id).values(status=status))
    await post_typed(session, taxpayer, *charges)
    return taxpayer


def split(case: ArrearsCase) -> tuple[int | None, int | None, int | None]:
    return case.overdue_vat, case.overdue_cit, case.overdue_pit


async def stock(session: AsyncSession, day: datetime.date) -> dict[tuple[str, str, str, str], tuple[int, int]]:
    """The stock of ``day``: (office, bucket, category, tax type) → (cases, amount)."""
    rows = await session.execute(
        select(ArrearsStock).where(ArrearsStock.as_of == day).execution_options(populate_existing=True)
    )
    return {(s.tax_office, s.bucket, s.category, s.tax_type): (s.cases, s.amount) for (s,) in rows}


PIT_DUE = D(2025, 7, 20)
# VAT tax and a VAT fine, CIT, PIT (partly paid below) and a special consumption tax (TTDB: other), all overdue
# on 20 Aug; a CIT instalment due in October is not.
MIXED: tuple[Typed, ...] = (
    ("VAT", ChargeKind.TAX, 10 * M, DUE),
    ("VAT", ChargeKind.FINE, 2 * M, DUE),
    ("CIT", ChargeKind.TAX, 6 * M, DUE),
    ("PIT", ChargeKind.TAX, 3 * M, PIT_DUE),
    ("TTDB", ChargeKind.TAX, 500_000, DUE),
    ("CIT", ChargeKind.TAX, 4 * M, D(2025, 10, 30)),
)


async def mixed_debtor(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], id_number: str
) -> Taxpayer:
    """``MIXED``, with 1,200,000 paid on 21 Jul: the only overdue item then is the PIT, the day after its
    deadline (no interest), so all of it goes to the PIT: 1,800,000 left."""
    taxpayer = await typed_debtor(session, id_number, *MIXED)
    await pay(session_factory, taxpayer, f"VCB-SPLIT-{id_number}", 1_200_000, D(2025, 7, 21))
    return taxpayer


async def test_split_by_tax_type_with_interest_and_a_partly_paid_charge(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    taxpayer = await mixed_debtor(session, session_factory, "001091000001")
    day = D(2025, 8, 20)
    await accrue_interest(session_factory, day)
    counts = await flag(session_factory, day)
    assert counts.opened == 1
    case = await open_case(session, taxpayer)
    # Interest, 0.03 % a day up to 19 Aug: VAT 10,000,000 x 19 days = 57,000; CIT 6,000,000 x 19 = 34,200;
    # PIT 1,800,000 x 30 days (21 Jul to 19 Aug) = 16,200; TTDB 500,000 x 19 = 2,850. Fines bear none.
    assert split(case) == (
        10 * M + 57_000 + 2 * M,  # 12,057,000
        6 * M + 34_200,  # 6,034,200
        1_800_000 + 16_200,  # 1,816,200
    )
    assert (case.overdue_tax, case.overdue_interest, case.overdue_fines) == (18_300_000, 110_250, 2 * M)
    # Other tax types: 20,410,250 - 12,057,000 - 6,034,200 - 1,816,200 = 502,850 (the TTDB and its interest).
    assert case.overdue_total == 20_410_250
    assert case.overdue_total - sum(s for s in split(case) if s is not None) == 502_850


async def test_a_payment_moves_the_split_and_a_closed_case_has_zeros(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    cit_due = D(2025, 7, 30)
    taxpayer = await typed_debtor(
        session, "001091000002", ("VAT", ChargeKind.TAX, 10 * M, DUE), ("CIT", ChargeKind.TAX, 6 * M, cit_due)
    )
    started = datetime.datetime.now(datetime.UTC)
    await flag(session_factory, D(2025, 8, 20))
    assert split(await open_case(session, taxpayer)) == (10 * M, 6 * M, 0)
    # Paid on 31 Jul: only the CIT was overdue then (the day after its deadline: no interest), 2,000,000 of it.
    await pay(session_factory, taxpayer, "VCB-SPLIT-MOVE-1", 2 * M, D(2025, 7, 31))
    previous, started = Previous(D(2025, 8, 20), started), datetime.datetime.now(datetime.UTC)
    counts = await flag(session_factory, D(2025, 8, 21), previous)
    assert (counts.scope, counts.updated) == (1, 1)
    case = await open_case(session, taxpayer)
    assert (split(case), case.overdue_total) == ((10 * M, 4 * M, 0), 14 * M)

    # The rest, paid on 1 Aug (the day after the VAT deadline, 2 days after the CIT's: 4,000,000 x 0.03 % x 1 day
    # = 1,200 interest, paid in the same payment): the case closes with nothing left of any tax type.
    await pay(session_factory, taxpayer, "VCB-SPLIT-MOVE-2", 14 * M + 1_200, D(2025, 8, 1))
    assert await session.scalar(select(Payment.unallocated).where(Payment.bank_ref == "VCB-SPLIT-MOVE-2")) == 0
    counts = await flag(session_factory, D(2025, 8, 22), Previous(D(2025, 8, 21), started))
    assert (counts.closed, counts.stock_rows) == (1, 0)
    (closed,) = await cases(session, taxpayer)
    assert (closed.status, split(closed), closed.overdue_total) == ("closed", (0, 0, 0), 0)


async def _stock_debtors(session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]) -> list[Taxpayer]:
    """Five debtors: the mixed one (PIT overdue since 20 Jul), three owing since 31 Jul (one of them "difficult",
    registry status 07), and one of another office."""
    mixed = await mixed_debtor(session, session_factory, "001091000010")
    vat_only = await typed_debtor(session, "001091000011", ("VAT", ChargeKind.TAX, 5 * M, DUE))
    two = await typed_debtor(
        session, "001091000012", ("VAT", ChargeKind.TAX, 1 * M, DUE), ("CIT", ChargeKind.TAX, 7 * M, DUE)
    )
    difficult = await typed_debtor(session, "001091000013", ("VAT", ChargeKind.TAX, 2 * M, DUE), status="07")
    elsewhere = await typed_debtor(session, "001091000014", ("PIT", ChargeKind.TAX, 900_000, DUE))
    await session.execute(update(Taxpayer).where(Taxpayer.id == elsewhere.id).values(tax_office="HCM"))
    await session.commit()
    return [mixed, vat_only, two, difficult, elsewhere]


async def test_the_days_stock_by_office_bucket_category_and_tax_type(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _stock_debtors(session, session_factory)
    day = D(2025, 8, 20)
    counts = await flag(session_factory, day)  # no interest snapshot: tax and fines only
    assert (counts.opened, counts.stock_rows) == (5, 12)
    # On 20 Aug the mixed debtor's PIT is 31 days overdue (31-60); the others, due 31 Jul, 20 days (1-30).
    assert await stock(session, day) == {
        ("HNI", "31-60", "collectible", "VAT"): (1, 12 * M),  # 10,000,000 tax + 2,000,000 fine
        ("HNI", "31-60", "collectible", "CIT"): (1, 6 * M),  # the October instalment is not yet due
        ("HNI", "31-60", "collectible", "PIT"): (1, 1_800_000),  # 3,000,000 - 1,200,000 paid
        ("HNI", "31-60", "collectible", "OTH"): (1, 500_000),  # the TTDB
        ("HNI", "1-30", "collectible", "VAT"): (2, 6 * M),  # 5,000,000 + 1,000,000
        ("HNI", "1-30", "collectible", "CIT"): (1, 7 * M),
        ("HNI", "1-30", "difficult", "VAT"): (1, 2 * M),
        ("HCM", "1-30", "collectible", "PIT"): (1, 900_000),
        # Every tax type together: each case once.
        ("HNI", "31-60", "collectible", "ALL"): (1, 20_300_000),
        ("HNI", "1-30", "collectible", "ALL"): (2, 13 * M),
        ("HNI", "1-30", "difficult", "ALL"): (1, 2 * M),
        ("HCM", "1-30", "collectible", "ALL"): (1, 900_000),
    }
    # Summed over the tax types, and over the ALL rows, the stock is every open case's total.
    open_total = sum(await session.scalars(select(ArrearsCase.overdue_total).where(ArrearsCase.status == "open")))
    rows = (await stock(session, day)).items()
    assert sum(amount for key, (_cases, amount) in rows if key[3] != "ALL") == open_total == 36_200_000
    assert sum(amount for key, (_cases, amount) in rows if key[3] == "ALL") == open_total


async def test_running_the_day_again_replaces_its_stock_and_keeps_earlier_days(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    _mixed, vat_only, *_others = await _stock_debtors(session, session_factory)
    await flag(session_factory, D(2025, 8, 19))
    earlier = await stock(session, D(2025, 8, 19))
    # On 19 Aug the PIT is 30 days overdue: everything in 1-30.
    assert earlier[("HNI", "1-30", "collectible", "VAT")] == (3, 18 * M)
    day = D(2025, 8, 20)
    await flag(session_factory, day)
    first = await stock(session, day)
    counts = await flag(session_factory, day)
    assert counts == FlagCounts(full=1, examined=5, unchanged=5, stock_rows=12)
    assert await stock(session, day) == first  # replaced, not doubled

    # The VAT-only debtor paid on 1 Aug (the day after the deadline, no interest): a run for the same day
    # closes its case and its 5,000,000 leaves the stock.
    await pay(session_factory, vat_only, "VCB-STOCK-1", 5 * M, D(2025, 8, 1))
    counts = await flag(session_factory, day)
    assert (counts.closed, counts.stock_rows) == (1, 12)
    again = await stock(session, day)
    assert again == {
        **first,
        ("HNI", "1-30", "collectible", "VAT"): (1, 1 * M),
        ("HNI", "1-30", "collectible", "ALL"): (1, 8 * M),
    }
    assert await stock(session, D(2025, 8, 19)) == earlier


async def test_unsplit_cases_are_filled_by_an_incremental_run(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    mixed, vat_only, two, difficult, elsewhere = await _stock_debtors(session, session_factory)
    day = D(2025, 8, 20)
    started = datetime.datetime.now(datetime.UTC)
    await flag(session_factory, day)
    # Two cases as written before the split existed.
    unsplit = [mixed.id, two.id]
    await session.execute(
        update(ArrearsCase)
        .where(ArrearsCase.taxpayer_id.in_(unsplit))
        .values(overdue_vat=None, overdue_cit=None, overdue_pit=None)
    )
    await session.commit()
    # Until they are filled the stock shows all of them as other tax types.
    assert await write_stock(session, day) == 9
    await session.commit()
    assert (await stock(session, day))[("HNI", "31-60", "collectible", "OTH")] == (1, 20_300_000)
    assert (await stock(session, day))[("HNI", "1-30", "collectible", "OTH")] == (1, 8 * M)

    # 21 Aug crosses no bucket or stage boundary and nothing changed in the ledger: only the unsplit cases are
    # examined, rewritten without any history event.
    counts = await flag(session_factory, D(2025, 8, 21), Previous(day, started))
    assert counts == FlagCounts(scope=2, examined=2, updated=2, stock_rows=12)
    assert split(await open_case(session, mixed)) == (12 * M, 6 * M, 1_800_000)
    assert split(await open_case(session, two)) == (1 * M, 7 * M, 0)
    for taxpayer in (vat_only, difficult, elsewhere):
        assert (await open_case(session, taxpayer)).as_of == day
    assert [e[1] for e in await events(session, await open_case(session, mixed))] == ["opened"]
    assert ("HNI", "1-30", "collectible", "OTH") not in await stock(session, D(2025, 8, 21))
