"""Importing a bank statement: rows read lazily, recorded in batches, every row accounted for."""

import asyncio
import datetime
from collections.abc import Awaitable, Callable, Iterator
from itertools import islice
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.payments import ImportOutcome, PaymentRecord, PaymentService
from taxoffice.accounts.statements import RowProblem, StatementRow, read_statement
from taxoffice.auth.audit import record
from taxoffice.auth.roles import Principal

IMPORT_BATCH = 5_000


def _record(row: StatementRow) -> PaymentRecord:
    return PaymentRecord(
        bank_ref=row.bank_ref,
        tax_code=row.tax_code,
        amount=row.amount,
        paid_on=row.paid_on,
        period=row.period,
        sub_item=row.sub_item,
        chapter=row.chapter,
        payer_name=row.payer_name or "",
        tax_office=row.tax_office,
    )


async def import_statement(
    session: AsyncSession,
    actor: Principal,
    stream: BinaryIO,
    today: datetime.date,
    *,
    filename: str | None = None,
    after_batch: Callable[[int], Awaitable[None]] | None = None,
) -> ImportOutcome:
    """Record every good row of the statement; rejected rows are listed with their reasons and block nothing.

    Rows are read and checked in a worker thread, a batch at a time, so a large file does not hold up the
    server's other requests. ``after_batch`` (given the rows read so far) runs after each batch: the CLI commits
    there and moves its progress bar, so a stopped import leaves whole batches and can simply be run again
    (duplicates are recognised). Through HTTP the whole file is one transaction.

    Raises:
        StatementError: the file is not a readable statement. A fault in the header refuses it before any row;
            a later one (a line that is not UTF-8) after the batches before it, which the CLI has committed
            and HTTP rolls back.
    """
    service = PaymentService(session)
    outcome = ImportOutcome()
    rows: Iterator[StatementRow | RowProblem] = read_statement(stream, today=today, filename=filename)
    read = 0
    while chunk := await asyncio.to_thread(lambda: list(islice(rows, IMPORT_BATCH))):
        read += len(chunk)
        batch: list[tuple[int, PaymentRecord]] = []
        for row in chunk:
            if isinstance(row, RowProblem):
                outcome.rejected.append((row.row, row.reason))
            else:
                batch.append((row.row, _record(row)))
        await service.import_batch(actor, batch, outcome)
        if after_batch is not None:
            await after_batch(read)
    await record(
        session,
        actor,
        "payment.import",
        "statement",
        filename or "upload",
        {
            "rows": read,
            "imported": outcome.imported,
            "duplicates": outcome.duplicates,
            "rejected": len(outcome.rejected),
        },
    )
    if after_batch is not None:
        await after_batch(read)
    outcome.rejected.sort()
    return outcome
