"""The fast paths and their embedded counterparts exercised the same way on either database.

Accepting a return and posting its charge through ``AccountService.post_with``; ``copy_rows``.

The scenarios run on the test's session (PostgreSQL in ``tests/accounts``, SQLite in ``tests/embedded``).
"""

import datetime
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Table, event, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from filings import mailing
from filings.intake import read_submission
from filings.models import TaxReturn
from filings.receipts import Checked
from filings.services import RETURN_MAX_BYTES, FilingService
from taxoffice.accounts.models import Charge, CollectionDay, CollectionDayDelta
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import WorkingCalendar
from taxoffice.fastpaths import copy_rows, upsert_rows
from tests.filings.test_returns_api import vat_return, vat_values
from tests.registry.helpers import register_enterprise

NOW = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
OFFICER = Principal(user_id=1, username="officer-posting", role=Role.OFFICER)
CALENDAR = WorkingCalendar({})
NO_SUCH_TAXPAYER = -1


async def received_return(
    session: AsyncSession, id_number: str, period: str = "2026-02"
) -> tuple[FilingService, Checked, TaxReturn]:
    """A return received (committed) and not yet decided, with the filing service and the checks that received it.

    Received on ``NOW``: the default period's return is on time, one of January 2026 is late.
    """
    filer = await register_enterprise(session, id_number, "Công ty TNHH Ghi Nợ")
    service = FilingService(session, AccountService(session))
    body = json.dumps(vat_return(filer.tax_code, period, vat_values(sales_10=400_000_000))).encode()
    envelope = read_submission(body, "application/json", max_bytes=RETURN_MAX_BYTES)
    checked = await service.check(OFFICER, envelope, NOW.date(), CALENDAR)
    return service, checked, await service.receive(OFFICER, checked, NOW, None)


def accepted(ret: TaxReturn, payable: int) -> TaxReturn:
    """``ret`` with an acceptance decided (not stored)."""
    ret.status, ret.is_current, ret.tax_payable, ret.posted_amount, ret.decided_at = (
        "accepted",
        True,
        payable,
        payable,
        NOW,
    )
    return ret


def charge_of(ret: TaxReturn, taxpayer_id: int | None = None) -> NewCharge:
    """The return's tax charge; ``taxpayer_id`` names another taxpayer (one that does not exist makes it fail)."""
    return NewCharge(
        taxpayer_id=ret.taxpayer_id if taxpayer_id is None else taxpayer_id,
        tax_code=ret.tax_code,
        tax_type="VAT",
        sub_item="1701",
        period=ret.period,
        kind=ChargeKind.TAX,
        amount=ret.posted_amount or 0,
        due_on=datetime.date(2026, 3, 20),
        interest_from=datetime.date(2026, 3, 20),
        source=f"return:{ret.id}",
    )


async def stored_state(session: AsyncSession, return_id: int) -> tuple[str | None, list[int]]:
    """The return's stored status and the amounts charged for it."""
    status = await session.scalar(select(TaxReturn.status).where(TaxReturn.id == return_id))
    amounts = list(await session.scalars(select(Charge.amount).where(Charge.source == f"return:{return_id}")))
    return status, amounts


@contextmanager
def statements_of(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` runs inside the block (savepoints left out: they are the tests' own)."""
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def post_acceptance(session: AsyncSession, ret: TaxReturn, charges: list[NewCharge]) -> bool:
    """The acceptance of ``ret`` posted with ``charges`` through the ledger's one operation."""
    return await AccountService(session).post_with(mailing.acceptance(ret), charges)


DELTA_COLUMNS = ("day", "tax_office", "tax_type", "sub_item", "component", "overdue", "amount", "lines")
COPY_DAY = datetime.date(2026, 3, 2)
COPY_RECORDS = [
    (COPY_DAY, "10100", "VAT", "1701", "tax", False, 5_000, 1),
    (COPY_DAY, "10100", "PIT", "1001", "tax", True, 7_000, 2),
]


async def upsert_twice(connection: AsyncConnection) -> list[tuple[str, int, int]]:
    """``upsert_rows`` of two rows into ``collection_day``, then of one of them changed and a new one: the rows."""
    table = cast("Table", CollectionDay.__table__)
    key = DELTA_COLUMNS[:6]
    await upsert_rows(connection, table, key, DELTA_COLUMNS, COPY_RECORDS, ("amount", "lines"))
    changed = (*COPY_RECORDS[0][:6], 9_000, 3)
    added = (COPY_DAY, "10100", "CIT", "1052", "tax", False, 4_000, 1)
    await upsert_rows(connection, table, key, DELTA_COLUMNS, [changed, added], ("amount", "lines"))
    await upsert_rows(connection, table, key, DELTA_COLUMNS, [], ("amount", "lines"))
    rows = await connection.execute(
        select(table.c.tax_type, table.c.amount, table.c.lines).where(table.c.day == COPY_DAY).order_by(table.c.amount)
    )
    return [tuple(row) for row in rows]


UPSERTED = [("CIT", 4_000, 1), ("PIT", 7_000, 2), ("VAT", 9_000, 3)]


async def copy_and_sum(engine: AsyncEngine, connection: AsyncConnection) -> tuple[int, int | None]:
    """``copy_rows`` of two rows (and of none) into ``collection_day_delta``: the statements run, the rows' sum."""
    table = cast("Table", CollectionDayDelta.__table__)
    with statements_of(engine) as statements:
        await copy_rows(connection, table, DELTA_COLUMNS, COPY_RECORDS)
        await copy_rows(connection, table, DELTA_COLUMNS, [])
    total = await connection.scalar(select(func.sum(table.c.amount)).where(table.c.day == COPY_DAY))
    return len(statements), total
