"""Importing a bank statement: rows read lazily, recorded in batches, every row accounted for."""

import asyncio
import datetime
from collections.abc import Awaitable, Callable, Iterator
from itertools import islice
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.bank_statements import (
    RowProblem,
    StatementLimits,
    StatementRow,
    StatementTooLargeError,
    read_statement,
)
from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.accounts.payments import ImportOutcome, PaymentService
from taxoffice.auth.audit import record
from taxoffice.auth.roles import Principal
from taxoffice.config import Settings

IMPORT_BATCH = 5_000


def statement_limits(settings: Settings) -> StatementLimits:
    """The bounds on one statement, from the settings (``TAXOFFICE_STATEMENT_*``)."""
    return StatementLimits(
        rows=settings.statement_max_rows,
        cells=settings.statement_max_cells,
        shared_strings=settings.statement_max_shared_strings,
        inflated_bytes=settings.statement_max_inflated_bytes,
        inflation_ratio=settings.statement_max_inflation_ratio,
    )


def check_size(size: int, settings: Settings) -> None:
    """Refuse a statement file of more than ``statement_max_bytes`` (413).

    Raises:
        StatementTooLargeError: the file is too large.
    """
    if size > settings.statement_max_bytes:
        msg = f"the statement is larger than {settings.statement_max_bytes:,} bytes; split it into smaller files"
        raise StatementTooLargeError(msg, bound="statement.file_size")


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
        reference=row.reference,
    )


async def import_statement(
    session: AsyncSession,
    actor: Principal,
    stream: BinaryIO,
    today: datetime.date,
    settings: Settings,
    *,
    filename: str | None = None,
    after_batch: Callable[[int], Awaitable[None]] | None = None,
) -> ImportOutcome:
    """Record every good row of the statement; rejected rows are listed with their reasons and block nothing.

    Rows are read and checked in a worker thread, a batch at a time, so a large file does not hold up the
    server's other requests. ``after_batch`` (given the rows read so far) runs after each batch: the CLI commits
    there and moves its progress bar, so a stopped import leaves whole batches and can simply be run again
    (duplicates are recognised). Through HTTP the whole file is one transaction. The file is held to the
    settings' bounds (``statement_limits``) as it is read; the outcome keeps the first
    ``statement_shown_problems`` rejected rows and counts the rest.

    Raises:
        StatementError: the file is not a readable statement. A fault in the header refuses it before any row;
            a later one (a line that is not UTF-8) after the batches before it, which the CLI has committed
            and HTTP rolls back.
        StatementTooLargeError: the file passes a bound: an XLSX before any row, a CSV at the row past it.
    """
    service = PaymentService(session)
    outcome = ImportOutcome(shown=settings.statement_shown_problems)
    rows: Iterator[StatementRow | RowProblem] = read_statement(
        stream, today=today, filename=filename, limits=statement_limits(settings)
    )
    read = 0
    while chunk := await asyncio.to_thread(lambda: list(islice(rows, IMPORT_BATCH))):
        read += len(chunk)
        batch: list[tuple[int, PaymentRecord]] = []
        for row in chunk:
            if isinstance(row, RowProblem):
                outcome.reject(row.row, row.reason, row.field)
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
            "rejected": outcome.rejected_count,
        },
    )
    if after_batch is not None:
        await after_batch(read)
    return outcome
